import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type KioskStore } from '../../store/store.js';
import { StoreError } from '../../store/errors.js';
import { TransactionService, type CompleteTransactionInput } from './transactions.js';
import { formatTransactionNumber, localDay } from './numbers.js';

const dirs: string[] = [];
const stores: KioskStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setup(clock: {
  t: number;
}): Promise<{ store: KioskStore; tx: TransactionService; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-tx-'));
  dirs.push(dir);
  const store = await openStore({ dataDir: dir, now: () => clock.t });
  stores.push(store);
  return { store, tx: new TransactionService(store), dir };
}

const ID_NUMBER = '11010119900307001X';
const NAME = '王小明';
function visit(overrides: Partial<CompleteTransactionInput> = {}): CompleteTransactionInput {
  return {
    locale: 'zh-CN',
    catalogVersion: 4,
    citizen: { cardType: 'resident', name: NAME, idNumber: ID_NUMBER, address: '北京市东城区景山前街4号' },
    services: [{ serviceId: 'household-certificate', form: { purpose: '入学证明', phone: '13800000000' } }],
    ...overrides,
  };
}

describe('TransactionService.complete', () => {
  it('writes the transaction and its outbox row, with a per-day human number', async () => {
    const clock = { t: new Date(2026, 10, 29, 10, 0).getTime() };
    const { store, tx } = await setup(clock);
    const events: string[] = [];
    tx.events.on('completed', (c) => events.push(c.id));
    const a = await tx.complete(visit());
    const b = await tx.complete(visit());
    expect(a.number).toBe('JW-20261129-000001');
    expect(b.number).toBe('JW-20261129-000002');
    expect(a.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(b.id > a.id).toBe(true);
    expect(events).toEqual([a.id, b.id]);
    clock.t = new Date(2026, 10, 30, 0, 1).getTime();
    expect((await tx.complete(visit())).number).toBe('JW-20261130-000001');
    const outbox = await store.db.all<{ transaction_id: string; idempotency_key: string; lane: string }>(
      'SELECT transaction_id, idempotency_key, lane FROM outbox ORDER BY seq',
    );
    expect(outbox).toHaveLength(3);
    expect(outbox[0]).toEqual({ transaction_id: a.id, idempotency_key: a.id, lane: 'normal' });
    expect(await tx.get(a.id)).toMatchObject({
      number: a.number,
      serviceIds: ['household-certificate'],
      state: 'completed',
      urgent: false,
      purged: false,
    });
    expect(await tx.count()).toBe(3);
  });

  it('marks the transaction urgent when any service is urgent or a missing person is reported', async () => {
    const { store, tx } = await setup({ t: Date.UTC(2026, 0, 1) });
    const u = await tx.complete(
      visit({
        services: [
          { serviceId: 'lost-id', form: {} },
          { serviceId: 'missing-person', form: {}, urgent: true },
        ],
      }),
    );
    expect(u.urgent).toBe(true);
    const m = await tx.complete(
      visit({
        services: [{ serviceId: 'report', form: {} }],
        missingPerson: {
          name: '李四',
          lastSeenPlace: '公园',
          description: '穿红色外套',
          contactPhone: '13900000000',
        },
      }),
    );
    expect(m.urgent).toBe(true);
    const lanes = await store.db.all<{ lane: string }>('SELECT lane FROM outbox ORDER BY seq');
    expect(lanes.map((l) => l.lane)).toEqual(['urgent', 'urgent']);
  });

  it('rejects bad input with a zod error and writes nothing', async () => {
    const { tx } = await setup({ t: 1 });
    await expect(tx.complete(visit({ services: [] }))).rejects.toThrow(/services/);
    expect(await tx.count()).toBe(0);
  });

  it('writes neither row when the outbox insert fails (one sqlite transaction)', async () => {
    const { store, tx } = await setup({ t: Date.UTC(2026, 0, 1) });
    await store.db.exec(
      "CREATE TEMP TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END",
    );
    await expect(tx.complete(visit())).rejects.toThrow(/outbox refused/);
    expect(await tx.count()).toBe(0);
    expect(await store.db.get('SELECT * FROM daily_sequence')).toBeUndefined();
    await store.db.exec('DROP TRIGGER temp.fail_outbox');
    expect((await tx.complete(visit())).number).toMatch(/-000001$/);
  });

  it('seals personal data: the payload round-trips, the database bytes do not contain it', async () => {
    const { store, tx, dir } = await setup({ t: Date.UTC(2026, 0, 1, 12) });
    const done = await tx.complete(visit());
    const payload = await tx.payload(done.id, 'kiosk-1');
    expect(payload).toMatchObject({
      id: done.id,
      number: done.number,
      kioskId: 'kiosk-1',
      completedAt: '2026-01-01T12:00:00.000Z',
      urgent: false,
      citizen: { name: NAME, idNumber: ID_NUMBER },
      services: [{ serviceId: 'household-certificate', form: { purpose: '入学证明' } }],
    });
    expect(payload.services[0]).not.toHaveProperty('urgent');
    const raw = Buffer.concat([
      await readFile(path.join(dir, 'booth.sqlite3')),
      await readFile(path.join(dir, 'booth.sqlite3-wal')),
    ]);
    expect(raw.includes(Buffer.from(ID_NUMBER))).toBe(false);
    expect(raw.includes(Buffer.from(NAME))).toBe(false);
    expect(raw.includes(Buffer.from('13800000000'))).toBe(false);
    // The progress link key travels with the payload and is sealed at rest like personal data.
    expect(payload.progressKey).toBe(done.progressKey);
    expect(raw.includes(Buffer.from(done.progressKey))).toBe(false);
    // A blob moved onto another row does not open.
    const other = await tx.complete(visit());
    await store.db.run(
      'UPDATE transactions SET sealed = (SELECT sealed FROM transactions WHERE id = ?) WHERE id = ?',
      [done.id, other.id],
    );
    await expect(tx.payload(other.id, 'kiosk-1')).rejects.toMatchObject({ kind: 'decrypt-failed' });
  });
});

describe('progress link keys', () => {
  it('are 128 fresh random bits per transaction, unrelated to the id and to the clock, and never in events', async () => {
    const clock = { t: new Date(2026, 10, 29, 10, 0).getTime() };
    const { tx } = await setup(clock);
    const events: unknown[] = [];
    tx.events.on('completed', (c) => events.push(c));
    const done = [];
    for (let i = 0; i < 20; i++) {
      done.push(await tx.complete(visit()));
      // Same millisecond, then a step back: the ids are sequential, the keys must not be.
      if (i % 2 === 1) clock.t -= 1000;
    }
    const keys = done.map((d) => d.progressKey);
    expect(new Set(keys).size).toBe(20);
    for (const d of done) {
      expect(d.progressKey).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
      expect(d.progressKey).not.toContain(d.id.slice(-10));
    }
    // Keys sorted as numbers are not in completion order (sequential keys would be).
    const sorted = [...keys].sort();
    expect(sorted).not.toEqual(keys);
    expect(JSON.stringify(events)).not.toMatch(new RegExp(keys.join('|')));
    expect(events).toHaveLength(20);
  });
});

describe('purgeExpired', () => {
  it('deletes personal data of acknowledged transactions once retention has passed, keeps the record', async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    const { store, tx } = await setup(clock);
    const acked = await tx.complete(visit());
    const pending = await tx.complete(visit());
    await store.db.run("UPDATE transactions SET state = 'acknowledged', updated_at = ? WHERE id = ?", [
      clock.t,
      acked.id,
    ]);
    clock.t += 6 * 86_400_000;
    expect(await tx.purgeExpired()).toBe(0);
    clock.t += 86_400_000;
    expect(await tx.purgeExpired()).toBe(1);
    expect(await tx.get(acked.id)).toMatchObject({
      number: acked.number,
      purged: true,
      state: 'acknowledged',
    });
    await expect(tx.payload(acked.id, 'k')).rejects.toThrow(StoreError);
    expect((await tx.payload(pending.id, 'k')).citizen?.name).toBe(NAME);
    expect((await store.audit.recent(1))[0]).toMatchObject({
      event: 'personal-data.purged',
      details: { count: 1 },
    });
  });

  it('honours the retention setting', async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    const { store, tx } = await setup(clock);
    await store.settings.set('retention.days', 1);
    const a = await tx.complete(visit());
    await store.db.run("UPDATE transactions SET state = 'acknowledged', updated_at = ? WHERE id = ?", [
      clock.t,
      a.id,
    ]);
    clock.t += 86_400_000;
    expect(await tx.purgeExpired()).toBe(1);
  });
});

describe('numbers', () => {
  it('formats JW-YYYYMMDD-NNNNNN in local time', () => {
    expect(formatTransactionNumber('20261129', 123)).toBe('JW-20261129-000123');
    expect(formatTransactionNumber('20261129', 1_234_567)).toBe('JW-20261129-1234567');
    expect(localDay(new Date(2026, 0, 2, 23, 59).getTime())).toBe('20260102');
  });
});
