/**
 * The uploader's retry policy, pure and clock-free so that a fleet of kiosks can be simulated: exponential
 * backoff with full jitter (capped), `Retry-After` honoured (plus jitter so a fleet told "30 s" does not
 * return in the same second), and a circuit breaker that stops hammering a central API that is down.
 */

/** Backoff and breaker settings. */
export interface RetryPolicy {
  /** The first retry's upper bound. */
  readonly baseMs: number;
  /** The largest upper bound, however many failures. */
  readonly capMs: number;
  /** The smallest delay, so a jitter draw near zero does not spin. */
  readonly minMs: number;
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** Extra spread added after a `Retry-After`, as a fraction of it (0.5 → up to +50 %). */
  readonly retryAfterSpread: number;
}

/** Sensible production defaults: 1 s first retry, 5 min cap, open after 3 failures. */
export const defaultRetryPolicy: RetryPolicy = {
  baseMs: 1000,
  capMs: 5 * 60 * 1000,
  minMs: 100,
  failureThreshold: 3,
  retryAfterSpread: 0.5,
};

/** The circuit breaker's state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * "Full jitter" (uniform in [0, min(cap, base · 2^(n-1))]), floored at `minMs`: it spreads a fleet's retries
 * the most for the least total delay.
 */
export function fullJitterDelay(failures: number, policy: RetryPolicy, random: () => number): number {
  if (failures <= 0) return 0;
  // 2^(n-1) overflows to Infinity for large n, which min() then caps.
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 60));
  return Math.max(policy.minMs, Math.floor(random() * ceiling));
}

/** What a failure tells the schedule. */
export interface FailureInfo {
  /** The server's `Retry-After`, in ms, if any (429 / 503). */
  readonly retryAfterMs?: number;
}

/** The persisted part of a schedule, so a restart resumes the backoff instead of retrying at once. */
export interface RetryScheduleSnapshot {
  readonly failures: number;
  readonly retryAt: number;
  readonly serverPausedUntil: number;
}

/**
 * One uploader's retry state. `canAttempt(now)` says whether to send now; `onSuccess`/`onFailure` update it.
 * Circuit: closed (below the threshold: retry after the jittered delay), open (at or over it: wait until
 * `retryAt`), half-open (the wait is over: one probe is allowed; success closes, failure re-opens with a
 * longer delay).
 */
export class RetrySchedule {
  private failures = 0;
  private retryAt = 0;
  private serverPausedUntil = 0;
  private probeInFlight = false;

  constructor(
    private readonly policy: RetryPolicy = defaultRetryPolicy,
    private readonly random: () => number = Math.random,
    snapshot?: RetryScheduleSnapshot,
  ) {
    if (snapshot) {
      this.failures = snapshot.failures;
      this.retryAt = snapshot.retryAt;
      this.serverPausedUntil = snapshot.serverPausedUntil;
    }
  }

  /** The breaker state at `now`. */
  circuit(now: number): CircuitState {
    if (this.failures < this.policy.failureThreshold) return 'closed';
    return now < this.retryAt ? 'open' : 'half-open';
  }

  /** Whether a request may start at `now` (in half-open, only one probe at a time). */
  canAttempt(now: number): boolean {
    if (now < this.retryAt || now < this.serverPausedUntil) return false;
    if (this.circuit(now) === 'half-open' && this.probeInFlight) return false;
    return true;
  }

  /**
   * Whether an urgent item may jump the backoff: yes unless the server itself asked us to wait
   * (Retry-After) or a probe is already out. Used for missing-person reports.
   */
  canAttemptUrgent(now: number): boolean {
    return now >= this.serverPausedUntil && !this.probeInFlight;
  }

  /** Call when a request starts. */
  onAttempt(now: number): void {
    if (this.circuit(now) !== 'closed') this.probeInFlight = true;
  }

  /** The time before which nothing but an urgent probe is sent. */
  nextAttemptAt(): number {
    return Math.max(this.retryAt, this.serverPausedUntil);
  }

  /** Consecutive failures so far. */
  consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * A request succeeded: close the circuit. A server-requested pause (Retry-After) still runs out by time:
   * the success may come from a request that started before the server said "wait".
   */
  onSuccess(): void {
    this.failures = 0;
    this.retryAt = 0;
    this.probeInFlight = false;
  }

  /** A request failed at `now`; returns when the next attempt may start. */
  onFailure(now: number, info: FailureInfo = {}): number {
    this.failures += 1;
    this.probeInFlight = false;
    let delay = fullJitterDelay(this.failures, this.policy, this.random);
    if (info.retryAfterMs !== undefined && info.retryAfterMs >= 0) {
      // Never earlier than the server asked; spread after it so a fleet told the same value does not sync up.
      const spread = Math.floor(this.random() * info.retryAfterMs * this.policy.retryAfterSpread);
      const asked = info.retryAfterMs + spread;
      this.serverPausedUntil = now + info.retryAfterMs;
      delay = Math.max(delay, asked);
    }
    this.retryAt = now + delay;
    return this.retryAt;
  }

  /** The state to persist. */
  snapshot(): RetryScheduleSnapshot {
    return { failures: this.failures, retryAt: this.retryAt, serverPausedUntil: this.serverPausedUntil };
  }
}
