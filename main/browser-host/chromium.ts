import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM_MANAGED_POLICY_DIR, kioskPolicyState, type KioskPolicyState } from './kiosk-policy.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where system Chromium usually is. `BOOTH_CHROMIUM` overrides. */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const candidates = [
    env.BOOTH_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((c): c is string => typeof c === 'string' && c.length > 0 && existsSync(c)) ?? null;
}

/** Whether a graphical display is available to open a window on. */
export function hasDisplay(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Chromium features the kiosk window has no use for (names as in Chromium's feature list; unknown ones are ignored). */
export const CHROMIUM_DISABLED_FEATURES: readonly string[] = [
  'PreloadTopChromeWebUI',
  'WebUIOmniboxPopup',
  'WebUIOmniboxFullPopup',
  'WebUIOmniboxAimPopup',
];

/** The command-line flags for a kiosk window with its own throw-away profile. */
export function chromiumArgs(
  url: string,
  profileDir: string,
  options: { kiosk: boolean; asRoot: boolean },
): string[] {
  return [
    `--user-data-dir=${profileDir}`,
    options.kiosk ? '--kiosk' : '--start-maximized',
    `--app=${url}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-translate',
    '--disable-pinch',
    '--overscroll-history-navigation=0',
    '--autoplay-policy=no-user-gesture-required',
    // Nothing else starts with the kiosk window: no extensions (component ones with background pages included),
    // default apps, crash reporter, phishing classifier or default-browser and search-engine prompts, and no
    // system keyring (which may block or prompt on a desktop session). Less to start, and less to lock down.
    '--disable-extensions',
    '--disable-component-extensions-with-background-pages',
    '--disable-default-apps',
    '--disable-breakpad',
    '--disable-client-side-phishing-detection',
    '--no-default-browser-check',
    '--disable-search-engine-choice-screen',
    '--password-store=basic',
    // The browser's own omnibox pop-up pages, which this window never shows, are otherwise built at launch and
    // compete with the kiosk's first screen for the CPU.
    `--disable-features=${CHROMIUM_DISABLED_FEATURES.join(',')}`,
    ...(options.asRoot ? ['--no-sandbox'] : []),
  ];
}

/** Whether the kiosk browser may be started by this user, and if so whether without Chromium's sandbox. */
export type BrowserUserDecision =
  | { readonly allowed: true; readonly noSandbox: boolean }
  | { readonly allowed: false; readonly message: string };

/**
 * Decides whether the kiosk browser may run as the user `uid` (null where there are no uids). Chromium
 * refuses to run as root unless its sandbox is switched off, and then a page that exploits one renderer bug
 * owns the machine — on a public kiosk whose citizens touch the screen. So root is refused unless the
 * deployer explicitly accepts that (`BOOTH_ALLOW_ROOT_BROWSER=1`, e.g. a throw-away container).
 */
export function browserUserDecision(uid: number | null, env: Env): BrowserUserDecision {
  if (uid !== 0) return { allowed: true, noSandbox: false };
  if (env.BOOTH_ALLOW_ROOT_BROWSER === '1') return { allowed: true, noSandbox: true };
  return {
    allowed: false,
    message:
      'refusing to open the kiosk browser as root: Chromium would have to run without its sandbox. Run the kiosk as an unprivileged user, or set BOOTH_ALLOW_ROOT_BROWSER=1 to accept running Chromium as root without a sandbox (e.g. in a throw-away container)',
  };
}

/** Thrown by {@link openChromium} when {@link browserUserDecision} refuses. */
export class BrowserRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserRefusedError';
  }
}

/** This process's uid, or null on a platform without uids. */
export function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

/** A Chromium window showing the kiosk. */
export interface ChromiumWindow {
  readonly process: ChildProcess;
  /** Whether the kiosk's managed Chromium policy (DevTools off, other URLs blocked) is installed for its origin. */
  readonly policy: KioskPolicyState;
  close(): Promise<void>;
}

/** Options of {@link openChromium}; `uid`, `env` and `policyDir` are injected by tests. */
export interface OpenChromiumOptions {
  readonly kiosk: boolean;
  readonly uid?: number | null;
  readonly env?: Env;
  readonly policyDir?: string;
}

/**
 * Opens system Chromium on the kiosk URL with a temporary profile that is deleted on close. Throws
 * {@link BrowserRefusedError}, before anything is started, when run as root without the explicit override.
 */
export function openChromium(executable: string, url: string, options: OpenChromiumOptions): ChromiumWindow {
  const decision = browserUserDecision(
    options.uid === undefined ? currentUid() : options.uid,
    options.env ?? process.env,
  );
  if (!decision.allowed) throw new BrowserRefusedError(decision.message);
  const policy = kioskPolicyState(new URL(url).origin, options.policyDir ?? CHROMIUM_MANAGED_POLICY_DIR);
  const profileDir = mkdtempSync(path.join(tmpdir(), 'booth-chromium-'));
  const args = chromiumArgs(url, profileDir, { kiosk: options.kiosk, asRoot: decision.noSandbox });
  const child = spawn(executable, args, { stdio: 'ignore' });
  let exited = false;
  const gone = (): void => {
    exited = true;
    rmSync(profileDir, { recursive: true, force: true });
  };
  child.on('exit', gone);
  // A binary that cannot be started (removed, not executable) must not crash the kiosk core with it.
  child.on('error', gone);
  return {
    process: child,
    policy,
    async close() {
      if (exited) return;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      if (!exited) child.kill('SIGKILL');
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
