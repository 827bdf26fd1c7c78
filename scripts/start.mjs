#!/usr/bin/env node
// `npm start`: the demonstration kiosk with simulated peripherals (unless BOOTH_SIMULATE=0) and a local central API.
// With Electron's binary installed and a display: the Electron kiosk. Otherwise the browser host — system
// Chromium as the window when a display exists, else headless, printing the kiosk URL. It says which and why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleBuilds } from './start-rebuild.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`[booth] ${line}`);

function electronBinary() {
  try {
    const pkg = path.join(root, 'node_modules', 'electron');
    const rel = readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
    const bin = path.join(pkg, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    // No Electron binary installed: the browser-hosted kiosk starts instead.
    return null;
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The renderer and the web console, each when it is missing or older than a source that ends up in it.
for (const build of staleBuilds(root)) {
  say(`building ${build.what} (${build.reason})`);
  run('npm', ['run', '--silent', build.script]);
}

// `npm start` from the repository is the demonstration kiosk: it asks for demonstration mode unless told
// otherwise (BOOTH_SIMULATE=0 runs it as a production kiosk, which needs `booth provision` and real devices).
if (process.env.BOOTH_SIMULATE === undefined) process.env.BOOTH_SIMULATE = '1';
say(
  process.env.BOOTH_SIMULATE === '1'
    ? 'demonstration kiosk (simulated peripherals, demonstration catalog); BOOTH_SIMULATE=0 for production'
    : `BOOTH_SIMULATE=${process.env.BOOTH_SIMULATE}: production kiosk`,
);

const display = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const electron = electronBinary();
let child;
if (electron && display) {
  say(`Electron is installed (${electron}) and a display is available: starting the Electron kiosk`);
  run('npm', ['run', '--silent', 'build:main']);
  child = spawn(electron, ['.'], { cwd: root, stdio: 'inherit' });
} else {
  say(
    electron
      ? 'Electron is installed but there is no display: using the browser host (headless)'
      : "Electron's binary is not installed (npx install-electron fetches it where downloads are allowed): using the browser host",
  );
  child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'compose', 'browser-host.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
