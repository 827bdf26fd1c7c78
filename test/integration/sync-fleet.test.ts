import { describe, expect, it } from 'vitest';
import {
  RetrySchedule,
  defaultRetryPolicy,
  type RetryPolicy,
} from '../../main/services/sync/retry-schedule.js';
import { seededRandom } from '../../main/services/transactions/fictional.js';

/**
 * 500 kiosks behind one central API that is down for two hours, in simulated time, using the uploader's
 * real retry policy (RetrySchedule: full-jitter backoff, cap, circuit breaker, Retry-After). After
 * recovery the server accepts `capacity` requests per second and answers 429 + Retry-After beyond that.
 */
interface FleetResult {
  /** Requests per second after recovery, at the busiest second. */
  readonly peakPerSecond: number;
  /** Mean attempts per kiosk during the outage. */
  readonly outageAttemptsPerKiosk: number;
  /** When the last kiosk's backlog drained, in ms after recovery (Infinity if one never did). */
  readonly lastDrainAfterRecoveryMs: number;
  readonly delivered: number;
  readonly backlog: number;
}

function simulateFleet(options: {
  kiosks: number;
  outageMs: number;
  capacity: number;
  policy: RetryPolicy;
  jitter: boolean;
  seed: number;
}): FleetResult {
  const BATCH = 50;
  const LATENCY = 100;
  const RETRY_AFTER_MS = 5000;
  const rng = seededRandom(options.seed);
  const recoveryAt = options.outageMs;
  const kiosks = Array.from({ length: options.kiosks }, (_, i) => {
    const own = seededRandom(options.seed * 1000 + i);
    const random = options.jitter ? own : (): number => 0.999999;
    return {
      backlog: 20 + Math.floor(rng() * 180),
      schedule: new RetrySchedule(options.policy, random),
      // The outage begins while kiosks are working: their first failures are spread over a minute.
      nextAt: options.jitter ? Math.floor(rng() * 60_000) : 0,
      drainedAt: Number.POSITIVE_INFINITY,
    };
  });
  const total = kiosks.reduce((sum, k) => sum + k.backlog, 0);
  const perSecond = new Map<number, number>();
  const accepted = new Map<number, number>();
  let outageAttempts = 0;
  let delivered = 0;
  const horizon = recoveryAt + 6 * 3_600_000;
  for (;;) {
    let k = kiosks[0];
    for (const c of kiosks) if (k === undefined || c.nextAt < k.nextAt) k = c;
    if (!k || !Number.isFinite(k.nextAt) || k.nextAt > horizon) break;
    const t = k.nextAt;
    if (!k.schedule.canAttempt(t)) {
      k.nextAt = k.schedule.nextAttemptAt();
      continue;
    }
    k.schedule.onAttempt(t);
    if (t < recoveryAt) {
      outageAttempts += 1;
      k.nextAt = k.schedule.onFailure(t + LATENCY);
      continue;
    }
    const second = Math.floor(t / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    const used = accepted.get(second) ?? 0;
    if (used >= options.capacity) {
      k.nextAt = k.schedule.onFailure(t + LATENCY, { retryAfterMs: RETRY_AFTER_MS });
      continue;
    }
    accepted.set(second, used + 1);
    const sent = Math.min(BATCH, k.backlog);
    k.backlog -= sent;
    delivered += sent;
    k.schedule.onSuccess();
    if (k.backlog > 0) k.nextAt = t + LATENCY;
    else {
      k.nextAt = Number.POSITIVE_INFINITY;
      k.drainedAt = t + LATENCY;
    }
  }
  return {
    peakPerSecond: Math.max(0, ...perSecond.values()),
    outageAttemptsPerKiosk: outageAttempts / options.kiosks,
    lastDrainAfterRecoveryMs: Math.max(...kiosks.map((k) => k.drainedAt)) - recoveryAt,
    delivered,
    backlog: total,
  };
}

describe('a fleet of 500 kiosks after a two-hour outage (simulated time)', () => {
  const base = { kiosks: 500, outageMs: 2 * 3_600_000, capacity: 100, policy: defaultRetryPolicy, seed: 42 };

  it('retries stay spread out after recovery, and every backlog drains', () => {
    const result = simulateFleet({ ...base, jitter: true });
    expect(result.delivered).toBe(result.backlog);
    // Full jitter under a 5-minute cap spreads 500 kiosks' first probes over ~300 s: a handful per second,
    // each then draining a few batches. Bound: 10 % of the fleet in any one second.
    expect(result.peakPerSecond).toBeLessThanOrEqual(50);
    // Everyone is through within the cap plus a few minutes.
    expect(result.lastDrainAfterRecoveryMs).toBeLessThanOrEqual(defaultRetryPolicy.capMs + 5 * 60_000);
    // During the outage the backoff and breaker keep each kiosk to a few dozen attempts in two hours
    // (the cap allows at most one per 5 minutes on average once it is reached: ≈ 2 h / 150 s + ramp-up).
    expect(result.outageAttemptsPerKiosk).toBeLessThan(80);
  });

  it('the bound is meaningful: without jitter the same fleet returns in one thundering herd', () => {
    const result = simulateFleet({ ...base, jitter: false });
    expect(result.peakPerSecond).toBeGreaterThan(400);
  });
});
