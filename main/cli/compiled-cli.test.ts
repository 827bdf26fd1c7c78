import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from '../electron/testing/fake-electron.js';

vi.mock('electron', async () => (await import('../electron/testing/fake-electron.js')).createFakeElectron());

/**
 * The booth command as a packaged kiosk runs it: the compiled dist/cli/booth.js (scripts/build-main.mjs) under
 * plain Node with no loader — no tsx, no TypeScript — and the Electron entry's `--booth` switch that runs it.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let outDir: string;
let outputs: { main: string; cli: string };

beforeAll(async () => {
  // Inside the repo (.tmp is git-ignored) so the external packages resolve from node_modules, as in dist/.
  mkdirSync(path.join(repoRoot, '.tmp'), { recursive: true });
  outDir = mkdtempSync(path.join(repoRoot, '.tmp', 'build-cli-'));
  const { buildMain } = (await import(path.join(repoRoot, 'scripts', 'build-main.mjs'))) as {
    buildMain(options: { outDir: string; quiet: boolean }): Promise<typeof outputs>;
  };
  outputs = await buildMain({ outDir, quiet: true });
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs the compiled CLI with plain Node: no NODE_OPTIONS, so no loader can sneak in. */
function booth(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { NODE_OPTIONS: _dropped, ...rest } = process.env;
    const child = spawn(process.execPath, [outputs.cli, ...args], {
      env: { ...rest, ...env },
      cwd: tmpdir(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('compiled booth command', () => {
  it('runs without tsx: help, and kiosk-side commands on a data directory', async () => {
    const source = readFileSync(outputs.cli, 'utf8');
    expect(source).not.toMatch(/from ["']tsx|require\(["']tsx/);
    const help = await booth(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('booth health');
    expect(help.stdout).toContain('booth diagnostics export');

    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-compiled-'));
    try {
      const set = await booth(['config', 'set-device', 'printer', 'tcp:192.0.2.10:9100', '--data', dataDir]);
      expect(set.stderr).toBe('');
      expect(set.code).toBe(0);
      const health = await booth(['health', '--data', dataDir, '--json'], { BOOTH_SIMULATE: '1' });
      expect(health.code).toBe(0);
      expect(JSON.parse(health.stdout)).toMatchObject({
        live: false,
        devices: expect.arrayContaining([
          expect.objectContaining({ kind: 'printer', connection: 'tcp:192.0.2.10:9100' }),
        ]),
      });
      const bad = await booth(['health', '--data', path.join(dataDir, 'missing')]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^booth health: .*no kiosk database/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is what the Electron entry runs for --booth: no window, no core, the exit status', async () => {
    const fake = (await import('electron')) as unknown as FakeElectron;
    fake.reset();
    const argv = process.argv;
    const writes: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    process.argv = [argv[0] ?? 'electron', '--booth', 'help'];
    try {
      await import(outputs.main);
      await vi.waitFor(() => expect(fake.calls.exit).toEqual([0]), { timeout: 10_000 });
    } finally {
      process.argv = argv;
      write.mockRestore();
    }
    expect(writes.join('')).toContain('booth diagnostics export');
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    expect(fake.calls.forks).toHaveLength(0);
  });
});
