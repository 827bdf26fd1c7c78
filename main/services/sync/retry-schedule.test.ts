import { describe, expect, it } from 'vitest';
import { RetrySchedule, defaultRetryPolicy, fullJitterDelay, type RetryPolicy } from './retry-schedule.js';

const policy: RetryPolicy = {
  baseMs: 1000,
  capMs: 60_000,
  minMs: 100,
  failureThreshold: 3,
  retryAfterSpread: 0.5,
};

describe('fullJitterDelay', () => {
  it('draws uniformly under an exponentially growing, capped ceiling, floored at minMs', () => {
    expect(fullJitterDelay(0, policy, () => 0.5)).toBe(0);
    expect(fullJitterDelay(1, policy, () => 0.999999)).toBe(999);
    expect(fullJitterDelay(3, policy, () => 0.999999)).toBe(3999);
    expect(fullJitterDelay(10, policy, () => 0.999999)).toBe(59_999);
    expect(fullJitterDelay(5000, policy, () => 0.999999)).toBe(59_999);
    expect(fullJitterDelay(4, policy, () => 0)).toBe(100);
    expect(fullJitterDelay(4, policy, () => 0.5)).toBe(4000);
  });
});

describe('RetrySchedule', () => {
  it('goes closed → open → half-open → closed', () => {
    const s = new RetrySchedule(policy, () => 0.5);
    expect(s.circuit(0)).toBe('closed');
    s.onFailure(0);
    s.onFailure(0);
    expect(s.circuit(0)).toBe('closed');
    const retryAt = s.onFailure(0);
    expect(retryAt).toBe(2000);
    expect(s.circuit(1999)).toBe('open');
    expect(s.canAttempt(1999)).toBe(false);
    expect(s.circuit(2000)).toBe('half-open');
    expect(s.canAttempt(2000)).toBe(true);
    s.onAttempt(2000);
    expect(s.canAttempt(2000)).toBe(false);
    s.onSuccess();
    expect(s.circuit(2000)).toBe('closed');
    expect(s.canAttempt(2000)).toBe(true);
  });

  it('a failed probe re-opens with a longer ceiling', () => {
    const s = new RetrySchedule(policy, () => 0.999);
    for (let i = 0; i < 3; i++) s.onFailure(0);
    const first = s.nextAttemptAt();
    s.onAttempt(first);
    const second = s.onFailure(first);
    expect(second - first).toBeGreaterThan(first);
    expect(s.circuit(first + 1)).toBe('open');
  });

  it('never retries before Retry-After, and spreads after it', () => {
    const draws = [0.1, 0.0, 0.1, 0.99];
    const s = new RetrySchedule(policy, () => draws.shift() ?? 0);
    expect(s.onFailure(1000, { retryAfterMs: 30_000 })).toBe(1000 + 30_000);
    expect(s.canAttemptUrgent(30_999)).toBe(false);
    expect(s.canAttemptUrgent(31_000)).toBe(true);
    // A success (of a request that was already out) does not cancel the server's pause.
    s.onSuccess();
    expect(s.canAttempt(30_000)).toBe(false);
    expect(s.canAttempt(31_000)).toBe(true);
    const later = s.onFailure(50_000, { retryAfterMs: 30_000 });
    expect(later).toBeGreaterThanOrEqual(80_000);
    expect(later).toBeLessThanOrEqual(50_000 + 45_000);
  });

  it('restores from a snapshot', () => {
    const s = new RetrySchedule(defaultRetryPolicy, () => 0.5);
    for (let i = 0; i < 4; i++) s.onFailure(10);
    const restored = new RetrySchedule(defaultRetryPolicy, () => 0.5, s.snapshot());
    expect(restored.circuit(11)).toBe('open');
    expect(restored.nextAttemptAt()).toBe(s.nextAttemptAt());
    expect(restored.consecutiveFailures()).toBe(4);
  });
});
