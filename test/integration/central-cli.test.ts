import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleHeartbeat } from '../../central/fixtures.js';
import { createCentralAdminClient, createCentralClient } from '../../main/services/central/client.js';

const root = join(import.meta.dirname, '../..');

/** Runs `node --import tsx central/main.ts` as a real subprocess, as `npm run central` does. */
describe('central CLI (subprocess)', () => {
  it('prints its URL and development tokens, serves, and closes cleanly on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'central/main.ts', '--port', '0', '--data', ':memory:'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 25_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(stdout).toContain(
        'DEVELOPMENT tokens: kiosk dev-kiosk token dev-kiosk-token, admin token dev-admin-token',
      );
      const admin = createCentralAdminClient({ baseUrl: url, token: 'dev-admin-token' });
      expect(await admin.stats()).toEqual({
        ok: true,
        value: { transactions: 0, duplicatesIgnored: 0, conflicts: 0, urgent: 0, batches: 0, kiosks: 0 },
      });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toContain('central: closed');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('takes kiosk tokens from a file and the admin token from the environment, and prints neither', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'central-cli-'));
    const tokensFile = join(dir, 'kiosk-tokens');
    writeFileSync(tokensFile, '# pilot kiosks\nSZ-FT-0012=kiosk-secret-from-file\n');
    chmodSync(tokensFile, 0o600);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'central/main.ts',
        '--port',
        '0',
        '--data',
        ':memory:',
        '--kiosk-tokens-file',
        tokensFile,
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, BOOTH_CENTRAL_ADMIN_TOKEN: 'admin-secret-from-env' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 25_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(stdout).toContain('1 kiosk token(s) configured');
      const kiosk = createCentralClient({
        baseUrl: url,
        token: 'kiosk-secret-from-file',
        kioskId: 'SZ-FT-0012',
      });
      expect((await kiosk.heartbeat(sampleHeartbeat())).ok).toBe(true);
      const admin = createCentralAdminClient({ baseUrl: url, token: 'admin-secret-from-env' });
      expect((await admin.stats()).ok).toBe(true);
      expect((await createCentralAdminClient({ baseUrl: url, token: 'dev-admin-token' }).stats()).ok).toBe(
        false,
      );
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      for (const secret of ['kiosk-secret-from-file', 'admin-secret-from-env']) {
        expect(stdout).not.toContain(secret);
        expect(stderr).not.toContain(secret);
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a token on the command line with a one-line error that does not repeat it', async () => {
    for (const args of [
      ['--admin-token', 'argv-secret'],
      ['--kiosk-token', 'SZ-1=argv-secret'],
    ]) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'central/main.ts', ...args], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/not accepted on the command line/);
      expect(stderr).not.toContain('argv-secret');
    }
  });

  it('exits 2 with a one-line reason on bad arguments', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'central/main.ts', '--faults', 'teapot:1'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('bad fault "teapot:1"');
  });
});
