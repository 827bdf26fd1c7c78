import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { openCentralDb } from '../../central/db.js';
import { openStore } from '../../main/store/store.js';
import { startBalancer } from '../support/balancer.js';
import { CENTRAL_BACKEND, freshCentralStore } from '../support/central-store.js';
import { createWaiter } from '../support/wait.js';

/**
 * Crash safety of the fleet's central side: two central instances, as separate processes, share one PostgreSQL
 * database behind a load balancer without sticky routing. Two kiosks (each a process with the real store, outbox
 * and uploader) complete visits while the test kills, with SIGKILL, a kiosk in the middle of its run and a central
 * instance while it has a batch in hand, and starts each again. Afterwards every transaction the kiosks hold is in
 * the database exactly once. Runs in the `central-postgres` project (vitest.config.ts): several instances writing
 * at once is what the PostgreSQL store is for.
 */

const root = path.resolve(import.meta.dirname, '../..');
const KIOSKS = ['SZ-CR-001', 'SZ-CR-002'] as const;
const PER_KIOSK = 300;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A child process whose stdout lines the test reads; `exited` settles when it is gone. */
interface Child {
  readonly process: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startChild(args: readonly string[], env: NodeJS.ProcessEnv, onLine: () => void): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    onLine();
  });
  // 'close' waits for stdout to end: every line the child wrote has been read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      onLine();
      resolve({ code, signal });
    }),
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { process: child, lines, exited, stderr: () => stderr };
}

