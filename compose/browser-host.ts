/**
 * The browser host: the kiosk core serving the built renderer and the KioskApi on 127.0.0.1, with system
 * Chromium as the window when a display exists, or headless (print the URL and keep serving) when not.
 *
 * Environment: BOOTH_DATA_DIR, BOOTH_SIMULATE (1 = demonstration; otherwise production, see main/core/mode.ts),
 * BOOTH_PORT (default 8570; 0 = any free port), BOOTH_OPEN_BROWSER (auto | 0 | 1), BOOTH_KIOSK (1 = Chromium
 * --kiosk instead of an app window), BOOTH_CENTRAL_URL and BOOTH_CENTRAL_TOKEN (else the kiosk's enrolment; a
 * demonstration kiosk without a URL starts a local reference central server in BOOTH_LOCAL_CENTRAL_DIR, default
 * `<data dir>-local-central`), BOOTH_KIOSK_ID.
 *
 * It lives outside main/ on purpose: it is the one composition root that joins the kiosk (main/) with the reference
 * central server (central/), for the demonstration's local central API; main/ and central/ never import each other
 * (see docs/ARCHITECTURE.md, "Dependencies").
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../main/store/data-dir.js';
import { DEV_KIOSK_TOKEN, startKioskCore } from '../main/core/kiosk-core.js';
import { DEV_KIOSK_ID } from '../main/core/kiosk-identity.js';
import { resolveKioskMode } from '../main/core/mode.js';
import { provisioningPath } from '../main/core/provisioning.js';
import { createLogger } from '../main/core/log.js';
import { appRootDir, resourcesDir } from '../main/core/paths.js';
import { collectTrustedKeys } from '../contract/catalog/signing.js';
import { kioskTrustedKeySources } from '../main/services/catalog/trust.js';
import {
  browserUserDecision,
  currentUid,
  findChromium,
  hasDisplay,
  openChromium,
  type ChromiumWindow,
} from '../main/browser-host/chromium.js';
import { startBrowserHost, type BrowserHost, type ConnectableCore } from '../main/browser-host/server.js';
import { announceKioskUrl } from '../main/browser-host/kiosk-url.js';
import { startCentralServer, type CentralServer } from '../central/server.js';

const env = process.env;
const say = (line: string): void => {
  process.stdout.write(`[booth] ${line}\n`);
};

async function listen(core: Promise<ConnectableCore>, staticDir: string): Promise<BrowserHost> {
  const log = createLogger();
  const wanted = env.BOOTH_PORT === undefined ? 8570 : Number(env.BOOTH_PORT);
  try {
    return await startBrowserHost({ core, staticDir, port: wanted, log });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0) throw error;
    say(`port ${wanted} is in use; taking any free port instead`);
    return startBrowserHost({ core, staticDir, port: 0, log });
  }
}

/**
 * The local reference central server of a demonstration kiosk: its own folder beside (never inside) the kiosk
 * data directory, so the kiosk's data stays the kiosk's — personal data the central side keeps is not subject to
 * the kiosk's purge. A read-only or unwritable folder is said plainly, with what to do.
 */
