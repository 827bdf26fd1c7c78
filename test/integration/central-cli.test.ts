import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCentralAdminClient } from '../../main/services/central/client.js';

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
        value: { transactions: 0, duplicatesIgnored: 0, urgent: 0, batches: 0, kiosks: 0 },
      });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toContain('central: closed');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
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
