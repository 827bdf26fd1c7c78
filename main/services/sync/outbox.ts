import type { KioskStore } from '../../store/store.js';

/** One outbox row joined with what the upload needs from its transaction. */
export interface OutboxItem {
  readonly seq: number;
  readonly id: string;
  readonly number: string;
  readonly idempotency_key: string;
  readonly lane: 'urgent' | 'normal';
  readonly urgent: number;
  readonly attempts: number;
  readonly enqueued_at: number;
  readonly completed_at: number;
  readonly sealed: Buffer | null;
}

/** Counters of the outbox, computed in SQL (never by loading rows). */
export interface OutboxStats {
  readonly completedTotal: number;
  readonly pending: number;
  readonly urgentPending: number;
  readonly acknowledged: number;
  readonly rejected: number;
  readonly oldestPendingAt: number | null;
}

const PENDING = 'o.acked_at IS NULL AND o.rejected_at IS NULL';

/** The outbox's queries. Every read is paged (LIMIT), so memory stays bounded whatever the backlog. */
export class OutboxRepository {
  constructor(private readonly store: KioskStore) {}

  /** Up to `limit` items of one lane due at `now`, oldest first. */
  async due(lane: 'urgent' | 'normal', now: number, limit: number): Promise<OutboxItem[]> {
    return this.store.db.all<OutboxItem>(
      `SELECT o.seq, t.id, t.number, o.idempotency_key, o.lane, t.urgent, o.attempts, o.enqueued_at,
              t.completed_at, t.sealed
       FROM outbox o JOIN transactions t ON t.id = o.transaction_id
       WHERE o.lane = ? AND ${PENDING} AND o.next_attempt_at <= ?
       ORDER BY o.seq LIMIT ?`,
      [lane, now, limit],
    );
  }

  /** How many items of a lane are due at `now` (capped at `cap`, to stay cheap with a large backlog). */
  async countDue(lane: 'urgent' | 'normal', now: number, cap: number): Promise<number> {
    const row = await this.store.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM outbox o WHERE o.lane = ? AND ${PENDING} AND o.next_attempt_at <= ? LIMIT ?)`,
      [lane, now, cap],
    );
    // Stryker disable next-line OptionalChaining: an aggregate query (count, min) always returns exactly one row.
    return row?.n ?? 0;
  }

  /** The earliest time any pending item becomes due, or null when nothing is pending. */
  async nextDueAt(): Promise<number | null> {
    const row = await this.store.db.get<{ t: number | null }>(
      `SELECT min(o.next_attempt_at) AS t FROM outbox o WHERE ${PENDING}`,
    );
    // Stryker disable next-line OptionalChaining: an aggregate query (count, min) always returns exactly one row.
    return row?.t ?? null;
  }

  /** Marks items acknowledged by the central API (stored or duplicate), with their transactions. */
  async markAcknowledged(ids: readonly string[], now: number): Promise<void> {
    // Stryker disable next-line ConditionalExpression: a shortcut only; `IN ()` with no ids matches no row in SQLite.
    if (ids.length === 0) return;
    const marks = ids.map(() => '?').join(',');
    await this.store.db.transaction(async (tx) => {
      await tx.run(
        `UPDATE outbox SET acked_at = ?, last_error = NULL WHERE transaction_id IN (${marks}) AND acked_at IS NULL`,
        [now, ...ids],
      );
      await tx.run(
        `UPDATE transactions SET state = 'acknowledged', updated_at = ? WHERE id IN (${marks}) AND state = 'completed'`,
        [now, ...ids],
      );
    });
  }

  /** Marks an item the central API (or the kiosk itself) refused for good; it is not retried. */
  async markRejected(id: string, reason: string, now: number): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      await tx.run(
        'UPDATE outbox SET rejected_at = ?, last_error = ?, attempts = attempts + 1 WHERE transaction_id = ?',
        [now, reason, id],
      );
      await tx.run("UPDATE transactions SET state = 'rejected', updated_at = ? WHERE id = ?", [now, id]);
    });
  }

  /** Records a failed attempt for items and when they may be retried. */
  async markFailed(ids: readonly string[], reason: string, nextAttemptAt: number): Promise<void> {
    // Stryker disable next-line ConditionalExpression: a shortcut only; `IN ()` with no ids matches no row in SQLite.
    if (ids.length === 0) return;
    const marks = ids.map(() => '?').join(',');
    await this.store.db.run(
      `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE transaction_id IN (${marks})`,
      [reason, nextAttemptAt, ...ids],
    );
  }

  /** Makes every pending item due now (an operator's explicit drain overrides the backoff). */
  async makeAllDue(now: number): Promise<number> {
    const r = await this.store.db.run(
      `UPDATE outbox SET next_attempt_at = ? WHERE acked_at IS NULL AND rejected_at IS NULL AND next_attempt_at > ?`,
      [now, now],
    );
    return r.changes;
  }

  /** Outbox counters. */
  async stats(): Promise<OutboxStats> {
    const row = await this.store.db.get<{
      completed: number;
      pending: number;
      urgent: number;
      acked: number;
      rejected: number;
      oldest: number | null;
    }>(
      `SELECT (SELECT count(*) FROM transactions) AS completed,
              (SELECT count(*) FROM outbox o WHERE ${PENDING}) AS pending,
              (SELECT count(*) FROM outbox o WHERE o.lane = 'urgent' AND ${PENDING}) AS urgent,
              (SELECT count(*) FROM outbox o WHERE o.acked_at IS NOT NULL) AS acked,
              (SELECT count(*) FROM outbox o WHERE o.rejected_at IS NOT NULL) AS rejected,
              (SELECT min(o.enqueued_at) FROM outbox o WHERE ${PENDING}) AS oldest`,
    );
    // Stryker disable OptionalChaining: a query of aggregates (count, min) always returns exactly one row.
    return {
      completedTotal: row?.completed ?? 0,
      pending: row?.pending ?? 0,
      urgentPending: row?.urgent ?? 0,
      acknowledged: row?.acked ?? 0,
      rejected: row?.rejected ?? 0,
      oldestPendingAt: row?.oldest ?? null,
    };
    // Stryker restore OptionalChaining
  }

  /** Whether a given transaction was acknowledged. */
  async isAcknowledged(id: string): Promise<boolean> {
    const row = await this.store.db.get<{ acked_at: number | null }>(
      'SELECT acked_at FROM outbox WHERE transaction_id = ?',
      [id],
    );
    return row?.acked_at !== null && row?.acked_at !== undefined;
  }
}
