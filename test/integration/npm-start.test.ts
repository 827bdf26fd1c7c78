import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumArgs, hasDisplay } from '../../main/browser-host/chromium.js';
import { makeReadOnly } from '../support/read-only.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data directory for one run (and the local central server's folder beside it), removed afterwards. */
function dataDirForTest(): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-start-'));
  dirs.push(dataDir, `${dataDir}-local-central`);
  return dataDir;
}

/**
 * Runs the browser host (what `npm start` runs once it has chosen it) until it says it is serving, and
 * returns everything it wrote to stdout and stderr so far, plus a way to stop it.
 */
async function runBrowserHost(
  env: NodeJS.ProcessEnv,
): Promise<{ out: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'compose/browser-host.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('press Ctrl-C to stop')) {
    if (child.exitCode !== null) throw new Error(`the browser host exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`the browser host did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    out: () => out,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Anything that looks like the per-launch token (48 hex digits), or a URL fragment carrying one. */
const TOKEN_SHAPED = /token=|[0-9a-f]{48}/;

describe('npm start', () => {
  it('without Electron or a display: says so, serves the kiosk headless with its URL, and stops on Ctrl-C', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-start-'));
    dirs.push(dataDir);
    const env: NodeJS.ProcessEnv = { ...process.env, BOOTH_DATA_DIR: dataDir, BOOTH_PORT: '0' };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, ['scripts/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const deadline = Date.now() + 90_000;
    while (!/open the kiosk at: (\S+)/.test(out)) {
      if (Date.now() > deadline) throw new Error(`no kiosk URL printed:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toMatch(/Electron's binary is not installed|no display/);
    expect(out).toContain('no display (DISPLAY/WAYLAND_DISPLAY unset): running headless');
    expect(out).toContain(`data directory: ${dataDir}`);
    expect(out).toContain('central API: a local reference server');
    const url = /open the kiosk at: (\S+)/.exec(out)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGINT: shutting down');
    expect(out).toContain('[booth] stopped');
    // Beyond the 90 s wait above: on a fresh checkout `npm start` builds the renderer first.
  }, 150_000);
});

describe('the Chromium window', () => {
  it('uses its own profile, an app or kiosk window, no background networking, and no sandbox only as root', () => {
    const app = chromiumArgs('http://127.0.0.1:1/launch/x', '/tmp/p', { kiosk: false, asRoot: false });
    expect(app).toEqual(
      expect.arrayContaining([
        '--user-data-dir=/tmp/p',
        '--app=http://127.0.0.1:1/launch/x',
        '--disable-background-networking',
        '--disable-pinch',
      ]),
    );
    expect(app).not.toContain('--kiosk');
    expect(app).not.toContain('--no-sandbox');
    const kiosk = chromiumArgs('http://127.0.0.1:1/launch/x', '/tmp/p', { kiosk: true, asRoot: true });
    expect(kiosk).toEqual(expect.arrayContaining(['--kiosk', '--no-sandbox']));
  });

  it('opens only with a display', () => {
    expect(hasDisplay({})).toBe(false);
    expect(hasDisplay({ DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
  });
});

describe('the local central server of a demonstration kiosk', () => {
  it('keeps its data beside the kiosk data directory, and says plainly when its folder is read-only', async () => {
    const dataDir = dataDirForTest();
    const parent = mkdtempSync(path.join(tmpdir(), 'booth-ro-'));
    dirs.push(parent);
    const undo = makeReadOnly(parent);
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        BOOTH_DATA_DIR: dataDir,
        BOOTH_SIMULATE: '1',
        BOOTH_PORT: '0',
        BOOTH_OPEN_BROWSER: '0',
        BOOTH_LOCAL_CENTRAL_DIR: path.join(parent, 'central'),
      };
      const child = spawn(process.execPath, ['--import', 'tsx', 'compose/browser-host.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(out).toMatch(
        /failed to start: the local central server's folder \S+central (is on a read-only file system|is not writable by this user); set BOOTH_LOCAL_CENTRAL_DIR to a writable folder, or BOOTH_CENTRAL_URL to a central API/,
      );
    } finally {
      undo();
    }
    // Started normally, the central server's database lives beside the kiosk's data, never inside it.
    const run = await runBrowserHost({
      ...process.env,
      BOOTH_DATA_DIR: dataDir,
      BOOTH_SIMULATE: '1',
      BOOTH_PORT: '0',
      BOOTH_OPEN_BROWSER: '0',
    });
    await run.stop();
    expect(existsSync(`${dataDir}-local-central`)).toBe(true);
    expect(existsSync(path.join(dataDir, 'local-central'))).toBe(false);
  });
});

describe('the per-launch token', () => {
  it('is not printed when a Chromium window was opened: the window gets a one-time launch link', async () => {
    const dataDir = dataDirForTest();
    // A stand-in for Chromium: records its command line and waits to be closed, as the real one would.
    const fakeDir = mkdtempSync(path.join(tmpdir(), 'booth-fake-chromium-'));
    dirs.push(fakeDir);
    const argsFile = path.join(fakeDir, 'args');
    const fake = path.join(fakeDir, 'chromium');
    writeFileSync(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}.tmp"\nmv "${argsFile}.tmp" "${argsFile}"\nexec sleep 60\n`,
    );
    chmodSync(fake, 0o755);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BOOTH_DATA_DIR: dataDir,
      BOOTH_PORT: '0',
      BOOTH_SIMULATE: '1',
      BOOTH_CHROMIUM: fake,
      DISPLAY: ':99',
      // The tests run as root in CI containers; the host refuses to open a browser as root without this.
      BOOTH_ALLOW_ROOT_BROWSER: '1',
    };
    delete env.BOOTH_PRINT_TOKEN;
    delete env.BOOTH_OPEN_BROWSER;
    const host = await runBrowserHost(env);
    expect(host.out()).toContain(`opening system Chromium (${fake})`);
    expect(host.out()).toContain('the access token is not printed');
    expect(host.out()).not.toMatch(TOKEN_SHAPED);
    expect(existsSync(path.join(dataDir, 'kiosk-url'))).toBe(false);

    // The window was given a one-time link, which leads to the kiosk (and its token) once.
    const deadline = Date.now() + 10_000;
    while (!existsSync(argsFile)) {
      if (Date.now() > deadline) throw new Error('the browser was not started');
      await new Promise((r) => setTimeout(r, 50));
    }
    const launch = /^--app=(http:\/\/127\.0\.0\.1:\d+\/launch\/[0-9a-f]{32})$/m.exec(
      readFileSync(argsFile, 'utf8'),
    )?.[1];
    expect(launch).toBeDefined();
    const first = await fetch(launch ?? '', { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/#token=[0-9a-f]{48}$/);

    expect(await host.stop()).toBe(0);
    expect(host.out()).not.toMatch(TOKEN_SHAPED);
  }, 120_000);

  it('headless with BOOTH_PRINT_TOKEN=0: not printed, written to an owner-only file in the data directory', async () => {
    const dataDir = dataDirForTest();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BOOTH_DATA_DIR: dataDir,
      BOOTH_PORT: '0',
      BOOTH_SIMULATE: '1',
      BOOTH_PRINT_TOKEN: '0',
    };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const host = await runBrowserHost(env);
    const file = path.join(dataDir, 'kiosk-url');
    expect(host.out()).toContain('no display (DISPLAY/WAYLAND_DISPLAY unset): running headless');
    expect(host.out()).toContain(
      `the kiosk URL (with its access token) is in ${file}, readable by this user only`,
    );
    expect(host.out()).not.toMatch(TOKEN_SHAPED);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const url = readFileSync(file, 'utf8').trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
    expect((await fetch(url)).status).toBeLessThan(500);

    expect(await host.stop()).toBe(0);
    expect(host.out()).not.toMatch(TOKEN_SHAPED);
  }, 120_000);
});
