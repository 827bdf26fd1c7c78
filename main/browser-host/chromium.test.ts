import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BrowserRefusedError,
  browserUserDecision,
  chromiumArgs,
  openChromium,
  type ChromiumWindow,
} from './chromium.js';
import { KIOSK_POLICY_FILE, kioskPolicyText } from './kiosk-policy.js';

const dirs: string[] = [];
const windows: ChromiumWindow[] = [];
afterEach(async () => {
  for (const w of windows.splice(0)) await w.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A stand-in for Chromium that records its arguments and waits to be closed. */
function fakeChromium(): { executable: string; argsFile: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-fake-chromium-'));
  dirs.push(dir);
  const argsFile = path.join(dir, 'args');
  const executable = path.join(dir, 'chromium');
  writeFileSync(
    executable,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}.tmp"\nmv "${argsFile}.tmp" "${argsFile}"\nexec sleep 30\n`,
  );
  chmodSync(executable, 0o755);
  return { executable, argsFile, dir };
}

async function argsOf(argsFile: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (!existsSync(argsFile)) {
    if (Date.now() > deadline) throw new Error('the fake Chromium was not started');
    await new Promise((r) => setTimeout(r, 20));
  }
  return readFileSync(argsFile, 'utf8').trim().split('\n');
}

describe('who may run the kiosk browser', () => {
  it('refuses root unless BOOTH_ALLOW_ROOT_BROWSER=1, and drops the sandbox only then', () => {
    const refused = browserUserDecision(0, {});
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.message).toMatch(/as root.*BOOTH_ALLOW_ROOT_BROWSER=1/s);
    expect(browserUserDecision(0, { BOOTH_ALLOW_ROOT_BROWSER: 'yes' }).allowed).toBe(false);
    expect(browserUserDecision(0, { BOOTH_ALLOW_ROOT_BROWSER: '1' })).toEqual({
      allowed: true,
      noSandbox: true,
    });
    expect(browserUserDecision(1000, {})).toEqual({ allowed: true, noSandbox: false });
    expect(browserUserDecision(1000, { BOOTH_ALLOW_ROOT_BROWSER: '1' })).toEqual({
      allowed: true,
      noSandbox: false,
    });
    expect(browserUserDecision(null, {})).toEqual({ allowed: true, noSandbox: false });
  });

  it('openChromium throws for root before starting anything', async () => {
    const fake = fakeChromium();
    expect(() =>
      openChromium(fake.executable, 'http://127.0.0.1:8570/launch/x', { kiosk: true, uid: 0, env: {} }),
    ).toThrow(BrowserRefusedError);
    // Proof that nothing ran: a window that is started writes its arguments (as the next test shows).
    const started = openChromium(fake.executable, 'http://127.0.0.1:8570/launch/y', {
      kiosk: true,
      uid: 1000,
      env: {},
      policyDir: fake.dir,
    });
    windows.push(started);
    expect(await argsOf(fake.argsFile)).toContain('--app=http://127.0.0.1:8570/launch/y');
  });

  it('starts an unprivileged user with the sandbox, and root (overridden) without it', async () => {
    const user = fakeChromium();
    windows.push(
      openChromium(user.executable, 'http://127.0.0.1:8570/launch/a', {
        kiosk: true,
        uid: 1000,
        env: {},
        policyDir: user.dir,
      }),
    );
    expect(await argsOf(user.argsFile)).not.toContain('--no-sandbox');
    const root = fakeChromium();
    windows.push(
      openChromium(root.executable, 'http://127.0.0.1:8570/launch/b', {
        kiosk: true,
        uid: 0,
        env: { BOOTH_ALLOW_ROOT_BROWSER: '1' },
        policyDir: root.dir,
      }),
    );
    expect(await argsOf(root.argsFile)).toContain('--no-sandbox');
  });

  it('reports whether the managed policy for the kiosk origin is installed', () => {
    const fake = fakeChromium();
    const open = (): ChromiumWindow => {
      const w = openChromium(fake.executable, 'http://127.0.0.1:8570/launch/c', {
        kiosk: true,
        uid: 1000,
        env: {},
        policyDir: fake.dir,
      });
      windows.push(w);
      return w;
    };
    expect(open().policy).toEqual({ state: 'missing', path: path.join(fake.dir, KIOSK_POLICY_FILE) });
    writeFileSync(path.join(fake.dir, KIOSK_POLICY_FILE), kioskPolicyText('http://127.0.0.1:9999'));
    expect(open().policy.state).toBe('different');
    writeFileSync(path.join(fake.dir, KIOSK_POLICY_FILE), kioskPolicyText('http://127.0.0.1:8570'));
    expect(open().policy.state).toBe('installed');
  });
});

describe('the kiosk window flags', () => {
  it('open the launch link as a kiosk or app window with its own profile, and start nothing else', () => {
    const url = 'http://127.0.0.1:4173/launch/abc';
    const kiosk = chromiumArgs(url, '/tmp/p', { kiosk: true, asRoot: false });
    expect(kiosk).toEqual(expect.arrayContaining(['--user-data-dir=/tmp/p', '--kiosk', `--app=${url}`]));
    expect(kiosk).not.toContain('--no-sandbox');
    expect(chromiumArgs(url, '/tmp/p', { kiosk: false, asRoot: true })).toEqual(
      expect.arrayContaining(['--start-maximized', '--no-sandbox']),
    );
    expect(kiosk).toEqual(
      expect.arrayContaining([
        '--disable-extensions',
        '--disable-component-extensions-with-background-pages',
        '--password-store=basic',
        '--no-default-browser-check',
      ]),
    );
    // One --disable-features switch (Chromium keeps only the last one given), naming the omnibox pop-up pages.
    const features = kiosk.filter((a) => a.startsWith('--disable-features='));
    expect(features).toHaveLength(1);
    expect(features[0]?.split('=')[1]?.split(',')).toEqual(
      expect.arrayContaining(['PreloadTopChromeWebUI', 'WebUIOmniboxPopup']),
    );
  });
});
