import { z } from 'zod';
import type { BatchItem, BatchUploadResponse } from '../../../contract/central-api.js';
import type { CentralError, CentralResult } from '../central/client.js';
import type { Logger } from '../../core/log.js';
import { TypedEmitter } from '../../../drivers/common/emitter.js';
import type { KioskStore } from '../../store/store.js';
import type { TransactionService } from '../transactions/transactions.js';
import { systemClock, type SyncClock } from './clock.js';
import { OutboxRepository, type OutboxItem } from './outbox.js';
import {
  RetrySchedule,
  defaultRetryPolicy,
  fullJitterDelay,
  type CircuitState,
  type RetryPolicy,
} from './retry-schedule.js';

/** The part of the central client the uploader needs (createCentralClient satisfies it). */
export interface UploadPort {
  uploadBatch(items: readonly BatchItem[], signal?: AbortSignal): Promise<CentralResult<BatchUploadResponse>>;
}

/** The sync state the UI and `booth sync status` show. Ages in ms; times in ms since the epoch. */
export interface SyncState {
  readonly completedTotal: number;
  readonly pending: number;
  readonly acknowledged: number;
  readonly rejected: number;
  /**
   * Of `rejected`: items the central API answered `conflict` (it holds a different payload under the same
   * transaction id). Never retried, never counted as delivered; a person must compare the two records.
   */
  readonly conflicts: number;
  readonly urgentPending: number;
  readonly oldestPendingAgeMs: number | null;
  readonly lastError: string | null;
  readonly lastSuccessAt: number | null;
  readonly circuit: CircuitState;
}

/** Uploader events. */
export interface UploaderEvents extends Record<string, unknown> {
  /** The central API confirmed this transaction (stored or duplicate). */
  acknowledged: { readonly id: string; readonly number: string; readonly urgent: boolean };
  /** The central API refused this transaction for good (it stays local, flagged). */
  rejected: { readonly id: string; readonly number: string; readonly reason: string };
  /**
   * An attempt to send these transactions failed (unreachable, 5xx, 429…); they stay queued and are retried.
   * `error` is the failure class only (`network`, `http`, …), never a payload.
   */
  'attempt-failed': {
    readonly items: readonly { readonly id: string; readonly number: string }[];
    readonly urgent: boolean;
    readonly error: string;
  };
  /** The sync state changed. */
  state: SyncState;
}

/** Uploader settings. */
export interface UploaderOptions {
  readonly store: KioskStore;
  readonly transactions: TransactionService;
  readonly client: UploadPort;
  readonly kioskId: string;
  /** Items per request (1..500). */
  readonly batchSize?: number;
  /** How long a normal item may wait for others to fill a batch. Urgent items never wait. */
  readonly lingerMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * The longest wait between two attempts at an urgent item (a missing-person report), whatever the backoff
   * of the normal lane: an urgent report is retried at least this often while the central API is down, unless
   * the server itself asked for a longer pause (Retry-After). Default 15 s.
   */
  readonly urgentRetryCapMs?: number;
  readonly clock?: SyncClock;
  readonly random?: () => number;
  /** Start with a clean backoff and every pending item due (an operator's `booth sync drain`). */
  readonly resetBackoff?: boolean;
  /** Where refusals (conflicts, rejections) are logged, by transaction number and code only. */
  readonly log?: Logger;
}

/** Default of {@link UploaderOptions.urgentRetryCapMs}. */
export const DEFAULT_URGENT_RETRY_CAP_MS = 15_000;

/** Prefix of the outbox's `last_error` for an item the central API answered `conflict`. */
export const CONFLICT_REASON_PREFIX = 'conflict: ';

/** Settings key holding the uploader's persisted status (so a restart resumes the backoff). */
export const SYNC_STATUS_SETTING = 'sync.status';

const persistedStatusSchema = z.object({
  lastError: z.string().nullable(),
  lastSuccessAt: z.number().nullable(),
  failures: z.number().int().min(0),
  retryAt: z.number(),
  serverPausedUntil: z.number(),
});
type PersistedStatus = z.infer<typeof persistedStatusSchema>;

