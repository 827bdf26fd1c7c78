import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { openStore } from '../../main/store/store.js';
import { readCentralTransactionIds } from '../support/central-db.js';

const root = path.resolve(import.meta.dirname, '../..');
const worker = path.join(root, 'test/support/visit-worker.ts');
const TARGET = 1000;

interface RunOutcome {
  readonly done: string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs the worker; kills it with SIGKILL once `killAfter` returns true for a line (null: never). */
function runWorker(
  args: string[],
  killAfter: ((line: string, doneCount: number) => boolean) | null,
): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done: string[] = [];
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('DONE ')) done.push(line.slice(5));
      if (!killed && killAfter?.(line, done.length)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    // 'close' waits for stdout to end, so every line the worker wrote has been read.
    child.on('close', (exitCode, signal) => resolve({ done, exitCode, signal, stderr }));
  });
}

const dirs: string[] = [];
let server: CentralServer | undefined;
afterAll(async () => {
  await server?.close().catch(() => undefined);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('crash safety: kill -9 during 1,000 visits', () => {
  it('every durable completion reaches the central server exactly once', { timeout: 240_000 }, async () => {
    const kioskDir = await mkdtemp(path.join(os.tmpdir(), 'booth-crash-kiosk-'));
    const centralDir = await mkdtemp(path.join(os.tmpdir(), 'booth-crash-central-'));
    dirs.push(kioskDir, centralDir);
    server = await startCentralServer({
      port: 0,
      dataDir: centralDir,
      kioskTokens: { 'crash-kiosk': 'crash-token' },
      adminToken: 'admin',
    });
    const args = [
      '--data',
      kioskDir,
      '--central',
      server.url,
      '--target',
      String(TARGET),
      '--token',
      'crash-token',
      '--kiosk',
      'crash-kiosk',
    ];

    const reported = new Set<string>();
    let random = 12345;
    const next = (n: number): number => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random % n;
    };
    let kills = 0;
    // Kill at a random number of completions, several times; once while it drains the outbox.
    for (let round = 0; round < 6; round++) {
      const at = 40 + next(200);
      const duringDrain = round === 5;
      const outcome = await runWorker(args, (line, count) =>
        duringDrain ? line === 'COMPLETED_ALL' : count >= at,
      );
      for (const id of outcome.done) reported.add(id);
      if (outcome.signal === 'SIGKILL') kills += 1;
      else expect(outcome.exitCode, outcome.stderr).toBe(0);
      if (outcome.exitCode === 0) break;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    // The last run is never killed: it completes what is left and drains.
    const final = await runWorker(args, null);
    expect(final.exitCode, final.stderr).toBe(0);
    for (const id of final.done) reported.add(id);

    const stats = await server.stats();
    await server.close();
    server = undefined;
    const onServer = await readCentralTransactionIds(path.join(centralDir, 'central.sqlite'));
    const serverSet = new Set(onServer);

    const store = await openStore({ dataDir: kioskDir });
    const kioskIds = (await store.db.all<{ id: string }>('SELECT id FROM transactions')).map((r) => r.id);
    const pending = await store.db.get<{ n: number }>(
      'SELECT count(*) AS n FROM outbox WHERE acked_at IS NULL',
    );
    expect(await store.integrityCheck()).toBe('ok');
    await store.close();

    expect(kioskIds).toHaveLength(TARGET);
    expect(pending?.n).toBe(0);
    // Every id the worker reported as durable is on the server…
    const missing = [...reported].filter((id) => !serverSet.has(id));
    expect(missing).toEqual([]);
    // …the server holds exactly the kiosk's transactions, each once.
    expect(onServer).toHaveLength(serverSet.size);
    expect(serverSet.size).toBe(kioskIds.length);
    expect([...serverSet].sort()).toEqual([...kioskIds].sort());
    expect(stats.transactions).toBe(TARGET);
    expect(reported.size).toBeGreaterThanOrEqual(TARGET - kills);
  });
});