async function startLocalCentral(dataDir: string, kioskId: string): Promise<CentralServer> {
  const centralDir = env.BOOTH_LOCAL_CENTRAL_DIR
    ? path.resolve(env.BOOTH_LOCAL_CENTRAL_DIR)
    : `${dataDir}-local-central`;
  const legacy = path.join(dataDir, 'local-central');
  if (existsSync(legacy)) {
    // Earlier versions kept it inside the kiosk data directory; it holds only demonstration data.
    rmSync(legacy, { recursive: true, force: true });
    say(`removed the old local central data from the kiosk data directory (${legacy})`);
  }
  try {
    // The nearest folder that exists must be writable: a recursive mkdir on a read-only file system reports
    // ENOENT rather than EROFS, which would hide the reason.
    let existing = centralDir;
    while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    accessSync(existing, constants.W_OK);
    mkdirSync(centralDir, { recursive: true, mode: 0o700 });
    accessSync(centralDir, constants.W_OK);
    // Its console verifies uploaded catalogs against the keys this demonstration kiosk trusts.
    const trust = collectTrustedKeys(
      kioskTrustedKeySources({ mode: 'demonstration', resourcesDir: resourcesDir(), dataDir, env }),
    );
    return await startCentralServer({
      port: 0,
      dataDir: centralDir,
      kioskTokens: { [kioskId]: DEV_KIOSK_TOKEN },
      adminToken: env.BOOTH_ADMIN_TOKEN ?? 'dev-admin-token',
      catalogTrustedKeys: trust.keys,
      // The demonstration's local central: statuses nobody sets move on a timer, so the look-up has something
      // to show (a production central server never does this; officers move statuses in its console).
      demonstrationStatuses: true,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EROFS'
        ? 'is on a read-only file system'
        : code === 'EACCES' || code === 'EPERM'
          ? 'is not writable by this user'
          : code === 'ENOSPC'
            ? 'is on a full disk'
            : `cannot be used (${error instanceof Error ? error.message : String(error)})`;
    throw new Error(
      `the local central server's folder ${centralDir} ${why}; set BOOTH_LOCAL_CENTRAL_DIR to a writable folder, or BOOTH_CENTRAL_URL to a central API`,
    );
  }
}

async function main(): Promise<void> {
  const dataDir = resolveDataDir(env);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { mode, reason } = resolveKioskMode({ env, provisioned: existsSync(provisioningPath(dataDir)) });
  const staticDir = path.join(appRootDir(), 'dist', 'renderer');
  say(`data directory: ${dataDir}`);
  say(`mode: ${mode} (${reason})`);
  say(
    mode === 'demonstration'
      ? 'peripherals: simulated (demonstration)'
      : 'peripherals: real devices (BOOTH_IDCARD/BOOTH_PRINTER/BOOTH_SCANNER or booth config set-device)',
  );

  // Refuse a root browser before anything starts, rather than after the core and central server are up.
  const open = env.BOOTH_OPEN_BROWSER ?? 'auto';
  const chromium = findChromium(env);
  const wantsBrowser = open !== '0' && hasDisplay(env) && chromium !== null;
  if (wantsBrowser) {
    const decision = browserUserDecision(currentUid(), env);
    if (!decision.allowed) throw new Error(decision.message);
  }

  let central: CentralServer | null = null;
  let centralUrl = env.BOOTH_CENTRAL_URL;
  let centralToken = env.BOOTH_CENTRAL_TOKEN;
  const kioskId = env.BOOTH_KIOSK_ID ?? DEV_KIOSK_ID;
  // The page is served, and Chromium started, while the (local central and the) core start: Chromium's own start
  // takes about as long as the core's, so the two overlap. The host holds the page's connection until the core
  // is ready (main/browser-host/server.ts).
  const starting = (async () => {
    if (!centralUrl && mode === 'demonstration') {
      centralToken = DEV_KIOSK_TOKEN;
      central = await startLocalCentral(dataDir, kioskId);
      centralUrl = central.url;
      say(
        `central API: a local reference server at ${central.url} (set BOOTH_CENTRAL_URL to use a real one)`,
      );
    } else if (centralUrl) {
      say(`central API: ${centralUrl}`);
    } else {
      say('central API: the one this kiosk was enrolled with (booth provision), if any');
    }
    return startKioskCore({
      dataDir,
      mode,
      modeReason: reason,
      host: 'browser',
      ...(centralUrl ? { centralUrl } : {}),
      ...(env.BOOTH_KIOSK_ID || mode === 'demonstration' ? { kioskId } : {}),
      ...(centralToken ? { centralToken } : {}),
    });
  })();
  // Settled here too, so a failure while the host starts is not an unhandled rejection.
  starting.catch(() => undefined);
  const host = await listen(starting, staticDir);
  say(`kiosk serving on ${host.origin} (127.0.0.1 only)`);

  let window: ChromiumWindow | null = null;
  if (open === '0') {
    say('not opening a browser (BOOTH_OPEN_BROWSER=0)');
  } else if (!hasDisplay(env)) {
    say('no display (DISPLAY/WAYLAND_DISPLAY unset): running headless');
  } else if (!chromium) {
    say('no system Chromium found (install the chromium package, or set BOOTH_CHROMIUM): running headless');
  } else {
    say(
      `opening system Chromium (${chromium}) ${env.BOOTH_KIOSK === '1' ? 'in kiosk mode' : 'as an app window'}`,
    );
    // A one-time launch link on Chromium's command line (readable by local users), never the token itself.
    window = openChromium(chromium, host.createLaunchUrl(), { kiosk: env.BOOTH_KIOSK === '1' });
    if (env.BOOTH_KIOSK === '1' && window.policy.state !== 'installed') {
      say(
        `warning: Chromium's managed kiosk policy is ${window.policy.state} at ${window.policy.path} (DevTools and other URLs stay reachable); install it with: booth kiosk policy --origin ${host.origin} --install`,
      );
    }
  }
  let core: Awaited<typeof starting>;
  try {
    core = await starting;
  } catch (error) {
    await window?.close();
    await host.close();
    await (central as CentralServer | null)?.close();
    throw error;
  }
  // The token only where it is needed: the terminal when headless, a 0600 file, or nowhere (kiosk-url.ts).
  announceKioskUrl({ kioskUrl: host.kioskUrl, browserOpened: window !== null, dataDir, env, say });
  say('press Ctrl-C to stop');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: shutting down`);
    await window?.close();
    await host.close();
    await core.close();
    await central?.close();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[booth] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