/** Reads the persisted uploader status (for `booth sync status` in another process). */
export async function readPersistedSyncStatus(store: KioskStore): Promise<PersistedStatus> {
  return store.settings.get(SYNC_STATUS_SETTING, persistedStatusSchema, {
    lastError: null,
    lastSuccessAt: null,
    failures: 0,
    retryAt: 0,
    serverPausedUntil: 0,
  });
}

/** Builds a {@link SyncState} from the store alone (no uploader running). */
export async function readSyncState(
  store: KioskStore,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<SyncState> {
  const stats = await new OutboxRepository(store).stats();
  const status = await readPersistedSyncStatus(store);
  const conflicts = await store.db.get<{ n: number }>(
    `SELECT count(*) AS n FROM outbox WHERE rejected_at IS NOT NULL AND substr(last_error, 1, ?) = ?`,
    [CONFLICT_REASON_PREFIX.length, CONFLICT_REASON_PREFIX],
  );
  const now = store.now();
  return {
    completedTotal: stats.completedTotal,
    pending: stats.pending,
    acknowledged: stats.acknowledged,
    rejected: stats.rejected,
    // Stryker disable next-line OptionalChaining: an aggregate count always returns exactly one row.
    conflicts: conflicts?.n ?? 0,
    urgentPending: stats.urgentPending,
    oldestPendingAgeMs: stats.oldestPendingAt === null ? null : Math.max(0, now - stats.oldestPendingAt),
    lastError: status.lastError,
    lastSuccessAt: status.lastSuccessAt,
    circuit: new RetrySchedule(policy, Math.random, status).circuit(now),
  };
}

function describeError(error: CentralError): string {
  return `${error.code}${error.status !== undefined ? ` ${error.status}` : ''}: ${error.message}`;
}

/**
 * Sends the outbox to the central API. Each lane has one pump: the urgent lane sends at once, in its own
 * request, even while a normal batch is in flight; the normal lane takes a page of due items, waits up to
 * `lingerMs` to fill a batch, and sends it. Each transaction's ULID is its idempotency key, and per-item
 * outcomes are recorded. Failures back off (full jitter,
 * capped, Retry-After honoured) behind a circuit breaker. All state lives in sqlite, so a restart resumes.
 */
export class Uploader {
  /** acknowledged / rejected / state events. */
  readonly events = new TypedEmitter<UploaderEvents>();
  private readonly outbox: OutboxRepository;
  private readonly clock: SyncClock;
  private readonly random: () => number;
  private readonly policy: RetryPolicy;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly urgentRetryCapMs: number;
  private schedule: RetrySchedule;
  private status: PersistedStatus = {
    lastError: null,
    lastSuccessAt: null,
    failures: 0,
    retryAt: 0,
    serverPausedUntil: 0,
  };
  private timer: unknown = undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** One pump per lane, so an urgent report never waits behind a normal batch in flight. */
  // Stryker disable ObjectLiteral,BooleanLiteral: equivalent starting values — an empty lane reads as idle, and an
  // `again` left set only makes the first pump look once more and find nothing new.
  private readonly lanes: Record<'urgent' | 'normal', { running: Promise<void> | null; again: boolean }> = {
    urgent: { running: null, again: false },
    normal: { running: null, again: false },
  };
  // Stryker restore ObjectLiteral,BooleanLiteral
  private started = false;
  private unsubscribe: (() => void) | null = null;
  private abort = new AbortController();
  private stateDirty: Promise<void> | null = null;
  // Stryker disable next-line BooleanLiteral: equivalent: set, it only recomputes the first state once more.
  private stateAgain = false;
  private lastState: SyncState | null = null;

  constructor(private readonly options: UploaderOptions) {
    this.outbox = new OutboxRepository(options.store);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.batchSize = Math.min(500, Math.max(1, options.batchSize ?? 50));
    this.lingerMs = Math.max(0, options.lingerMs ?? 2000);
    this.urgentRetryCapMs = Math.max(
      this.policy.minMs,
      options.urgentRetryCapMs ?? DEFAULT_URGENT_RETRY_CAP_MS,
    );
    this.schedule = new RetrySchedule(this.policy, this.random);
  }

  /** Loads the persisted backoff, subscribes to completions and starts pumping. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.abort = new AbortController();
    this.status = await readPersistedSyncStatus(this.options.store);
    if (this.options.resetBackoff) {
      this.status = { ...this.status, failures: 0, retryAt: 0, serverPausedUntil: 0 };
      await this.outbox.makeAllDue(this.clock.now());
    }
    this.schedule = new RetrySchedule(this.policy, this.random, this.status);
    this.unsubscribe = this.options.transactions.events.on('completed', () => {
      this.kick();
      this.refreshState();
    });
    this.kick();
    this.refreshState();
  }

  /** Stops timers and waits for the request in flight (aborting it). */
  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clearTimer();
    this.abort.abort();
    await Promise.all([this.lanes.urgent.running, this.lanes.normal.running]);
    await this.stateDirty;
  }

  /** Asks for a pump now (e.g. the network came back); cheap to call often. */
  kick(): void {
    this.kickLane('urgent');
    this.kickLane('normal');
  }

  private kickLane(name: 'urgent' | 'normal'): void {
    // Stryker disable next-line ConditionalExpression: a shortcut: the pump loop itself runs only while started.
    if (!this.started) return;
    const lane = this.lanes[name];
    if (lane.running) {
      lane.again = true;
      return;
    }
    lane.running = this.pumpLoop(name).finally(() => {
      lane.running = null;
      if (lane.again && this.started) {
        lane.again = false;
        this.kickLane(name);
      }
    });
  }

  /** The current sync state (computed from sqlite). */
  async state(): Promise<SyncState> {
    const base = await readSyncState(this.options.store, this.policy);
    return {
      ...base,
      lastError: this.status.lastError,
      lastSuccessAt: this.status.lastSuccessAt,
      circuit: this.schedule.circuit(this.clock.now()),
    };
  }

  /**
   * Resolves when the central API acknowledged `id`, or rejects if it refuses it (now or earlier: a conflict or
   * a rejection is final) or `signal` aborts.
   */
  waitForAcknowledgement(id: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const offs: (() => void)[] = [];
      const done = (error?: Error): void => {
        for (const off of offs) off();
        if (error) reject(error);
        else resolve();
      };
      offs.push(this.events.on('acknowledged', (e) => e.id === id && done()));
      offs.push(
        this.events.on(
          'rejected',
          (e) => e.id === id && done(new Error(`transaction ${e.number} was rejected: ${e.reason}`)),
        ),
      );
      if (signal) {
        const onAbort = (): void => done(new Error('aborted'));
        // Stryker disable next-line ObjectLiteral,BooleanLiteral,StringLiteral: equivalent: a signal aborts once.
        signal.addEventListener('abort', onAbort, { once: true });
        // Stryker disable next-line ArrowFunction,StringLiteral: equivalent: the wait is settled by then; removing
        // the listener only frees it sooner.
        offs.push(() => signal.removeEventListener('abort', onAbort));
      }
      // It may have been acknowledged, or refused for good, before we subscribed.
      this.options.store.db
        .get<{
          number: string;
          acked_at: number | null;
          rejected_at: number | null;
          last_error: string | null;
        }>(
          `SELECT t.number, o.acked_at, o.rejected_at, o.last_error
           FROM outbox o JOIN transactions t ON t.id = o.transaction_id WHERE o.transaction_id = ?`,
          [id],
        )
        // A store closing under the wait: the acknowledged/rejected events or the signal still end it.
        .then(
          (row) => {
            // Stryker disable next-line OptionalChaining: equivalent: for an unknown id `row.x` throws here, and the
            // rejection handler below ignores it, as the optional chain does.
            if (row?.acked_at != null) done();
            // Stryker disable next-line OptionalChaining: as above.
            else if (row?.rejected_at != null)
              done(new Error(`transaction ${row.number} was rejected: ${row.last_error ?? 'rejected'}`));
          },
          () => undefined,
        );
    });
  }

  /**
   * Waits until nothing is pending (rejected items do not count), kicking the pump; rejects with the last
   * error if `timeoutMs` passes first or `signal` aborts. Start the uploader first.
   */
  async drain(timeoutMs: number, signal?: AbortSignal): Promise<SyncState> {
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      const state = await this.state();
      if (state.pending === 0) return state;
      if (signal?.aborted) throw new Error(`interrupted with ${state.pending} pending`);
      if (this.clock.now() >= deadline) {
        throw new Error(
          `central API not reached in time: ${state.pending} pending` +
            (state.lastError ? `; last error: ${state.lastError}` : ''),
        );
      }
      this.kick();
      await new Promise<void>((resolve) => {
        let timer: unknown = undefined;
        let off = (): void => undefined;
        const finish = (): void => {
          off();
          this.clock.clearTimeout(timer);
          signal?.removeEventListener('abort', finish);
          resolve();
        };
        off = this.events.on('state', finish);
        // Stryker disable next-line MethodExpression,ArithmeticOperator: equivalent: the wait also ends at every
        // state change, and the loop checks the deadline itself; this only sets how often it looks.
        timer = this.clock.setTimeout(finish, Math.min(250, Math.max(1, deadline - this.clock.now())));
        signal?.addEventListener('abort', finish, { once: true });
      });
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private wakeAt(at: number): void {
    if (!this.started) return;
    if (this.timer !== undefined && this.timerAt <= at) return;
    // Stryker disable next-line CallExpression: equivalent: a later timer left behind only wakes a pump that finds
    // nothing due.
    this.clearTimer();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.kick();
    }, at - this.clock.now());
  }

  private async pumpLoop(lane: 'urgent' | 'normal'): Promise<void> {
    try {
      while (this.started) {
        const sent = lane === 'urgent' ? await this.pumpUrgent() : await this.pumpNormal();
        if (!sent) break;
      }
    } catch (error) {
      // A store failure (disk full...) must not kill the uploader: record it and retry later.
      const message = error instanceof Error ? error.message : String(error);
      this.status = { ...this.status, lastError: `local: ${message}` };
      this.wakeAt(this.clock.now() + this.policy.capMs);
      this.refreshState();
    }
  }

  /** Sleeps until the next item is due, if any. */
  private async wakeWhenDue(now: number): Promise<void> {
    const next = await this.outbox.nextDueAt();
    if (next !== null) this.wakeAt(Math.max(next, now + 1));
  }

  /**
   * The urgent lane: no linger; a due urgent item may probe an open circuit (a missing-person report is worth
   * one extra request every {@link UploaderOptions.urgentRetryCapMs} at most), but not a server-requested
   * Retry-After pause, and not while another probe is out.
   */
  private async pumpUrgent(): Promise<boolean> {
    const now = this.clock.now();
    const urgent = await this.outbox.due('urgent', now, this.batchSize);
    if (urgent.length === 0) {
      await this.wakeWhenDue(now);
      return false;
    }
    if (this.schedule.canAttempt(now) || this.schedule.canAttemptUrgent(now)) {
      await this.send(urgent);
      return true;
    }
    // Held back by the server's own pause, or by a probe in flight (its answer kicks no lane, so look again).
    const paused = this.schedule.snapshot().serverPausedUntil;
    this.wakeAt(paused > now ? paused : now + 250);
    return false;
  }

  /** The normal lane: one decision, send one batch (true) or schedule the next wake-up (false). */
  private async pumpNormal(): Promise<boolean> {
    const now = this.clock.now();
    if (!this.schedule.canAttempt(now)) {
      this.wakeAt(this.schedule.nextAttemptAt());
      return false;
    }
    const normal = await this.outbox.due('normal', now, this.batchSize);
    if (normal.length === 0) {
      await this.wakeWhenDue(now);
      return false;
    }
    if (normal.length < this.batchSize && this.lingerMs > 0) {
      const oldest = Math.min(...normal.map((n) => n.enqueued_at));
      if (now < oldest + this.lingerMs) {
        this.wakeAt(oldest + this.lingerMs);
        return false;
      }
    }
    await this.send(normal);
    return true;
  }

  private async send(rows: readonly OutboxItem[]): Promise<void> {
    const now = this.clock.now();
    const items: BatchItem[] = [];
    const sent: OutboxItem[] = [];
    for (const row of rows) {
      try {
        items.push({
          idempotencyKey: row.idempotency_key,
          transaction: this.options.transactions.payloadFromRow(row, this.options.kioskId),
        });
        sent.push(row);
      } catch (error) {
        // A record that cannot be unsealed or no longer matches the contract can never be sent; it is
        // flagged for a person rather than blocking the queue forever.
        const reason = `local: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        await this.outbox.markRejected(row.id, reason, now);
        this.events.emit('rejected', { id: row.id, number: row.number, reason });
      }
    }
    if (items.length === 0) return;
    this.schedule.onAttempt(now);
    const result = await this.options.client.uploadBatch(items, this.abort.signal);
    const after = this.clock.now();
    if (!result.ok) {
      if (result.error.code === 'aborted') return;
      const retryAt = this.schedule.onFailure(
        after,
        result.error.retryAfterMs !== undefined ? { retryAfterMs: result.error.retryAfterMs } : {},
      );
      const message = describeError(result.error);
      const urgentLane = sent.every((s) => s.lane === 'urgent');
      // Urgent items come back within urgentRetryCapMs (jittered), however long the normal lane must wait.
      const urgentRetryAt = Math.max(
        this.schedule.snapshot().serverPausedUntil,
        after +
          fullJitterDelay(
            this.schedule.consecutiveFailures(),
            { ...this.policy, capMs: this.urgentRetryCapMs },
            this.random,
          ),
      );
      await this.outbox.markFailed(
        sent.map((s) => s.id),
        message,
        urgentLane ? Math.min(retryAt, urgentRetryAt) : retryAt,
      );
      await this.persistStatus({ lastError: message });
      this.events.emit('attempt-failed', {
        items: sent.map((s) => ({ id: s.id, number: s.number })),
        urgent: urgentLane,
        error: result.error.code,
      });
      this.refreshState();
      return;
    }
    this.schedule.onSuccess();
    const acked: OutboxItem[] = [];
    for (const r of result.value.results) {
      const row = sent[r.index];
      if (!row || r.idempotencyKey !== row.idempotency_key) continue;
      if (r.status === 'stored' || r.status === 'duplicate') {
        acked.push(row);
      } else if (r.status === 'conflict') {
        // The central API holds another payload under this id: resending cannot fix that, and counting it as
        // delivered would hide that the citizen's record differs. It stays local, flagged, for a person.
        const reason = `${CONFLICT_REASON_PREFIX}${r.error?.message ?? 'the central API holds a different payload under this id'}`;
        await this.outbox.markRejected(row.id, reason, after);
        await this.options.store.audit.append('sync.conflict', 'system', { transactionNumber: row.number });
        this.options.log?.error('sync.conflict', {
          transactionNumber: row.number,
          code: r.error?.code ?? null,
        });
        this.events.emit('rejected', { id: row.id, number: row.number, reason });
      } else {
        const reason = r.error ? `${r.error.code}: ${r.error.message}` : 'rejected';
        await this.outbox.markRejected(row.id, reason, after);
        this.options.log?.warn('sync.rejected', {
          transactionNumber: row.number,
          code: r.error?.code ?? null,
        });
        this.events.emit('rejected', { id: row.id, number: row.number, reason });
      }
    }
    await this.outbox.markAcknowledged(
      acked.map((a) => a.id),
      after,
    );
    await this.persistStatus({ lastError: null, lastSuccessAt: after });
    for (const a of acked)
      this.events.emit('acknowledged', { id: a.id, number: a.number, urgent: a.urgent === 1 });
    this.refreshState();
  }

  private async persistStatus(change: Partial<PersistedStatus>): Promise<void> {
    this.status = { ...this.status, ...change, ...this.schedule.snapshot() };
    await this.options.store.settings.set(SYNC_STATUS_SETTING, this.status);
  }

  /** Recomputes the state and emits it if it changed; coalesces bursts into one query. */
  private refreshState(): void {
    if (this.stateDirty) {
      this.stateAgain = true;
      return;
    }
    this.stateDirty = (async () => {
      try {
        const next = await this.state();
        const prev = this.lastState;
        this.lastState = next;
        if (
          !prev ||
          JSON.stringify({ ...prev, oldestPendingAgeMs: 0 }) !==
            JSON.stringify({ ...next, oldestPendingAgeMs: 0 })
        ) {
          this.events.emit('state', next);
        }
      } catch {
        // The store is closing or failing; the next change will try again.
      }
    })().finally(() => {
      this.stateDirty = null;
      if (this.stateAgain) {
        this.stateAgain = false;
        this.refreshState();
      }
    });
  }
}
