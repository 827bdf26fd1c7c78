import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.js';

describe('RestartPolicy', () => {
  it('restarts at once within the burst, then backs off exponentially up to the cap', () => {
    let now = 0;
    const policy = new RestartPolicy({
      burst: 2,
      windowMs: 10_000,
      baseDelayMs: 100,
      maxDelayMs: 350,
      now: () => now,
    });
    expect([
      policy.nextDelay(),
      policy.nextDelay(),
      policy.nextDelay(),
      policy.nextDelay(),
      policy.nextDelay(),
    ]).toEqual([0, 0, 100, 200, 350]);
    now = 20_000; // the window has passed: the burst is available again
    expect(policy.nextDelay()).toBe(0);
  });

  it('forgets on reset', () => {
    const policy = new RestartPolicy({
      burst: 1,
      windowMs: 10_000,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      now: () => 5,
    });
    expect(policy.nextDelay()).toBe(0);
    expect(policy.nextDelay()).toBe(100);
    policy.reset();
    expect(policy.nextDelay()).toBe(0);
  });
});