describe('kill -9 on the fleet side, PostgreSQL store', () => {
  it(
    'a kiosk killed mid-run and a central instance killed mid-batch: every transaction stored exactly once',
    { timeout: 300_000 },
    async () => {
      // Only the central-postgres project runs this file (the unit project excludes it).
      expect(CENTRAL_BACKEND).toBe('postgres');
      const store = await freshCentralStore();
      const database = store.database ?? '';
      const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-central-crash-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const tokens = Object.fromEntries(KIOSKS.map((id) => [id, `crash-token-${id}`]));
      const tokensFile = path.join(dir, 'kiosk-tokens');
      const adminFile = path.join(dir, 'admin-token');
      await writeFile(
        tokensFile,
        Object.entries(tokens)
          .map(([id, token]) => `${id}=${token}\n`)
          .join(''),
        { mode: 0o600 },
      );
      await writeFile(adminFile, 'crash-admin-token\n', { mode: 0o600 });

      const waiter = createWaiter();
      const lb = await startBalancer([null, null]);
      cleanups.push(() => lb.close());
      lb.onChange(() => waiter.poke());

      const startInstance = async (index: number): Promise<Child> => {
        const child = startChild(
          [
            'central/main.ts',
            '--port',
            '0',
            '--database',
            database,
            '--kiosk-tokens-file',
            tokensFile,
            '--admin-token-file',
            adminFile,
          ],
          {},
          () => waiter.poke(),
        );
        const listening = (): string | undefined =>
          child.lines.find((l) => l.startsWith('central: listening on '));
        await waiter.until(
          `central instance ${index} to listen`,
          () => listening() !== undefined || child.process.exitCode !== null,
          60_000,
        );
        const line = listening();
        if (line === undefined) throw new Error(`central instance ${index} failed: ${child.stderr()}`);
        lb.targets[index] = line.slice('central: listening on '.length).trim();
        return child;
      };

      const kioskDirs = await Promise.all(
        KIOSKS.map(() => mkdtemp(path.join(os.tmpdir(), 'booth-central-crash-kiosk-'))),
      );
      for (const d of kioskDirs) cleanups.push(() => rm(d, { recursive: true, force: true }));
      const reported = new Set<string>();
      const startKiosk = (k: number): Child => {
        const kioskId = KIOSKS[k] ?? '';
        return startChild(
          [
            'test/support/visit-worker.ts',
            '--data',
            kioskDirs[k] ?? '',
            '--central',
            lb.url,
            '--target',
            String(PER_KIOSK),
            '--token',
            tokens[kioskId] ?? '',
            '--kiosk',
            kioskId,
            '--seed',
            String(k + 1),
            '--pause-ms',
            '60',
          ],
          {},
          () => waiter.poke(),
        );
      };
      const done = (child: Child): string[] =>
        child.lines.filter((l) => l.startsWith('DONE ')).map((l) => l.slice(5));

      const instances = await Promise.all([startInstance(0), startInstance(1)]);
      let kiosks = KIOSKS.map((_, k) => startKiosk(k));

      // Both kinds of kill run at the same time, while the kiosks work.
      // 1. Kiosk 0 is killed twice in the middle of its run and started again each time.
      const killKiosk = async (): Promise<number> => {
        let kills = 0;
        for (const at of [50, 120]) {
          const victim = kiosks[0];
          if (!victim) throw new Error('no kiosk');
          await waiter.until(
            `kiosk 0 to complete ${at} visits`,
            () => reported.size + done(victim).length >= at || victim.process.exitCode !== null,
            120_000,
          );
          victim.process.kill('SIGKILL');
          const outcome = await victim.exited;
          for (const id of done(victim)) reported.add(id);
          if (outcome.signal === 'SIGKILL') kills += 1;
          kiosks = [startKiosk(0), ...kiosks.slice(1)];
        }
        return kills;
      };
      // 2. Each central instance in turn is killed while a batch it received in full is unanswered, then started
      // again on a new port.
      const killCentral = async (): Promise<number> => {
        let kills = 0;
        for (const index of [0, 1, 0]) {
          await waiter.until(
            `a batch in flight at central instance ${index}`,
            () => lb.inFlightBatches(index) > 0,
            120_000,
          );
          lb.targets[index] = null;
          instances[index]?.process.kill('SIGKILL');
          const outcome = await instances[index]?.exited;
          if (outcome?.signal === 'SIGKILL') kills += 1;
          instances[index] = await startInstance(index);
        }
        return kills;
      };
      const [kioskKills, centralKills] = await Promise.all([killKiosk(), killCentral()]);
      expect(kioskKills).toBe(2);
      expect(centralKills).toBe(3);

      // 3. Both kiosks finish their visits and drain their outboxes.
      for (const [k, kiosk] of kiosks.entries()) {
        const outcome = await kiosk.exited;
        expect(outcome.code, `kiosk ${k}: ${kiosk.stderr()}`).toBe(0);
        expect(kiosk.lines).toContain('DRAINED');
        for (const id of done(kiosk)) reported.add(id);
      }
      expect(lb.served.every((n) => n > 0)).toBe(true);

      const kioskIds: string[][] = [];
      for (const d of kioskDirs) {
        const kioskStore = await openStore({ dataDir: d });
        try {
          kioskIds.push(
            (await kioskStore.db.all<{ id: string }>('SELECT id FROM transactions')).map((r) => r.id),
          );
          const pending = await kioskStore.db.get<{ n: number }>(
            'SELECT count(*) AS n FROM outbox WHERE acked_at IS NULL',
          );
          expect(pending?.n).toBe(0);
        } finally {
          await kioskStore.close();
        }
      }
      for (const ids of kioskIds) expect(ids).toHaveLength(PER_KIOSK);

      const db = await openCentralDb(database);
      try {
        const rows = await db.all<{ idempotency_key: string; kiosk_id: string }>(
          'SELECT idempotency_key, kiosk_id FROM transactions',
        );
        // Exactly once: as many rows as distinct ids, and they are the kiosks' transactions, under their kiosks.
        expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(rows.length);
        for (const [k, ids] of kioskIds.entries())
          expect(
            rows
              .filter((r) => r.kiosk_id === KIOSKS[k])
              .map((r) => r.idempotency_key)
              .sort(),
          ).toEqual([...ids].sort());
        expect(rows).toHaveLength(KIOSKS.length * PER_KIOSK);
        // Every completion a kiosk reported as durable before it was killed reached the store.
        const stored = new Set(rows.map((r) => r.idempotency_key));
        expect([...reported].filter((id) => !stored.has(id))).toEqual([]);
      } finally {
        await db.close();
      }
    },
  );
});
