/**
 * The browser host: the kiosk core serving the built renderer and the KioskApi on 127.0.0.1, with system
 * Chromium as the window when a display exists, or headless (print the URL and keep serving) when not.
 *
 * Environment: BOOTH_DATA_DIR, BOOTH_SIMULATE (default 1), BOOTH_PORT (default 8570; 0 = any free port),
 * BOOTH_OPEN_BROWSER (auto | 0 | 1), BOOTH_KIOSK (1 = Chromium --kiosk instead of an app window),
 * BOOTH_CENTRAL_URL and BOOTH_CENTRAL_TOKEN (without a URL, a local reference central server is started with
 * its data under the kiosk data directory), BOOTH_KIOSK_ID.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../store/data-dir.js';
import { startKioskCore } from '../core/kiosk-core.js';
import { createLogger } from '../core/log.js';
import { appRootDir } from '../core/paths.js';
import { findChromium, hasDisplay, openChromium, type ChromiumWindow } from './chromium.js';
import { startBrowserHost, type BrowserHost } from './server.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';

const env = process.env;
const say = (line: string): void => {
  process.stdout.write(`[booth] ${line}\n`);
};

async function listen(
  core: Awaited<ReturnType<typeof startKioskCore>>,
  staticDir: string,
): Promise<BrowserHost> {
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

async function main(): Promise<void> {
  const dataDir = resolveDataDir(env);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const simulate = env.BOOTH_SIMULATE !== '0';
  const staticDir = path.join(appRootDir(), 'dist', 'renderer');
  say(`data directory: ${dataDir}`);
  say(
    simulate ? 'peripherals: simulated (BOOTH_SIMULATE=0 to use real devices)' : 'peripherals: real devices',
  );

  const kioskId = env.BOOTH_KIOSK_ID ?? 'dev-kiosk';
  let central: CentralServer | null = null;
  let centralUrl = env.BOOTH_CENTRAL_URL;
  let centralToken = env.BOOTH_CENTRAL_TOKEN;
  if (!centralUrl) {
    centralToken = 'dev-kiosk-token';
    central = await startCentralServer({
      port: 0,
      dataDir: path.join(dataDir, 'local-central'),
      kioskTokens: { [kioskId]: centralToken },
      adminToken: env.BOOTH_ADMIN_TOKEN ?? 'dev-admin-token',
    });
    centralUrl = central.url;
    say(`central API: a local reference server at ${central.url} (set BOOTH_CENTRAL_URL to use a real one)`);
  } else {
    say(`central API: ${centralUrl}`);
  }
  const core = await startKioskCore({
    dataDir,
    simulate,
    host: 'browser',
    centralUrl,
    kioskId,
    ...(centralToken ? { centralToken } : {}),
  });
  const host = await listen(core, staticDir);
  say(`kiosk serving on ${host.origin} (127.0.0.1 only)`);

  let window: ChromiumWindow | null = null;
  const open = env.BOOTH_OPEN_BROWSER ?? 'auto';
  const chromium = findChromium(env);
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
  }
  // The operator's own terminal needs the full URL to open the kiosk elsewhere (headless machines).
  say(`open the kiosk at: ${host.kioskUrl}`);
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
