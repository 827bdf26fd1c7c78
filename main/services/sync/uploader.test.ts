import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BatchItem, BatchUploadResponse } from '../../../contract/central-api.js';
import type { CentralError, CentralResult } from '../central/client.js';
import { openStore } from '../../store/store.js';
import { TransactionService, type CompleteTransactionInput } from '../transactions/transactions.js';
import type { Logger } from '../../core/log.js';
import { ManualClock } from './clock.js';
import { Uploader, readSyncState, type SyncState, type UploadPort } from './uploader.js';

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
    resetBackoff?: boolean;
    log?: Logger;
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
    ...(options.resetBackoff !== undefined ? { resetBackoff: options.resetBackoff } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
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

describe('Uploader: errors, refusals, draining', () => {
  it('keeps the failure class, HTTP status and message as the last error, and clears it on success', async () => {
    const { clock, transactions, central, uploader, store } = await setup({ lingerMs: 0 });
    central.respond = fail({ code: 'http', status: 503, message: 'down' });
    await uploader.start();
    await transactions.complete(visit());
    await eventually(clock, async () => expect((await uploader.state()).lastError).toBe('http 503: down'));
    // The stored state is written after the one in memory changes.
    await eventually(clock, async () =>
      expect((await readSyncState(store)).lastError).toBe('http 503: down'),
    );
    central.respond = fail({ code: 'network', message: 'ECONNREFUSED' });
    clock.advance(999);
    await eventually(clock, async () =>
      expect((await uploader.state()).lastError).toBe('network: ECONNREFUSED'),
    );
    expect((await uploader.state()).lastSuccessAt).toBeNull();
    central.respond = storeAll;
    clock.advance(1999);
    const deliveredAt = clock.now();
    await eventually(clock, async () => expect((await uploader.state()).pending).toBe(0));
    expect(await uploader.state()).toMatchObject({ lastError: null, lastSuccessAt: deliveredAt });
    await eventually(clock, async () =>
      expect(await readSyncState(store)).toMatchObject({ lastError: null, lastSuccessAt: deliveredAt }),
    );
  });

  it('flags a record that cannot be unsealed (reason local), sends the rest, and says so to a waiter', async () => {
    const { transactions, central, uploader, store } = await setup({ lingerMs: 0, batchSize: 10 });
    const purged = await transactions.complete(visit());
    const fine = await transactions.complete(visit());
    await store.db.run('UPDATE transactions SET sealed = NULL WHERE id = ?', [purged.id]);
    const rejected: { id: string; number: string; reason: string }[] = [];
    uploader.events.on('rejected', (e) => rejected.push(e));
    await uploader.start();
    await vi.waitFor(async () => expect((await uploader.state()).pending).toBe(0), { timeout: 10_000 });
    expect(rejected).toEqual([
      {
        id: purged.id,
        number: purged.number,
        reason: `local: transaction ${purged.id} has no personal data left (purged)`,
      },
    ]);
    expect(central.calls.map((c) => c.items.map((i) => i.idempotencyKey))).toEqual([[fine.id]]);
    expect(await uploader.state()).toMatchObject({ acknowledged: 1, rejected: 1, conflicts: 0 });
    await expect(uploader.waitForAcknowledgement(purged.id)).rejects.toThrow(
      `transaction ${purged.number} was rejected: local: transaction ${purged.id} has no personal data left`,
    );
    await uploader.waitForAcknowledgement(fine.id);
  });

  it('words each refusal from the reply, logs it by transaction number and code only, and counts only conflicts as conflicts', async () => {
    const logged: [string, string, unknown][] = [];
    const log: Logger = {
      info: (event, fields) => logged.push(['info', event, fields]),
      warn: (event, fields) => logged.push(['warn', event, fields]),
      error: (event, fields) => logged.push(['error', event, fields]),
    };
    const { transactions, central, uploader } = await setup({ lingerMs: 0, batchSize: 10, log });
    const done = [];
    for (let i = 0; i < 4; i++) done.push(await transactions.complete(visit(i === 3)));
    // The three normal items go in one request, the urgent one in its own.
    const replies = new Map<string, Omit<BatchUploadResponse['results'][number], 'index' | 'idempotencyKey'>>(
      [
        [done[0]?.id ?? '', { status: 'rejected' }],
        [done[1]?.id ?? '', { status: 'rejected', error: { code: 'invalid', message: 'bad form' } }],
        [done[2]?.id ?? '', { status: 'conflict' }],
        [done[3]?.id ?? '', { status: 'stored' }],
      ],
    );
    central.respond = (items) => ({
      ok: true,
      value: {
        results: items.map((item, index) => ({
          index,
          idempotencyKey: item.idempotencyKey,
          ...(replies.get(item.idempotencyKey) ?? { status: 'stored' as const }),
        })),
      },
    });
    const reasons: string[] = [];
    const acked: { id: string; urgent: boolean }[] = [];
    uploader.events.on('rejected', (e) => reasons.push(e.reason));
    uploader.events.on('acknowledged', (e) => acked.push({ id: e.id, urgent: e.urgent }));
    const normal = await setup({ lingerMs: 0 });
    await uploader.start();
    await vi.waitFor(async () => expect((await uploader.state()).pending).toBe(0), { timeout: 10_000 });
    await vi.waitFor(() => expect(reasons).toHaveLength(3), { timeout: 10_000 });
    expect(reasons).toEqual([
      'rejected',
      'invalid: bad form',
      'conflict: the central API holds a different payload under this id',
    ]);
    expect(acked).toEqual([{ id: done[3]?.id, urgent: true }]);
    expect(await uploader.state()).toMatchObject({ rejected: 3, conflicts: 1, acknowledged: 1 });
    expect(logged).toEqual([
      ['warn', 'sync.rejected', { transactionNumber: done[0]?.number, code: null }],
      ['warn', 'sync.rejected', { transactionNumber: done[1]?.number, code: 'invalid' }],
      ['error', 'sync.conflict', { transactionNumber: done[2]?.number, code: null }],
    ]);

    // A normal item's acknowledgement says it was not urgent.
    const normalAcked: boolean[] = [];
    normal.uploader.events.on('acknowledged', (e) => normalAcked.push(e.urgent));
    await normal.uploader.start();
    await normal.transactions.complete(visit());
    await vi.waitFor(() => expect(normalAcked).toEqual([false]), { timeout: 10_000 });
  });

  it('a waiter stops waiting when its signal aborts', async () => {
    const { transactions, central, uploader } = await setup({ lingerMs: 0 });
    central.respond = fail({ code: 'network', message: 'ECONNREFUSED' });
    await uploader.start();
    const t = await transactions.complete(visit());
    const controller = new AbortController();
    const waiting = uploader.waitForAcknowledgement(t.id, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow('aborted');
  });

  it('drains: returns once nothing is pending, stops when interrupted, gives up at its deadline with the last error', async () => {
    const { clock, transactions, central, uploader } = await setup({ lingerMs: 60_000 });
    await uploader.start();
    await transactions.complete(visit());
    // The normal lane would linger a minute; a drain kicks it and waits for the acknowledgement.
    clock.advance(60_000);
    expect(await uploader.drain(10_000)).toMatchObject({ pending: 0, acknowledged: 1 });

    central.respond = fail({ code: 'network', message: 'ECONNREFUSED' });
    await transactions.complete(visit());
    const interrupted = new AbortController();
    interrupted.abort();
    await expect(uploader.drain(10_000, interrupted.signal)).rejects.toThrow('interrupted with 1 pending');

    clock.advance(60_000);
    await eventually(clock, () => expect(central.calls).toHaveLength(2));
    const outcome = uploader.drain(1000).then(
      () => 'drained',
      (error: Error) => error.message,
    );
    await vi.waitFor(
      async () => {
        clock.advance(250);
        const now = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('waiting'), 5))]);
        expect(now).toBe('central API not reached in time: 1 pending; last error: network: ECONNREFUSED');
      },
      { timeout: 10_000 },
    );
  });

  it("an operator's drain (resetBackoff) sends at once what a Retry-After had put off", async () => {
    const first = await setup({ lingerMs: 0 });
    first.central.respond = fail({ code: 'http', status: 503, message: 'down', retryAfterMs: 600_000 });
    await first.uploader.start();
    await first.transactions.complete(visit());
    await vi.waitFor(async () => expect((await readSyncState(first.store)).lastError).toContain('503'), {
      timeout: 10_000,
    });
    await first.stop();
    const second = await setup({ lingerMs: 0, dir: first.dir, clock: first.clock, resetBackoff: true });
    await second.uploader.start();
    await vi.waitFor(async () => expect((await second.uploader.state()).pending).toBe(0), {
      timeout: 10_000,
    });
    expect(second.central.calls).toHaveLength(1);
    expect((await second.uploader.state()).circuit).toBe('closed');
  });

  it('stopping aborts the request in flight without counting it as a failed attempt', async () => {
    const { transactions, central, uploader, store } = await setup({ lingerMs: 0 });
    let sent = 0;
    // The real client answers `aborted` once the uploader's signal aborts.
    central.uploadBatch = (_items: readonly BatchItem[], signal?: AbortSignal) => {
      sent++;
      return new Promise<CentralResult<BatchUploadResponse>>((resolve) =>
        signal?.addEventListener('abort', () =>
          resolve({ ok: false, error: { code: 'aborted', message: 'aborted by caller' } }),
        ),
      );
    };
    await uploader.start();
    await transactions.complete(visit());
    await vi.waitFor(() => expect(sent).toBe(1), { timeout: 10_000 });
    await uploader.stop();
    expect(await store.db.get('SELECT attempts, last_error FROM outbox')).toEqual({
      attempts: 0,
      last_error: null,
    });
    expect((await readSyncState(store)).lastError).toBeNull();
  });

  it('survives a failing store: says so as a local error and tries again after the longest backoff', async () => {
    const { clock, transactions, central, uploader, store } = await setup({ lingerMs: 0 });
    await transactions.complete(visit());
    await store.db.run('ALTER TABLE outbox RENAME TO outbox_away');
    await uploader.start();
    // Both lanes fail to read the outbox and set their retry timer.
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(1), { timeout: 10_000 });
    await store.db.run('ALTER TABLE outbox_away RENAME TO outbox');
    expect((await uploader.state()).lastError).toMatch(/^local: .*no such table: outbox/);
    expect(central.calls).toHaveLength(0);
    clock.advance(15_999);
    await settle();
    expect(central.calls).toHaveLength(0);
    clock.advance(1);
    await eventually(clock, async () => expect((await uploader.state()).pending).toBe(0));
    expect(central.calls).toHaveLength(1);
  });

  it('reports how long the oldest pending item has waited, never less than zero', async () => {
    const { clock, transactions, store } = await setup();
    expect((await readSyncState(store)).oldestPendingAgeMs).toBeNull();
    await transactions.complete(visit());
    clock.advance(5000);
    expect((await readSyncState(store)).oldestPendingAgeMs).toBe(5000);
    // A clock stepped back behind the item's time.
    clock.advance(-60_000);
    expect((await readSyncState(store)).oldestPendingAgeMs).toBe(0);
  });
});

