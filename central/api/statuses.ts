import {
  mailboxStateSchema,
  progressStatusSchema,
  type MailboxState,
  type MailboxStatus,
  type ProgressStatus,
  type TransactionProgress,
} from '../../contract/central-api.js';
import type { CentralDb } from '../db.js';
import { letterStateOf, loadLetterActions } from '../mailbox.js';
import type { TransactionRow } from './records.js';
import { iso } from './route.js';

/** When a demonstration server advances statuses on its own, in ms after it stored the transaction. */
export interface StatusSchedule {
  readonly inProgressAfterMs: number;
  readonly doneAfterMs: number;
  readonly signedAfterMs: number;
  readonly answeredAfterMs: number;
  readonly closedAfterMs: number;
}

/** The default schedule documented above. */
export const DEFAULT_STATUS_SCHEDULE: StatusSchedule = {
  inProgressAfterMs: 60_000,
  doneAfterMs: 30 * 60_000,
  signedAfterMs: 10 * 60_000,
  answeredAfterMs: 24 * 3_600_000,
  closedAfterMs: 7 * 24 * 3_600_000,
};

/** What {@link createStatusReader} needs. */
export interface StatusReaderDeps {
  readonly db: CentralDb;
  readonly now: () => number;
  /** The demonstration's timer; null on a production server (statuses move only when someone sets them). */
  readonly schedule: StatusSchedule | null;
}

/** A transaction's progress and a letter's status as the kiosk API, the progress page and the console report them. */
export interface StatusReader {
  progressOf(row: TransactionRow): TransactionProgress;
  mailboxOf(row: TransactionRow, trackingNumber: string, withReply?: boolean): Promise<MailboxStatus>;
}

/** Reads statuses from a stored row: a pin (officer or admin API), else the demonstration's timer, else received. */
export function createStatusReader(deps: StatusReaderDeps): StatusReader {
  const { db, now, schedule } = deps;
  const progressOf = (row: TransactionRow): TransactionProgress => {
    const pinned = progressStatusSchema.safeParse(row.progress_override);
    if (pinned.success && row.progress_override_at !== null)
      return { number: row.number, status: pinned.data, updatedAt: iso(row.progress_override_at) };
    if (schedule === null) return { number: row.number, status: 'received', updatedAt: iso(row.received_at) };
    const stages: [ProgressStatus, number][] = [
      ['received', row.received_at],
      ['in-progress', row.received_at + schedule.inProgressAfterMs],
      ['done', row.received_at + schedule.doneAfterMs],
    ];
    const reached = stages.filter(([, at]) => at <= now()).at(-1) ?? stages[0];
    const [status, at] = reached ?? ['received', row.received_at];
    return { number: row.number, status, updatedAt: iso(at) };
  };

  /**
   * A letter's status: from officers' actions when there are any (with the latest reply only when `withReply`),
   * else an admin pin, else (demonstration only) the timer, else received.
   */
  const mailboxOf = async (
    row: TransactionRow,
    trackingNumber: string,
    withReply = false,
  ): Promise<MailboxStatus> => {
    const actions = (await loadLetterActions(db, [row.idempotency_key])).get(row.idempotency_key);
    if (actions && actions.length > 0) {
      const state = letterStateOf(actions);
      return {
        trackingNumber,
        status: state.status,
        ...(state.signed ? { signedAt: iso(state.signed.at) } : {}),
        ...(state.answered ? { answeredAt: iso(state.answered.at) } : {}),
        ...(state.closed ? { closedAt: iso(state.closed.at) } : {}),
        ...(withReply && state.reply ? { reply: { text: state.reply.text, at: iso(state.reply.at) } } : {}),
      };
    }
    const order: MailboxState[] = ['received', 'signed', 'answered', 'closed'];
    const pinned = mailboxStateSchema.safeParse(row.mailbox_override);
    const times = schedule
      ? [
          row.received_at,
          row.received_at + schedule.signedAfterMs,
          row.received_at + schedule.answeredAfterMs,
          row.received_at + schedule.closedAfterMs,
        ]
      : [row.received_at];
    let index: number;
    let cap = Number.POSITIVE_INFINITY;
    if (pinned.success && row.mailbox_override_at !== null) {
      index = order.indexOf(pinned.data);
      cap = row.mailbox_override_at;
    } else {
      index = times.filter((at) => at <= now()).length - 1;
    }
    const stageAt = (stage: number): string => iso(Math.min(times[stage] ?? cap, cap));
    return {
      trackingNumber,
      status: order[Math.max(0, index)] ?? 'received',
      ...(index >= 1 ? { signedAt: stageAt(1) } : {}),
      ...(index >= 2 ? { answeredAt: stageAt(2) } : {}),
    };
  };

  return { progressOf, mailboxOf };
}
