import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app } from 'electron';
import { registerBeforeReady, startShell } from './shell.js';

/**
 * Electron main-process entry (bundled to dist/main/electron/main.js). Layout of the built app:
 * dist/main/electron/{main.js,preload.cjs}, dist/main/core/utility-entry.js, dist/renderer/.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const distRoot = path.resolve(here, '..', '..');

// `<app binary> --booth ARGS`: the booth command of a packaged kiosk (resources/bin/booth), compiled JavaScript
// run by the app's own binary — its native modules are built for it, and it has no tsx. No window, no core.
const boothAt = process.argv.indexOf('--booth');
if (boothAt >= 0) {
  const cli = pathToFileURL(path.join(distRoot, 'cli', 'booth.js')).href;
  const { runBoothProcess } = (await import(cli)) as {
    runBoothProcess(argv: readonly string[]): Promise<number>;
  };
  app.exit(await runBoothProcess(process.argv.slice(boothAt + 1)));
} else {
  startKiosk();
}

function startKiosk(): void {
  registerBeforeReady();

  // Tests and multi-kiosk test benches give each instance its own profile (sealed key, single-instance lock).
  const userDataOverride = process.env.BOOTH_USER_DATA_DIR;
  if (userDataOverride !== undefined && userDataOverride !== '')
    app.setPath('userData', path.resolve(userDataOverride));

  // Signals (systemd stop, Ctrl-C in a terminal) take the same path as a normal quit: core shutdown first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => app.quit());
  }

  startShell({
    rendererRoot: path.join(distRoot, 'renderer'),
    preloadPath: path.join(here, 'preload.cjs'),
    coreEntryPath: path.join(distRoot, 'main', 'core', 'utility-entry.js'),
    env: process.env,
  }).catch((error: unknown) => {
    console.error(`Smart Police Booth failed to start: ${(error as Error).stack ?? String(error)}`);
    app.exit(1);
  });
}
