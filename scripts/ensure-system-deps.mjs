#!/usr/bin/env node
// Makes sure the system packages the tests need are present: Chromium (end-to-end tests and the HTML-to-PDF
// benchmark), socat (pseudo-terminal pairs for serial tests) and poppler-utils (pdftotext/pdffonts/pdftoppm
// for PDF checks), and the PostgreSQL server (the central server's store tests start a throw-away cluster).
// As root with apt available it installs what is missing; otherwise it prints the exact command and stops.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const needs = [
  { pkg: 'chromium', check: () => existsSync(process.env.BOOTH_CHROMIUM ?? '/usr/bin/chromium') },
  { pkg: 'socat', check: () => onPath('socat') },
  { pkg: 'poppler-utils', check: () => onPath('pdftotext') && onPath('pdffonts') && onPath('pdftoppm') },
  { pkg: 'postgresql', check: () => postgresServer() },
];

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
  console.log('[deps] system packages present: chromium, socat, poppler-utils, postgresql');
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
