import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
    ...(options.asRoot ? ['--no-sandbox'] : []),
  ];
}

/** A Chromium window showing the kiosk. */
export interface ChromiumWindow {
  readonly process: ChildProcess;
  close(): Promise<void>;
}

/** Opens system Chromium on the kiosk URL with a temporary profile that is deleted on close. */
export function openChromium(executable: string, url: string, options: { kiosk: boolean }): ChromiumWindow {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'booth-chromium-'));
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn(executable, chromiumArgs(url, profileDir, { kiosk: options.kiosk, asRoot }), {
    stdio: 'ignore',
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
    rmSync(profileDir, { recursive: true, force: true });
  });
  return {
    process: child,
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
