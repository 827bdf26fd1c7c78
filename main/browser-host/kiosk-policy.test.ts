import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../cli/commands/kiosk.js';
import {
  KIOSK_POLICY_FILE,
  installKioskPolicy,
  kioskBrowserPolicy,
  kioskPolicyState,
  kioskPolicyText,
} from './kiosk-policy.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-policy-'));
  dirs.push(dir);
  return dir;
}

describe('the kiosk Chromium policy', () => {
  it('turns DevTools off and allows no page but the kiosk origin', () => {
    const policy = kioskBrowserPolicy('http://127.0.0.1:8570');
    expect(policy).toMatchObject({
      DeveloperToolsAvailability: 2,
      URLBlocklist: ['*'],
      URLAllowlist: ['http://127.0.0.1:8570'],
      IncognitoModeAvailability: 1,
      BrowserGuestModeEnabled: false,
      DownloadRestrictions: 3,
      ExtensionInstallBlocklist: ['*'],
      VideoCaptureAllowedUrls: ['http://127.0.0.1:8570'],
    });
    expect(JSON.parse(kioskPolicyText('http://127.0.0.1:8570'))).toEqual(policy);
  });

  it('accepts only a loopback http origin with a port', () => {
    for (const bad of [
      'http://evil.example:8570',
      'https://127.0.0.1:8570',
      'http://127.0.0.1',
      'http://127.0.0.1:8570/',
      'http://127.0.0.1:70000',
      'http://127.0.0.1:0',
      '*',
    ]) {
      expect(() => kioskBrowserPolicy(bad), bad).toThrow();
    }
    expect(kioskBrowserPolicy('http://localhost:1234').URLAllowlist).toEqual(['http://localhost:1234']);
  });

  it('installs the file 0644 where it can, and says why where it cannot', () => {
    const dir = path.join(tempDir(), 'policies', 'managed');
    expect(kioskPolicyState('http://127.0.0.1:8570', dir).state).toBe('missing');
    const done = installKioskPolicy('http://127.0.0.1:8570', dir);
    expect(done).toEqual({ installed: true, path: path.join(dir, KIOSK_POLICY_FILE) });
    expect(statSync(done.path).mode & 0o777).toBe(0o644);
    expect(readFileSync(done.path, 'utf8')).toBe(kioskPolicyText('http://127.0.0.1:8570'));
    expect(kioskPolicyState('http://127.0.0.1:8570', dir).state).toBe('installed');
    expect(kioskPolicyState('http://127.0.0.1:8571', dir).state).toBe('different');

    // A folder that cannot be created (a file is in the way; root ignores permission bits, so not those).
    const blocker = path.join(tempDir(), 'not-a-dir');
    writeFileSync(blocker, '');
    const refused = installKioskPolicy('http://127.0.0.1:8570', path.join(blocker, 'managed'));
    expect(refused).toMatchObject({ installed: false });
    expect(!refused.installed && refused.reason).toContain(blocker);
  });

  it('`booth kiosk policy` prints the policy, and installs it with --install', async () => {
    const command = commands.find((c) => c.path.join(' ') === 'kiosk policy');
    if (!command) throw new Error('booth kiosk policy is missing');
    let out = '';
    const io = {
      stdout: (text: string) => (out += text),
      stderr: () => undefined,
      env: { BOOTH_PORT: '8600' },
      signal: new AbortController().signal,
    };
    expect(await command.run([], io)).toBe(0);
    expect(out).toBe(kioskPolicyText('http://127.0.0.1:8600'));
    const dir = tempDir();
    out = '';
    expect(await command.run(['--origin', 'http://127.0.0.1:8570', '--install', '--dir', dir], io)).toBe(0);
    expect(out).toContain(path.join(dir, KIOSK_POLICY_FILE));
    expect(kioskPolicyState('http://127.0.0.1:8570', dir).state).toBe('installed');
    await expect(command.run(['--origin', 'http://evil.example:80'], io)).rejects.toThrow(/--origin/);
  });
});
