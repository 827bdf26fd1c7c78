import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type KioskStore } from '../../store/store.js';
import { TransactionService, type CompleteTransactionInput } from '../transactions/transactions.js';
import { OutboxRepository } from './outbox.js';

const dirs: string[] = [];
const stores: KioskStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const visit = (urgent = false): CompleteTransactionInput => ({
  locale: 'zh-CN',
  catalogVersion: 1,
  citizen: { cardType: 'resident', name: '测试', idNumber: '110101199003070012' },
  services: [{ serviceId: urgent ? 'missing-person' : 'certificate', form: {}, urgent }],
});

/** A store whose clock the test sets (`at.t`), with the outbox and the service that fills it. */
async function setup() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-outbox-'));
  dirs.push(dir);
  const at = { t: 1_000_000 };
  const store = await openStore({ dataDir: dir, now: () => at.t });
  stores.push(store);
  const transactions = new TransactionService(store);
  const outbox = new OutboxRepository(store);
  /** Completes a visit at time `t` (its outbox row is due from then). */
  const complete = async (t: number, urgent = false): Promise<string> => {
    at.t = t;
    return (await transactions.complete(visit(urgent))).id;
  };
  const row = (id: string) =>
    store.db.get<{
      attempts: number;
      next_attempt_at: number;
      acked_at: number | null;
      rejected_at: number | null;
      last_error: string | null;
    }>(
      'SELECT attempts, next_attempt_at, acked_at, rejected_at, last_error FROM outbox WHERE transaction_id = ?',
      [id],
    );
  const state = async (id: string): Promise<string | undefined> =>
    (await store.db.get<{ state: string }>('SELECT state FROM transactions WHERE id = ?', [id]))?.state;
  return { store, outbox, complete, row, state };
}

