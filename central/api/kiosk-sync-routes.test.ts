import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCentralDb, type CentralDb } from '../db.js';
import { batchItemOf, sampleTransaction } from '../fixtures.js';
import type { HttpError } from '../http-json.js';
import { kioskSyncRoutes } from './kiosk-sync-routes.js';
import type { Caller, RouteResult } from './route.js';

/**
 * The kiosks' batch upload alone: an in-memory store, counters and the urgent desk replaced by recorders, the
 * route's handler called directly (no HTTP server).
 */
let db: CentralDb;
let bumps: [string, number][];
let seen: string[];
let nudges: number;

beforeEach(async () => {
  db = await openCentralDb(':memory:');
  bumps = [];
  seen = [];
  nudges = 0;
});
afterEach(async () => {
  await db.close();
});

function batchRoute(): (caller: Caller, body: unknown) => Promise<RouteResult> {
  const routes = kioskSyncRoutes({
    db,
    now: () => 1_000,
    records: {
      bump: async (name, by) => bumps.push([name, by]),
      seeKiosk: async (kioskId) => seen.push(kioskId),
    },
    urgentDesk: { nudge: () => (nudges += 1) },
  });
  const route = routes.find((r) => r.pattern.test('/v1/transactions:batch') && r.method === 'POST');
  if (!route) throw new Error('no batch route');
  return (caller, body) =>
    route.handle({
      req: {} as IncomingMessage,
      res: {} as ServerResponse,
      caller,
      params: [],
      body: async () => Buffer.from(JSON.stringify(body)),
    });
}

const K1: Caller = { role: 'kiosk', kioskId: 'K-1' };
type Results = { results: { status: string; error?: { code: string } }[] };

describe('kioskSyncRoutes: POST /v1/transactions:batch', () => {
  it('stores, counts a re-sent item as a duplicate and the same id with another payload as a conflict', async () => {
    const upload = batchRoute();
    const t = sampleTransaction('K-1');
    const first = await upload(K1, { kioskId: 'K-1', items: [batchItemOf(t)] });
    expect((first.body as Results).results.map((r) => r.status)).toEqual(['stored']);
    const again = await upload(K1, {
      kioskId: 'K-1',
      items: [batchItemOf(t), batchItemOf({ ...t, locale: 'en' })],
    });
    expect((again.body as Results).results.map((r) => r.status)).toEqual(['duplicate', 'conflict']);
    expect(bumps).toEqual([
      ['batches', 1],
      ['duplicates_ignored', 1],
      ['conflicts', 1],
      ['batches', 1],
    ]);
    expect(seen).toEqual(['K-1', 'K-1']);
    // The progress key is a credential: the stored payload leaves it out, only its hash is kept.
    const row = await db.get<{ payload: string; progress_key_hash: string | null }>(
      'SELECT payload, progress_key_hash FROM transactions WHERE idempotency_key = ?',
      [t.id],
    );
    expect(row?.payload).not.toContain(t.progressKey ?? '-');
    expect(row?.progress_key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells the urgent desk only when an urgent report was newly stored', async () => {
    const upload = batchRoute();
    await upload(K1, { kioskId: 'K-1', items: [batchItemOf(sampleTransaction('K-1'))] });
    expect(nudges).toBe(0);
    const urgent = sampleTransaction('K-1', { urgent: true });
    await upload(K1, { kioskId: 'K-1', items: [batchItemOf(urgent)] });
    expect(nudges).toBe(1);
    await upload(K1, { kioskId: 'K-1', items: [batchItemOf(urgent)] });
    expect(nudges).toBe(1);
  });

  it("refuses another kiosk's batch and rejects items that do not match their envelope", async () => {
    const upload = batchRoute();
    await expect(
      upload(K1, { kioskId: 'K-2', items: [batchItemOf(sampleTransaction('K-2'))] }),
    ).rejects.toMatchObject({
      status: 403,
      code: 'kiosk-mismatch',
    } satisfies Partial<HttpError>);
    const other = sampleTransaction('K-2');
    const mine = sampleTransaction('K-1');
    const reply = await upload(K1, {
      kioskId: 'K-1',
      items: [
        batchItemOf(other),
        { idempotencyKey: sampleTransaction('K-1').id, transaction: mine },
        { nonsense: 1 },
      ],
    });
    expect((reply.body as Results).results.map((r) => r.error?.code)).toEqual([
      'kiosk-mismatch',
      'key-mismatch',
      'invalid-item',
    ]);
    expect(await db.get('SELECT * FROM transactions')).toBeUndefined();
  });
});
