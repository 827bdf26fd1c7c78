import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BatchItem, BatchUploadResponse } from '../../../contract/central-api.js';
import type { CentralError, CentralResult } from '../central/client.js';
import { openStore } from '../../store/store.js';
import { TransactionService, type CompleteTransactionInput } from '../transactions/transactions.js';
import { ManualClock } from './clock.js';
import { Uploader, readSyncState, type UploadPort } from './uploader.js';

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

type Responder = (items: readonly BatchItem[]) => CentralResult<BatchUploadResponse>;
const storeAll: Responder = (items) => ({
  ok: true,
  value: {
    results: items.map((item, index) => ({
      index,
      idempotencyKey: item.idempotencyKey,
      status: 'stored' as const,
    })),
  },
});

class FakeCentral implements UploadPort {
  calls: { at: number; items: readonly BatchItem[] }[] = [];
  constructor(
    private readonly clock: ManualClock,
    public respond: Responder = storeAll,
  ) {}
  uploadBatch(items: readonly BatchItem[]): Promise<CentralResult<BatchUploadResponse>> {
    this.calls.push({ at: this.clock.now(), items });
    return Promise.resolve(this.respond(items));
  }
}

function fail(error: CentralError): Responder {
  return () => ({ ok: false, error });
}

const visit = (urgent = false): CompleteTransactionInput => ({
  locale: 'zh-CN',
  catalogVersion: 1,
  citizen: { cardType: 'resident', name: '测试', idNumber: '110101199003070012' },
  services: [{ serviceId: urgent ? 'missing-person' : 'certificate', form: {}, urgent }],
});

async function setup(
  options: {
    batchSize?: number;
    lingerMs?: number;
    dir?: string;
    clock?: ManualClock;
    urgentRetryCapMs?: number;
  } = {},
) {
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'booth-up-')));
  if (!options.dir) dirs.push(dir);
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 1));
  const store = await openStore({ dataDir: dir, now: () => clock.now() });
  const transactions = new TransactionService(store);
  const central = new FakeCentral(clock);
  const uploader = new Uploader({
    store,
    transactions,
    client: central,
    kioskId: 'kiosk-1',
    batchSize: options.batchSize ?? 3,
    lingerMs: options.lingerMs ?? 1000,
    retry: { baseMs: 1000, capMs: 16_000, minMs: 10, failureThreshold: 3 },
    ...(options.urgentRetryCapMs !== undefined ? { urgentRetryCapMs: options.urgentRetryCapMs } : {}),
    clock,
    random: () => 0.99999,
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await uploader.stop();
    await store.close();
  };
  cleanups.push(stop);
  return { dir, clock, store, transactions, central, uploader, stop };
}

/** Lets the uploader's sqlite I/O settle (real time; the manual clock does not move). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Waits for an assertion, firing manual-clock timers that the uploader registered late (under load its
 * sqlite I/O may finish after the test moved the clock).
 */
async function eventually(clock: ManualClock, assertion: () => void | Promise<void>): Promise<void> {
  await vi.waitFor(
    async () => {
      clock.advance(0);
      await assertion();
    },
    { timeout: 10_000 },
  );
}