describe('OutboxRepository', () => {
  it('hands out the due items of one lane, oldest first, up to the limit, with what the upload needs', async () => {
    const { outbox, complete } = await setup();
    const a = await complete(100);
    const u = await complete(150, true);
    const b = await complete(200);
    const c = await complete(300);

    expect((await outbox.due('normal', 300, 10)).map((i) => i.id)).toEqual([a, b, c]);
    expect((await outbox.due('normal', 300, 2)).map((i) => i.id)).toEqual([a, b]);
    // Due exactly at its time, not a millisecond before.
    expect((await outbox.due('normal', 200, 10)).map((i) => i.id)).toEqual([a, b]);
    expect((await outbox.due('normal', 99, 10)).map((i) => i.id)).toEqual([]);
    expect((await outbox.due('urgent', 300, 10)).map((i) => i.id)).toEqual([u]);

    const [item] = await outbox.due('urgent', 300, 10);
    expect(item).toMatchObject({
      id: u,
      idempotency_key: u,
      lane: 'urgent',
      urgent: 1,
      attempts: 0,
      enqueued_at: 150,
      completed_at: 150,
    });
    expect(item?.number).toMatch(/\d/);
    expect(Buffer.isBuffer(item?.sealed)).toBe(true);
    expect(item?.seq).toBeGreaterThan(0);
  });

  it('counts the due items of a lane, capped', async () => {
    const { outbox, complete } = await setup();
    for (const t of [100, 200, 300]) await complete(t);
    await complete(100, true);
    expect(await outbox.countDue('normal', 300, 10)).toBe(3);
    expect(await outbox.countDue('normal', 300, 2)).toBe(2);
    expect(await outbox.countDue('normal', 200, 10)).toBe(2);
    expect(await outbox.countDue('normal', 99, 10)).toBe(0);
    expect(await outbox.countDue('urgent', 300, 10)).toBe(1);
  });

  it('leaves acknowledged and rejected items out of what is due, counted and next', async () => {
    const { outbox, complete } = await setup();
    const acked = await complete(100);
    const rejected = await complete(200);
    const pending = await complete(300);
    await outbox.markAcknowledged([acked], 400);
    await outbox.markRejected(rejected, 'invalid: bad form', 400);
    expect((await outbox.due('normal', 500, 10)).map((i) => i.id)).toEqual([pending]);
    expect(await outbox.countDue('normal', 500, 10)).toBe(1);
    expect(await outbox.nextDueAt()).toBe(300);
  });

  it('knows when the next pending item becomes due, or that none is pending', async () => {
    const { outbox, complete } = await setup();
    expect(await outbox.nextDueAt()).toBeNull();
    const a = await complete(100);
    const b = await complete(200);
    await outbox.markFailed([a], 'network: down', 5000);
    expect(await outbox.nextDueAt()).toBe(200);
    await outbox.markAcknowledged([b], 300);
    expect(await outbox.nextDueAt()).toBe(5000);
    await outbox.markAcknowledged([a], 400);
    expect(await outbox.nextDueAt()).toBeNull();
  });

  it('marks acknowledged items and their transactions, once, and only those named', async () => {
    const { outbox, complete, row, state } = await setup();
    const a = await complete(100);
    const b = await complete(200);
    const other = await complete(300);
    await outbox.markFailed([a], 'network: down', 1000);
    await outbox.markAcknowledged([a, b], 500);
    expect(await row(a)).toMatchObject({ acked_at: 500, last_error: null, rejected_at: null });
    expect(await row(b)).toMatchObject({ acked_at: 500 });
    expect(await row(other)).toMatchObject({ acked_at: null });
    expect([await state(a), await state(b), await state(other)]).toEqual([
      'acknowledged',
      'acknowledged',
      'completed',
    ]);
    expect(await outbox.isAcknowledged(a)).toBe(true);
    expect(await outbox.isAcknowledged(other)).toBe(false);
    expect(await outbox.isAcknowledged('no-such-transaction')).toBe(false);
    // A duplicate acknowledgement later keeps the first time.
    await outbox.markAcknowledged([a], 900);
    expect((await row(a))?.acked_at).toBe(500);
    await outbox.markAcknowledged([], 900);
    expect((await row(other))?.acked_at).toBeNull();
  });

  it('does not turn a rejected transaction into an acknowledged one', async () => {
    const { outbox, complete, state } = await setup();
    const a = await complete(100);
    await outbox.markRejected(a, 'conflict: different payload', 200);
    await outbox.markAcknowledged([a], 300);
    expect(await state(a)).toBe('rejected');
  });

  it('marks a refused item rejected for good, with its reason and the attempt counted', async () => {
    const { outbox, complete, row, state } = await setup();
    const a = await complete(100);
    const other = await complete(100);
    await outbox.markRejected(a, 'invalid: bad form', 700);
    expect(await row(a)).toMatchObject({
      rejected_at: 700,
      last_error: 'invalid: bad form',
      attempts: 1,
      acked_at: null,
    });
    expect(await state(a)).toBe('rejected');
    expect(await row(other)).toMatchObject({ rejected_at: null, attempts: 0, last_error: null });
    expect(await state(other)).toBe('completed');
    expect(await outbox.isAcknowledged(a)).toBe(false);
  });

  it('records a failed attempt with its reason and next time, only for the items named', async () => {
    const { outbox, complete, row } = await setup();
    const a = await complete(100);
    const b = await complete(100);
    const other = await complete(100);
    await outbox.markFailed([a, b], 'http 503: down', 4000);
    await outbox.markFailed([a], 'network: refused', 9000);
    expect(await row(a)).toMatchObject({
      attempts: 2,
      last_error: 'network: refused',
      next_attempt_at: 9000,
    });
    expect(await row(b)).toMatchObject({ attempts: 1, last_error: 'http 503: down', next_attempt_at: 4000 });
    expect(await row(other)).toMatchObject({ attempts: 0, last_error: null, next_attempt_at: 100 });
    await outbox.markFailed([], 'nothing', 1);
    expect(await row(other)).toMatchObject({ attempts: 0, next_attempt_at: 100 });
  });

  it('makes every pending item that waits due now, and says how many it moved', async () => {
    const { outbox, complete, row } = await setup();
    const waiting = await complete(100);
    const dueAlready = await complete(200);
    const acked = await complete(300);
    const rejected = await complete(300);
    await outbox.markFailed([waiting, acked, rejected], 'network: down', 60_000);
    await outbox.markAcknowledged([acked], 400);
    await outbox.markRejected(rejected, 'invalid', 400);
    expect(await outbox.makeAllDue(500)).toBe(1);
    expect((await row(waiting))?.next_attempt_at).toBe(500);
    expect((await row(dueAlready))?.next_attempt_at).toBe(200);
    expect((await row(acked))?.next_attempt_at).toBe(60_000);
    expect((await row(rejected))?.next_attempt_at).toBe(60_000);
    // An item due exactly now is not moved again.
    expect(await outbox.makeAllDue(500)).toBe(0);
  });

  it('counts the outbox in each state, with the oldest pending item', async () => {
    const { outbox, complete } = await setup();
    expect(await outbox.stats()).toEqual({
      completedTotal: 0,
      pending: 0,
      urgentPending: 0,
      acknowledged: 0,
      rejected: 0,
      oldestPendingAt: null,
    });
    const acked = await complete(100);
    const rejected = await complete(150, true);
    await complete(200, true);
    await complete(250);
    await complete(300);
    await outbox.markAcknowledged([acked], 400);
    await outbox.markRejected(rejected, 'invalid', 400);
    expect(await outbox.stats()).toEqual({
      completedTotal: 5,
      pending: 3,
      urgentPending: 1,
      acknowledged: 1,
      rejected: 1,
      oldestPendingAt: 200,
    });
  });
});