describe('Uploader: lifecycle, waiters and drain', () => {
  it('has a state before it starts, and announces it once when it starts', async () => {
    const { uploader } = await setup();
    expect(await uploader.state()).toMatchObject({ pending: 0, lastError: null, lastSuccessAt: null });
    const states: SyncState[] = [];
    uploader.events.on('state', (s) => states.push(s));
    await uploader.start();
    await vi.waitFor(() => expect(states).toHaveLength(1), { timeout: 10_000 });
    expect(states[0]).toMatchObject({ pending: 0, lastError: null });
  });

  it('stop before start is harmless; a second start is ignored; after stop nothing is sent, announced or timed', async () => {
    const { uploader, transactions, central, clock } = await setup({ lingerMs: 0 });
    await uploader.stop();
    await uploader.start();
    await uploader.start();
    await transactions.complete(visit());
    await eventually(clock, () => expect(central.calls).toHaveLength(1));
    // Nothing left to do: once the wake-ups set while it was pending have fired, none is scheduled again.
    await settle();
    clock.advance(1000);
    await settle();
    expect(clock.pendingTimers()).toBe(0);
    // A failure schedules a retry; stopping cancels it.
    central.respond = fail({ code: 'http', status: 503, message: 'down' });
    await transactions.complete(visit());
    await eventually(clock, () => expect(central.calls).toHaveLength(2));
    await eventually(clock, async () => expect((await uploader.state()).lastError).toBe('http 503: down'));
    expect(clock.pendingTimers()).toBeGreaterThan(0);
    await uploader.stop();
    expect(clock.pendingTimers()).toBe(0);
    const states: SyncState[] = [];
    uploader.events.on('state', (s) => states.push(s));
    await transactions.complete(visit());
    await settle();
    clock.advance(60_000);
    await settle();
    expect(central.calls).toHaveLength(2);
    expect(states).toEqual([]);
  });

  it('a waiter for one transaction is not ended by another one being acknowledged, and hears its own refusal', async () => {
    const { uploader, transactions, central, clock } = await setup({ lingerMs: 0, batchSize: 1 });
    const first = await transactions.complete(visit());
    const refused = await transactions.complete(visit());
    central.respond = (items) => ({
      ok: true,
      value: {
        results: items.map((item, index) =>
          item.idempotencyKey === refused.id
            ? {
                index,
                idempotencyKey: item.idempotencyKey,
                status: 'rejected' as const,
                error: { code: 'invalid', message: 'bad form' },
              }
            : { index, idempotencyKey: item.idempotencyKey, status: 'stored' as const },
        ),
      },
    });
    // Subscribed while both are pending: the refusal arrives as an event, after the other's acknowledgement.
    const waiting = uploader.waitForAcknowledgement(refused.id);
    const outcome = waiting.then(
      () => 'resolved',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await settle();
    await uploader.start();
    await eventually(clock, () => expect(central.calls).toHaveLength(2));
    expect(central.calls.map((c) => c.items[0]?.idempotencyKey)).toEqual([first.id, refused.id]);
    expect(await outcome).toBe(`transaction ${refused.number} was rejected: invalid: bad form`);
  });

  it('drain: gives up at its deadline with the last error, and stops when its signal aborts', async () => {
    const { uploader, transactions, central, clock } = await setup({ lingerMs: 0 });
    central.respond = fail({ code: 'http', status: 503, message: 'down' });
    await uploader.start();
    await transactions.complete(visit());
    await eventually(clock, async () => expect((await uploader.state()).lastError).toBe('http 503: down'));
    await expect(uploader.drain(0)).rejects.toThrow(
      'central API not reached in time: 1 pending; last error: http 503: down',
    );
    const abort = new AbortController();
    const draining = uploader.drain(3_600_000, abort.signal);
    await settle();
    abort.abort();
    await expect(draining).rejects.toThrow('interrupted with 1 pending');
  });
});
