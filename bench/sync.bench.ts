/**
 * Sync benchmarks: durable local completions per second, drain throughput batched vs one request per
 * transaction, and resident memory of store + uploader with a 100,000-item backlog.
 *
 *   npx tsx bench/run.ts sync
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monotonicFactory } from 'ulid';
import { startCentralServer } from '../central/server.js';
import { createCentralClient } from '../main/services/central/client.js';
import { Uploader } from '../main/services/sync/uploader.js';
import { fictionalVisit, seededRandom } from '../main/services/transactions/fictional.js';
import { TransactionService } from '../main/services/transactions/transactions.js';
import { openStore, type KioskStore } from '../main/store/store.js';
import { startCentralProcess } from './central-process.js';
import type { Benchmark, Figure } from './harness.js';

async function withStore<T>(fn: (store: KioskStore, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-bench-'));
  const store = await openStore({ dataDir: dir });
  try {
    return await fn(store, dir);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fills the outbox quickly (big transactions) with sealed fictional visits, shaped exactly as complete() writes them. */
async function seedOutbox(store: KioskStore, count: number): Promise<void> {
  const random = seededRandom(11);
  const nextId = monotonicFactory();
  const now = Date.now();
  for (let start = 0; start < count; start += 5000) {
    await store.db.transaction(async (tx) => {
      for (let i = start; i < Math.min(count, start + 5000); i++) {
        const visit = fictionalVisit(random, false);
        const id = nextId(now);
        const body = { ...visit, services: visit.services.map(({ urgent: _u, ...s }) => s) };
        await tx.run(
          `INSERT INTO transactions (id, number, services, state, urgent, created_at, completed_at, updated_at, sealed)
           VALUES (?, ?, '["bench"]', 'completed', 0, ?, ?, ?, ?)`,
          [id, `JW-BENCH-${String(i).padStart(7, '0')}`, now, now, now, store.sealer.sealJson(body, id)],
        );
        await tx.run(
          "INSERT INTO outbox (transaction_id, idempotency_key, lane, enqueued_at, next_attempt_at) VALUES (?, ?, 'normal', ?, ?)",
          [id, id, now, now],
        );
      }
    });
  }
}

const completions: Benchmark = {
  name: 'sync: local completions',
  async run(): Promise<Figure[]> {
    return withStore(async (store) => {
      const tx = new TransactionService(store);
      const random = seededRandom(1);
      for (let i = 0; i < 20; i++) await tx.complete(fictionalVisit(random, false));
      const n = 400;
      const started = performance.now();
      for (let i = 0; i < n; i++) await tx.complete(fictionalVisit(random, false));
      const seconds = (performance.now() - started) / 1000;
      return [
        {
          name: 'durable completions (transaction + outbox row, synchronous=FULL)',
          value: n / seconds,
          unit: 'ops/s',
        },
        { name: 'mean time per durable completion', value: (seconds * 1000) / n, unit: 'ms' },
      ];
    });
  },
};

async function drainSeconds(batchSize: number, items: number): Promise<number> {
  const server = await startCentralServer({
    port: 0,
    dataDir: ':memory:',
    kioskTokens: { 'dev-kiosk': 'dev-kiosk-token' },
    adminToken: 'a',
  });
  try {
    return await withStore(async (store) => {
      await seedOutbox(store, items);
      const uploader = new Uploader({
        store,
        transactions: new TransactionService(store),
        client: createCentralClient({ baseUrl: server.url, token: 'dev-kiosk-token', kioskId: 'dev-kiosk' }),
        kioskId: 'dev-kiosk',
        batchSize,
        lingerMs: 0,
      });
      const started = performance.now();
      await uploader.start();
      await uploader.drain(600_000);
      const seconds = (performance.now() - started) / 1000;
      await uploader.stop();
      const stats = await server.stats();
      if (stats.transactions !== items)
        throw new Error(`server holds ${stats.transactions}, expected ${items}`);
      return seconds;
    });
  } finally {
    await server.close();
  }
}

const drain: Benchmark = {
  name: 'sync: drain to local central',
  async run(): Promise<Figure[]> {
    const items = 1000;
    const batched = await drainSeconds(100, items);
    const single = await drainSeconds(1, items);
    return [
      { name: `batched (100 per request), ${items} transactions`, value: items / batched, unit: 'tx/s' },
      { name: `one request per transaction, ${items} transactions`, value: items / single, unit: 'tx/s' },
      { name: 'batched vs one-per-request speed-up', value: single / batched, unit: 'ratio' },
    ];
  },
};

/** Peak RSS growth of store + uploader while draining `backlog` queued items for a fixed window. */
async function drainMemory(url: string, backlog: number): Promise<{ growthMb: number; uploaded: number }> {
  return withStore(async (store) => {
    await seedOutbox(store, backlog);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const uploader = new Uploader({
      store,
      transactions: new TransactionService(store),
      client: createCentralClient({ baseUrl: url, token: 'dev-kiosk-token', kioskId: 'dev-kiosk' }),
      kioskId: 'dev-kiosk',
      batchSize: 100,
      lingerMs: 0,
    });
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    await uploader.start();
    // Drain for a fixed window: with a large outbox the pages keep coming the whole time.
    await new Promise((r) => setTimeout(r, 15_000));
    await uploader.stop();
    clearInterval(sampler);
    const state = await uploader.state();
    return { growthMb: (peak - baseline) / 1024 / 1024, uploaded: state.acknowledged };
  });
}

const memory: Benchmark = {
  name: 'sync: memory with backlog',
  async run(): Promise<Figure[]> {
    // In another process, so the server's memory is not counted as the kiosk's.
    const central = await startCentralProcess(['--port', '0', '--data', ':memory:']);
    const url = central.url;
    try {
      // Side by side: a small and a large backlog. Bounded memory means the large one costs about the same.
      const small = await drainMemory(url, 1_000);
      const large = await drainMemory(url, 100_000);
      return [
        { name: 'peak RSS growth while draining, 1,000 queued', value: small.growthMb, unit: 'MB' },
        { name: 'peak RSS growth while draining, 100,000 queued', value: large.growthMb, unit: 'MB' },
        {
          name: '100,000-item backlog growth minus 1,000-item growth',
          value: large.growthMb - small.growthMb,
          unit: 'MB',
        },
        { name: 'items uploaded in the 15 s window (100,000 queued)', value: large.uploaded, unit: 'items' },
      ];
    } finally {
      await central.stop();
    }
  },
};

/** The sync benchmarks. */
export const benchmarks: Benchmark[] = [completions, drain, memory];
