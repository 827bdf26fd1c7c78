/**
 * How often a crashed part (renderer, core) is restarted. A crash loop must not spin the CPU or flood the
 * log, but a kiosk must never give up for good either: past the burst budget it waits, with backoff.
 */

/** Options of RestartPolicy. */
export interface RestartPolicyOptions {
  /** Restarts allowed immediately within `windowMs`. */
  readonly burst: number;
  readonly windowMs: number;
  /** First delay once the burst is spent; doubles per further restart up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly now?: () => number;
}

/** Tracks recent restarts and says how long to wait before the next one. */
export class RestartPolicy {
  private readonly times: number[] = [];
  private readonly now: () => number;

  /** Creates a policy. */
  constructor(private readonly options: RestartPolicyOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Records a restart about to happen and returns the delay to wait first (0 while within the burst). */
  nextDelay(): number {
    const now = this.now();
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.options.windowMs) this.times.shift();
    this.times.push(now);
    const over = this.times.length - this.options.burst;
    if (over <= 0) return 0;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (over - 1));
  }

  /** Forgets the history (after a long healthy run). */
  reset(): void {
    this.times.length = 0;
  }
}
