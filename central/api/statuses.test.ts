import { describe, expect, it } from 'vitest';
import type { CentralDb } from '../db.js';
import type { TransactionRow } from './records.js';
import { createStatusReader, DEFAULT_STATUS_SCHEDULE } from './statuses.js';

/** Statuses from stored rows alone: a store with no officers' letter actions, a clock set by the test. */
const noActions = { all: async () => [] } as unknown as CentralDb;
const T0 = Date.parse('2026-11-29T00:00:00Z');
const MIN = 60_000;

function row(overrides: Partial<TransactionRow> = {}): TransactionRow {
  return {
    idempotency_key: '01JD0000000000000000000000',
    number: 'JW-20261129-000001',
    kiosk_id: 'K-1',
    received_at: T0,
    tracking_number: 'XF-1',
    progress_override: null,
    progress_override_at: null,
    mailbox_override: null,
    mailbox_override_at: null,
    payload_hash: null,
    progress_key_hash: null,
    ...overrides,
  };
}

describe('createStatusReader', () => {
  it('on a production server (no schedule) a status nobody set stays received, however late', async () => {
    const reader = createStatusReader({ db: noActions, now: () => T0 + 30 * 24 * 60 * MIN, schedule: null });
    expect(reader.progressOf(row())).toEqual({
      number: 'JW-20261129-000001',
      status: 'received',
      updatedAt: new Date(T0).toISOString(),
    });
    expect(await reader.mailboxOf(row(), 'XF-1')).toEqual({ trackingNumber: 'XF-1', status: 'received' });
  });

  it('a demonstration server advances on its timer, stamping each stage when it was reached', async () => {
    let now = T0 + MIN - 1;
    const reader = createStatusReader({ db: noActions, now: () => now, schedule: DEFAULT_STATUS_SCHEDULE });
    expect(reader.progressOf(row()).status).toBe('received');
    now = T0 + MIN;
    expect(reader.progressOf(row())).toMatchObject({
      status: 'in-progress',
      updatedAt: new Date(now).toISOString(),
    });
    now = T0 + 30 * MIN;
    expect(reader.progressOf(row()).status).toBe('done');
    now = T0 + 10 * MIN;
    expect(await reader.mailboxOf(row(), 'XF-1')).toEqual({
      trackingNumber: 'XF-1',
      status: 'signed',
      signedAt: new Date(T0 + 10 * MIN).toISOString(),
    });
  });

  it('a pinned status wins over the timer, and a pinned letter stage is stamped no later than the pin', async () => {
    const pinnedAt = T0 + 5 * MIN;
    const reader = createStatusReader({
      db: noActions,
      now: () => T0 + 60 * MIN,
      schedule: DEFAULT_STATUS_SCHEDULE,
    });
    expect(
      reader.progressOf(row({ progress_override: 'in-progress', progress_override_at: pinnedAt })),
    ).toEqual({
      number: 'JW-20261129-000001',
      status: 'in-progress',
      updatedAt: new Date(pinnedAt).toISOString(),
    });
    expect(
      await reader.mailboxOf(row({ mailbox_override: 'answered', mailbox_override_at: pinnedAt }), 'XF-1'),
    ).toEqual({
      trackingNumber: 'XF-1',
      status: 'answered',
      signedAt: new Date(pinnedAt).toISOString(),
      answeredAt: new Date(pinnedAt).toISOString(),
    });
  });
});
