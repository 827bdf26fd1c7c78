import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CENTRAL_BACKEND, freshCentralStore } from '../test/support/central-store.js';
import {
  acknowledgeUrgentReport,
  readUrgentBoard,
  urgentFingerprint,
  urgentReportStatus,
} from './console-urgent.js';
import type { TransactionPayload } from '../contract/central-api.js';
import { openCentralDb, type CentralDb } from './db.js';
import { sampleMissingPersonReport, sampleTransaction } from './fixtures.js';

/**
 * The urgent reports' store side (central/console-urgent.ts) on both stores (this file also runs in the
 * `central-postgres` project): the board, the officers' acknowledgement (the first one stands), the kiosk's view
 * of its own report, and the fingerprint that tells instances the board changed.
 */

const T0 = Date.parse('2026-12-01T08:00:00Z');
let db: CentralDb;

beforeEach(async () => {
  const store = await freshCentralStore();
  db = await openCentralDb(store.database ?? ':memory:');
});

afterEach(async () => {
  await db.close();
});

/** Stores a transaction as the batch route does (the columns the board reads). */
async function store(transaction: TransactionPayload, receivedAt: number): Promise<void> {
  await db.run(
    `INSERT INTO transactions (idempotency_key, number, kiosk_id, urgent, completed_at, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      transaction.id,
      transaction.number,
      transaction.kioskId,
      transaction.urgent ? 1 : 0,
      transaction.completedAt,
      receivedAt,
      JSON.stringify(transaction),
    ],
  );
}

describe(`urgent reports in the store (${CENTRAL_BACKEND})`, () => {
  it('lists open urgent reports oldest first with kiosk, number and service name, and no personal data', async () => {
    const later = sampleMissingPersonReport('bj-dc-02');
    const earlier = sampleMissingPersonReport('bj-dc-01');
    await store(later, T0 + 5_000);
    await store(earlier, T0);
    await store(sampleTransaction('bj-dc-01'), T0 + 1_000);

    const board = await readUrgentBoard(db, T0 + 10_000, 60_000);
    expect(board).toMatchObject({ now: new Date(T0 + 10_000).toISOString(), escalateAfterMs: 60_000 });
    expect(board.open).toEqual([
      {
        id: earlier.id,
        number: earlier.number,
        kioskId: 'bj-dc-01',
        services: [
          {
            serviceId: 'missing-person',
            name: { 'zh-CN': '失踪人员报告', 'zh-HK': '失蹤人口報告', en: 'Missing person report' },
          },
        ],
        receivedAt: new Date(T0).toISOString(),
        acknowledgement: null,
      },
      expect.objectContaining({ id: later.id, kioskId: 'bj-dc-02' }),
    ]);
    expect(board.acknowledged).toEqual([]);
    const text = JSON.stringify(board);
    for (const personal of ['王测试', '测试用户', '110101199001011234', '13800138000', '测试公园'])
      expect(text).not.toContain(personal);
  });

  it('keeps the first officer’s acknowledgement; a second one is told who was first', async () => {
    const report = sampleMissingPersonReport('bj-dc-01');
    await store(report, T0);

    const first = await acknowledgeUrgentReport(db, report.id, 'officer-li', T0 + 20_000);
    expect(first).toMatchObject({
      alreadyAcknowledged: false,
      report: {
        id: report.id,
        acknowledgement: { by: 'officer-li', at: new Date(T0 + 20_000).toISOString() },
      },
    });
    const second = await acknowledgeUrgentReport(db, report.id, 'officer-wang', T0 + 30_000);
    expect(second).toMatchObject({
      alreadyAcknowledged: true,
      report: { acknowledgement: { by: 'officer-li', at: new Date(T0 + 20_000).toISOString() } },
    });
    expect(await db.all('SELECT officer, acknowledged_at FROM urgent_acknowledgements')).toEqual([
      { officer: 'officer-li', acknowledged_at: T0 + 20_000 },
    ]);

    const board = await readUrgentBoard(db, T0 + 40_000, 60_000);
    expect(board.open).toEqual([]);
    expect(board.acknowledged.map((r) => [r.id, r.acknowledgement?.by])).toEqual([[report.id, 'officer-li']]);
    // A day later the board has forgotten it.
    expect((await readUrgentBoard(db, T0 + 25 * 3_600_000, 60_000)).acknowledged).toEqual([]);
  });

  it('lets exactly one of several officers acknowledging at once be first', async () => {
    const report = sampleMissingPersonReport('bj-dc-01');
    await store(report, T0);
    const officers = ['a', 'b', 'c', 'd', 'e', 'f'];
    const results = await Promise.all(
      officers.map((officer, i) => acknowledgeUrgentReport(db, report.id, officer, T0 + i)),
    );
    const winners = results.filter((r) => r?.alreadyAcknowledged === false);
    expect(winners).toHaveLength(1);
    const first = winners[0]?.report.acknowledgement?.by;
    expect(results.every((r) => r?.report.acknowledgement?.by === first)).toBe(true);
  });

  it('acknowledges only urgent reports that exist', async () => {
    const normal = sampleTransaction('bj-dc-01');
    await store(normal, T0);
    expect(await acknowledgeUrgentReport(db, normal.id, 'officer-li', T0)).toBeNull();
    expect(await acknowledgeUrgentReport(db, '01JDQ8ZK3W6S1V4T2M9C0XQH7R', 'officer-li', T0)).toBeNull();
    expect(await db.all('SELECT * FROM urgent_acknowledgements')).toEqual([]);
  });

  it('tells a kiosk about its own urgent report only: waiting, then acknowledged with the time', async () => {
    const report = sampleMissingPersonReport('bj-dc-01');
    const normal = sampleTransaction('bj-dc-01');
    await store(report, T0);
    await store(normal, T0);
    expect(await urgentReportStatus(db, 'bj-dc-01', report.id)).toEqual({
      id: report.id,
      number: report.number,
      status: 'waiting',
      acknowledgedAt: null,
    });
    expect(await urgentReportStatus(db, 'bj-dc-02', report.id)).toBeUndefined();
    expect(await urgentReportStatus(db, 'bj-dc-01', normal.id)).toBeUndefined();
    await acknowledgeUrgentReport(db, report.id, 'officer-li', T0 + 7_000);
    expect(await urgentReportStatus(db, 'bj-dc-01', report.id)).toEqual({
      id: report.id,
      number: report.number,
      status: 'acknowledged',
      acknowledgedAt: new Date(T0 + 7_000).toISOString(),
    });
  });

  it('changes its fingerprint when an urgent report is stored or acknowledged, not for other transactions', async () => {
    const empty = await urgentFingerprint(db);
    await store(sampleTransaction('bj-dc-01'), T0);
    expect(await urgentFingerprint(db)).toBe(empty);
    const report = sampleMissingPersonReport('bj-dc-01');
    await store(report, T0);
    const stored = await urgentFingerprint(db);
    expect(stored).not.toBe(empty);
    await acknowledgeUrgentReport(db, report.id, 'officer-li', T0);
    const acknowledged = await urgentFingerprint(db);
    expect(acknowledged).not.toBe(stored);
    await acknowledgeUrgentReport(db, report.id, 'officer-wang', T0);
    expect(await urgentFingerprint(db)).toBe(acknowledged);
  });
});
