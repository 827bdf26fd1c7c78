import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCentralDb } from '../../central/db.js';
import { startCentralServer } from '../../central/server.js';
import { createCentralClient } from '../../main/services/central/client.js';
import { fictionalVisit, seededRandom } from '../../main/services/transactions/fictional.js';
import { TransactionService } from '../../main/services/transactions/transactions.js';
import { Uploader } from '../../main/services/sync/uploader.js';
import { openStore } from '../../main/store/store.js';
import { startBalancer } from '../support/balancer.js';
import { CENTRAL_BACKEND, sharedCentralStore } from '../support/central-store.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const KIOSKS = ['SZ-FT-001', 'SZ-FT-002', 'SZ-FT-003'] as const;

describe(`two central instances on one ${CENTRAL_BACKEND} store`, () => {
  it('store every transaction of kiosks that alternate between them exactly once, through lost replies and retries', async () => {
    const store = await sharedCentralStore();
    cleanups.push(store.remove);
    const tokens = Object.fromEntries(KIOSKS.map((id) => [id, `token-${id}`]));
    // Each instance drops some replies after committing: the kiosk cannot know its batch was stored and sends
    // it again, to whichever instance the balancer picks.
    // Started at the same moment, as after a deployment: one migrates the empty store, the other waits for it.
    const started = await Promise.allSettled(
      [11, 12].map((seed) =>
        startCentralServer({
          port: 0,
          ...store.options,
          kioskTokens: tokens,
          adminToken: 'admin-token',
          faults: { rates: { 'reset-after-commit': 0.25 }, seed },
        }),
      ),
    );
    const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const instance of instances) cleanups.push(() => instance.close());
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const balancer = await startBalancer(instances.map((instance) => instance.url));
    cleanups.push(() => balancer.close());

    const perKiosk = 30;
    const sent = await Promise.all(
      KIOSKS.map(async (kioskId, k) => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-instances-'));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        const kioskStore = await openStore({ dataDir: dir });
        cleanups.push(() => kioskStore.close());
        const transactions = new TransactionService(kioskStore);
        const uploader = new Uploader({
          store: kioskStore,
          transactions,
          client: createCentralClient({
            baseUrl: balancer.url,
            token: tokens[kioskId] ?? '',
            kioskId,
            timeoutMs: 5000,
          }),
          kioskId,
          batchSize: 7,
          lingerMs: 5,
          retry: { baseMs: 20, capMs: 200, minMs: 5, failureThreshold: 1000 },
        });
        await uploader.start();
        const random = seededRandom(100 + k);
        const ids: string[] = [];
        for (let i = 0; i < perKiosk; i++) {
          const done = await transactions.complete(fictionalVisit(random, i % 10 === 0));
          ids.push(done.id);
        }
        const state = await uploader.drain(60_000);
        await uploader.stop();
        expect(state.pending).toBe(0);
        return ids;
      }),
    );

    const all = sent.flat();
    expect(new Set(all).size).toBe(KIOSKS.length * perKiosk);
    // Both instances took requests, and lost replies were re-sent: the second arrival of a batch was a duplicate.
    expect(balancer.served.every((n) => n > 0)).toBe(true);
    const [one, two] = [await instances[0]?.stats(), await instances[1]?.stats()];
    expect(one).toEqual(two);
    expect(one).toMatchObject({ transactions: all.length, conflicts: 0 });
    expect(one?.duplicatesIgnored).toBeGreaterThan(0);

    // Every transaction is in the store once, under its own kiosk.
    const db = await openCentralDb(
      store.options.database ?? path.join(store.options.dataDir, 'central.sqlite'),
    );
    try {
      const rows = await db.all<{ idempotency_key: string; kiosk_id: string }>(
        'SELECT idempotency_key, kiosk_id FROM transactions ORDER BY idempotency_key',
      );
      expect(rows.map((r) => r.idempotency_key)).toEqual([...all].sort());
      for (const [k, ids] of sent.entries())
        expect(
          rows
            .filter((r) => r.kiosk_id === KIOSKS[k])
            .map((r) => r.idempotency_key)
            .sort(),
        ).toEqual([...ids].sort());
    } finally {
      await db.close();
    }
  });
});
