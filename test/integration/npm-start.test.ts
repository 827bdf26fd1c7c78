import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumArgs, hasDisplay } from '../../main/browser-host/chromium.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

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
  });
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