describe('Uploader', () => {
  it('lingers to fill a batch, then sends pages of batchSize with one idempotency key per transaction', async () => {
    const { clock, transactions, central, uploader, store } = await setup();
    await uploader.start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await transactions.complete(visit())).id);
    // A full batch goes at once; the remaining two wait for the linger to expire.
    await eventually(clock, () => expect(central.calls).toHaveLength(1));
    await settle();
    expect(central.calls).toHaveLength(1);
    clock.advance(1000);
    await eventually(clock, () => expect(central.calls).toHaveLength(2));
    expect(central.calls.map((c) => c.items.length)).toEqual([3, 2]);
    expect(central.calls.flatMap((c) => c.items.map((i) => i.idempotencyKey))).toEqual(ids);
    expect(central.calls[0]?.items[0]?.transaction).toMatchObject({
      id: ids[0],
      kioskId: 'kiosk-1',
      citizen: { name: '测试' },
    });
    await vi.waitFor(async () => expect((await readSyncState(store)).pending).toBe(0), { timeout: 10_000 });
    expect(await readSyncState(store)).toMatchObject({
      completedTotal: 5,
      acknowledged: 5,
      lastError: null,
      circuit: 'closed',
    });
    expect((await transactions.get(ids[0] ?? ''))?.state).toBe('acknowledged');
  });

  it('counts as delivered only what the reply confirms for that very item (index and idempotency key match)', async () => {
    const { clock, transactions, central, uploader } = await setup();
    // A confused reply: item 0 confirmed under item 1's key, item 1 under its own, item 2 confirmed at an
    // index the request never had, and nothing said of item 2 itself.
    central.respond = (items) => ({
      ok: true,
      value: {
        results: [
          { index: 0, idempotencyKey: items[1]?.idempotencyKey ?? '', status: 'stored' },
          { index: 1, idempotencyKey: items[1]?.idempotencyKey ?? '', status: 'stored' },
          { index: 7, idempotencyKey: items[2]?.idempotencyKey ?? '', status: 'stored' },
        ],
      },
    });
    await uploader.start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await transactions.complete(visit())).id);
    await eventually(clock, () => expect(central.calls).toHaveLength(1));
    await vi.waitFor(async () => expect((await transactions.get(ids[1] ?? ''))?.state).toBe('acknowledged'), {
      timeout: 10_000,
    });
    expect((await transactions.get(ids[0] ?? ''))?.state).not.toBe('acknowledged');
    expect((await transactions.get(ids[2] ?? ''))?.state).not.toBe('acknowledged');
    // They are sent again, and a straight answer then delivers them.
    central.respond = storeAll;
    clock.advance(60_000);
    await eventually(clock, async () => expect((await uploader.state()).pending).toBe(0));
    expect(
      central.calls
        .at(-1)
        ?.items.map((i) => i.idempotencyKey)
        .sort(),
    ).toEqual([ids[0], ids[2]].sort());
  });

  it('sends an urgent item at once, in its own request ahead of waiting normal items, and reports its acknowledgement', async () => {
    const { transactions, central, uploader } = await setup();
    await uploader.start();
    await transactions.complete(visit());
    await transactions.complete(visit());
    const acked: string[] = [];
    uploader.events.on('acknowledged', (e) => acked.push(e.id));
    const urgent = await transactions.complete(visit(true));
    await uploader.waitForAcknowledgement(urgent.id);
    expect(central.calls).toHaveLength(1);
    expect(central.calls[0]?.items.map((i) => i.idempotencyKey)).toEqual([urgent.id]);
    expect(central.calls[0]?.items[0]?.transaction.urgent).toBe(true);
    expect(acked).toEqual([urgent.id]);
  });

  it('does not hold an urgent report behind a normal batch still in flight', async () => {
    const { transactions, central, uploader } = await setup({ lingerMs: 0 });
    let release: (() => void) | undefined;
    const hanging = new Promise<void>((r) => (release = r));
    const calls: string[] = [];
    const inner = central.uploadBatch.bind(central);
    central.uploadBatch = async (items) => {
      const lane = items[0]?.transaction.urgent ? 'urgent' : 'normal';
      calls.push(lane);
      if (lane === 'normal') await hanging;
      return inner(items);
    };
    await uploader.start();
    await transactions.complete(visit());
    await vi.waitFor(() => expect(calls).toEqual(['normal']), { timeout: 10_000 });
    const urgent = await transactions.complete(visit(true));
    await uploader.waitForAcknowledgement(urgent.id);
    expect(calls).toEqual(['normal', 'urgent']);
    release?.();
    await vi.waitFor(async () => expect((await uploader.state()).pending).toBe(0), { timeout: 10_000 });
  });

  it('backs off exponentially (capped) while the central API fails, then delivers everything once', async () => {
    const { clock, transactions, central, uploader, store } = await setup({ lingerMs: 0 });
    central.respond = fail({ code: 'network', message: 'ECONNREFUSED' });
    await uploader.start();
    await transactions.complete(visit());
    await eventually(clock, () => expect(central.calls).toHaveLength(1));
    const expectedGaps = [999, 1999, 3999, 7999, 15_999, 15_999];
    for (const gap of expectedGaps) {
      const before = central.calls.length;
      clock.advance(gap - 1);
      await settle();
      expect(central.calls).toHaveLength(before);
      clock.advance(1);
      await eventually(clock, () => expect(central.calls).toHaveLength(before + 1));
    }
    const state = await uploader.state();
    expect(state.circuit).toBe('open');
    expect(state.lastError).toContain('ECONNREFUSED');
    central.respond = storeAll;
    clock.advance(16_000);
    await eventually(clock, async () => expect((await uploader.state()).pending).toBe(0));
    expect((await uploader.state()).circuit).toBe('closed');
    const attempts = await store.db.get<{ attempts: number }>('SELECT attempts FROM outbox');
    expect(attempts?.attempts).toBe(expectedGaps.length + 1);
  });

  it('honours Retry-After on 429', async () => {
    const { clock, transactions, central, uploader } = await setup({ lingerMs: 0 });
    central.respond = fail({ code: 'http', status: 429, retryAfterMs: 30_000, message: 'HTTP 429' });
    await uploader.start();
    await transactions.complete(visit());
    await eventually(clock, () => expect(central.calls).toHaveLength(1));
    central.respond = storeAll;
    clock.advance(29_999);
    await settle();
    expect(central.calls).toHaveLength(1);
    // A fresh urgent item does not jump a Retry-After either: the server asked everyone to wait.
    await transactions.complete(visit(true));
    await settle();
    expect(central.calls).toHaveLength(1);
    clock.advance(30_000 * 0.5);
    await eventually(clock, async () => expect((await uploader.state()).pending).toBe(0));
    expect(central.calls[1]?.at).toBeGreaterThanOrEqual((central.calls[0]?.at ?? Number.NaN) + 30_000);
  });

  it('lets a fresh urgent item probe an open circuit', async () => {
    const { clock, transactions, central, uploader } = await setup({ lingerMs: 0 });
    central.respond = fail({ code: 'timeout', message: 'no answer' });
    await uploader.start();
    await transactions.complete(visit());
    await eventually(clock, () => expect(central.calls).toHaveLength(1));
    for (const [i, gap] of [999, 1999].entries()) {
      await settle();
      clock.advance(gap);
      await eventually(clock, () => expect(central.calls).toHaveLength(i + 2));
    }
    await eventually(clock, async () => expect((await uploader.state()).circuit).toBe('open'));
    const before = central.calls.length;
    central.respond = storeAll;
    const urgent = await transactions.complete(visit(true));
    await uploader.waitForAcknowledgement(urgent.id);
    expect(central.calls).toHaveLength(before + 1);
    expect(central.calls.at(-1)?.items.map((i) => i.idempotencyKey)).toEqual([urgent.id]);
  });

  it('keeps retrying an urgent report at least every urgentRetryCapMs while the central API is down, saying so each time', async () => {
    const { clock, transactions, central, uploader } = await setup({ lingerMs: 0, urgentRetryCapMs: 4000 });
    central.respond = fail({ code: 'network', message: 'ECONNREFUSED' });
    const failed: { numbers: string[]; urgent: boolean; error: string }[] = [];
    uploader.events.on('attempt-failed', (f) =>
      failed.push({ numbers: f.items.map((i) => i.number), urgent: f.urgent, error: f.error }),
    );
    await uploader.start();
    const urgent = await transactions.complete(visit(true));
    await eventually(clock, () => expect(central.calls).toHaveLength(1));
    // The normal lane's backoff would now grow to 8 s and 16 s with the circuit open; an urgent report does not.
    for (const gap of [999, 1999, 3999, 3999, 3999]) {
      const before = central.calls.length;
      await settle();
      clock.advance(gap - 1);
      await settle();
      expect(central.calls).toHaveLength(before);
      clock.advance(1);
      await eventually(clock, () => expect(central.calls).toHaveLength(before + 1));
    }
    expect((await uploader.state()).circuit).toBe('open');
    await eventually(clock, () => expect(failed).toHaveLength(6));
    expect(failed[0]).toEqual({ numbers: [urgent.number], urgent: true, error: 'network' });
    central.respond = storeAll;
    clock.advance(4000);
    await uploader.waitForAcknowledgement(urgent.id);
  });

  it('flags items the central API rejects and does not resend them', async () => {
    const { transactions, central, uploader, store } = await setup({ lingerMs: 0, batchSize: 10 });
    const rejectedIds: string[] = [];
    uploader.events.on('rejected', (e) => rejectedIds.push(e.id));
    central.respond = (items) => ({
      ok: true,
      value: {
        results: items.map((item, index) =>
          index === 1
            ? {
                index,
                idempotencyKey: item.idempotencyKey,
                status: 'rejected' as const,
                error: { code: 'invalid', message: 'bad form' },
              }
            : {
                index,
                idempotencyKey: item.idempotencyKey,
                status: index === 2 ? ('duplicate' as const) : ('stored' as const),
              },
        ),
      },
    });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await transactions.complete(visit())).id);
    await uploader.start();
    await vi.waitFor(async () => expect((await uploader.state()).pending).toBe(0), { timeout: 10_000 });
    expect(rejectedIds).toEqual([ids[1]]);
    expect(await readSyncState(store)).toMatchObject({ acknowledged: 2, rejected: 1, pending: 0 });
    expect((await transactions.get(ids[1] ?? ''))?.state).toBe('rejected');
    expect(central.calls).toHaveLength(1);
  });

  it('treats a conflict as a permanent, logged, visible failure: never acknowledged, never resent', async () => {
    const { clock, transactions, central, uploader, store } = await setup({ lingerMs: 0, batchSize: 10 });
    const events: string[] = [];
    uploader.events.on('rejected', (e) => events.push(`rejected ${e.id} ${e.reason}`));
    uploader.events.on('acknowledged', (e) => events.push(`acknowledged ${e.id}`));
    central.respond = (items) => ({
      ok: true,
      value: {
        results: items.map((item, index) =>
          index === 0
            ? {
                index,
                idempotencyKey: item.idempotencyKey,
                status: 'conflict' as const,
                error: { code: 'idempotency-conflict', message: 'stored with a different payload' },
              }
            : { index, idempotencyKey: item.idempotencyKey, status: 'stored' as const },
        ),
      },
    });
    const first = await transactions.complete(visit());
    const second = await transactions.complete(visit());
    await uploader.start();
    await vi.waitFor(async () => expect((await uploader.state()).pending).toBe(0), { timeout: 10_000 });
    // The events follow the stored state: wait for both rather than race them.
    await vi.waitFor(() => expect(events).toHaveLength(2), { timeout: 10_000 });
    expect(events).toEqual([
      `rejected ${first.id} conflict: stored with a different payload`,
      `acknowledged ${second.id}`,
    ]);
    expect(await uploader.state()).toMatchObject({ acknowledged: 1, rejected: 1, conflicts: 1, pending: 0 });
    expect((await transactions.get(first.id))?.state).toBe('rejected');
    expect((await store.audit.recent(5)).map((e) => [e.event, e.details])).toContainEqual([
      'sync.conflict',
      { transactionNumber: first.number },
    ]);
    await expect(uploader.waitForAcknowledgement(first.id)).rejects.toThrow(/conflict/);
    // Hours later, with the pump kicked, nothing is sent again.
    clock.advance(6 * 3_600_000);
    uploader.kick();
    await settle();
    expect(central.calls).toHaveLength(1);
  });

  it('resumes after a restart: pending items and the backoff survive', async () => {
    const first = await setup({ lingerMs: 0 });
    first.central.respond = fail({ code: 'http', status: 503, message: 'down', retryAfterMs: 60_000 });
    await first.uploader.start();
    await first.transactions.complete(visit());
    await vi.waitFor(() => expect(first.central.calls).toHaveLength(1), { timeout: 10_000 });
    await vi.waitFor(async () => expect((await readSyncState(first.store)).lastError).toContain('503'), {
      timeout: 10_000,
    });
    await first.stop();

    const second = await setup({ lingerMs: 0, dir: first.dir, clock: first.clock });
    await second.uploader.start();
    await settle();
    expect(second.central.calls).toHaveLength(0);
    second.clock.advance(60_000 * 1.5);
    await eventually(second.clock, async () => expect((await second.uploader.state()).pending).toBe(0));
    expect(second.central.calls).toHaveLength(1);
  });

  it('pages through a large backlog: no request exceeds batchSize', async () => {
    const { transactions, central, uploader } = await setup({ lingerMs: 0, batchSize: 25 });
    for (let i = 0; i < 120; i++) await transactions.complete(visit());
    await uploader.start();
    await vi.waitFor(async () => expect((await uploader.state()).pending).toBe(0), { timeout: 10_000 });
    expect(central.calls.map((c) => c.items.length)).toEqual([25, 25, 25, 25, 20]);
    expect(new Set(central.calls.flatMap((c) => c.items.map((i) => i.idempotencyKey))).size).toBe(120);
  });

  it('emits state changes', async () => {
    const { transactions, uploader, clock } = await setup({ lingerMs: 1000 });
    const states: number[] = [];
    uploader.events.on('state', (s) => states.push(s.pending));
    await uploader.start();
    await transactions.complete(visit());
    await vi.waitFor(() => expect(states.at(-1)).toBe(1), { timeout: 10_000 });
    clock.advance(1000);
    await eventually(clock, () => expect(states.at(-1)).toBe(0));
  });
});
