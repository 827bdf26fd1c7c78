import { describe, expect, it } from 'vitest';
import { clientAddressKey, createRateLimiter, validRateLimit } from './rate-limit.js';

describe('token bucket rate limiter', () => {
  it('admits a burst, refuses with Retry-After, and refills at the configured rate', () => {
    let now = 0;
    const limiter = createRateLimiter({ burst: 3, perMinute: 6 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    // 6 a minute: one token every 10 s.
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 10 });
    now += 4_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 6 });
    // Another caller has its own bucket.
    expect(limiter.take('b')).toEqual({ ok: true });
    now += 6_000;
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a').ok).toBe(false);
    // Refilling stops at the burst.
    now += 3_600_000;
    for (let i = 0; i < 3; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('keeps a bounded number of buckets, dropping the least recently used', () => {
    const limiter = createRateLimiter({ burst: 1, perMinute: 1 }, () => 0, 2);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('c').ok).toBe(true); // drops b, the least recently used
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(true);
  });

  it('refuses limits that would block everything', () => {
    expect(() => validRateLimit({ burst: 0, perMinute: 10 })).toThrow(RangeError);
    expect(() => validRateLimit({ burst: 5, perMinute: 0 })).toThrow(RangeError);
    expect(() => validRateLimit({ burst: Number.NaN, perMinute: 1 })).toThrow(RangeError);
    expect(validRateLimit({ burst: 1, perMinute: 1 })).toEqual({ burst: 1, perMinute: 1 });
  });
});

describe('client address key', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(clientAddressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey(undefined)).toBe('unknown');
  });
});
