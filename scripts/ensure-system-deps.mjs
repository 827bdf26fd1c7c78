#!/usr/bin/env node
// Makes sure the system packages the tests need are present: Chromium (end-to-end tests and the HTML-to-PDF
// benchmark), socat (pseudo-terminal pairs for serial tests) and poppler-utils (pdftotext/pdffonts/pdftoppm
// for PDF checks), the PostgreSQL server (the central server's store tests start a throw-away cluster) and
// libusb (node-hid's Linux builds link it, so its binding cannot load without it: test/integration/native-modules).
// As root with apt available it installs what is missing; otherwise it prints the exact command and stops.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const needs = [
  { pkg: 'chromium', check: () => existsSync(process.env.BOOTH_CHROMIUM ?? '/usr/bin/chromium') },
  { pkg: 'socat', check: () => onPath('socat') },
  { pkg: 'poppler-utils', check: () => onPath('pdftotext') && onPath('pdffonts') && onPath('pdftoppm') },
  { pkg: 'postgresql', check: () => postgresServer() },
  { pkg: 'libusb-1.0-0', check: () => sharedLibrary('libusb-1.0.so.0') },
];

/** Whether the dynamic linker's cache lists `name` (ldconfig lives in /sbin, which a user's PATH may lack). */
function sharedLibrary(name) {
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const r = spawnSync(ldconfig, ['-p'], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.includes(name);
  }
  return false;
}

function postgresServer() {
  if (process.env.BOOTH_PG_BIN) return existsSync(`${process.env.BOOTH_PG_BIN}/initdb`);
  const base = '/usr/lib/postgresql';
  return existsSync(base) && readdirSync(base).some((v) => existsSync(`${base}/${v}/bin/initdb`));
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const missing = needs.filter((n) => !n.check()).map((n) => n.pkg);
if (missing.length === 0) {
  console.log(`[deps] system packages present: ${needs.map((n) => n.pkg).join(', ')}`);
  process.exit(0);
}
const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(`[deps] missing system packages: ${missing.join(', ')}`);
  console.error(`[deps] install them with:  sudo sh -c '${command}'`);
  process.exit(1);
}
console.log(`[deps] installing missing system packages: ${missing.join(', ')}`);
try {
  execFileSync('sh', ['-c', command], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch {
  console.error(`[deps] installation failed; run it yourself:  ${command}`);
  process.exit(1);
}
const still = needs.filter((n) => !n.check()).map((n) => n.pkg);
if (still.length > 0) {
  console.error(`[deps] still missing after installation: ${still.join(', ')}`);
  process.exit(1);
}
console.log('[deps] system packages installed');
