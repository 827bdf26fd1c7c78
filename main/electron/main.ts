import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { registerBeforeReady, startShell } from './shell.js';

/**
 * Electron main-process entry (bundled to dist/main/electron/main.js). Layout of the built app:
 * dist/main/electron/{main.js,preload.cjs}, dist/main/core/utility-entry.js, dist/renderer/.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const distRoot = path.resolve(here, '..', '..');

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
