import { isIPv4, isIPv6 } from 'node:net';

/**
 * Token buckets for the central server's look-ups: one bucket per kiosk token for the JSON progress and mailbox
 * look-ups, one per client address for the citizens' progress page and receipt PDF. A bucket holds `burst`
 * tokens and refills at `perMinute`; a request takes one token, and an empty bucket answers 429 with
 * Retry-After (whole seconds until a token is back).
 */

/** One limit: how many requests at once, and how many per minute in the long run. */
export interface RateLimit {
  readonly burst: number;
  readonly perMinute: number;
}

/** Token-bucket limits of the central server's look-up endpoints. */
export interface CentralRateLimits {
  /** Per kiosk token: GET /v1/transactions/{number}/progress and GET /v1/mailbox/{trackingNumber}. */
  readonly kioskLookups: RateLimit;
  /** Per client address (IPv6 by /64): the citizens' progress page and receipt PDF. */
  readonly progressPage: RateLimit;
  /** A monotonic clock in ms (tests); default performance.now. */
  readonly clock?: () => number;
}

/** Defaults: generous for real use (a kiosk looks up one citizen's status at a time; a phone reloads a page). */
export const DEFAULT_RATE_LIMITS: CentralRateLimits = {
  kioskLookups: { burst: 60, perMinute: 120 },
  progressPage: { burst: 60, perMinute: 60 },
};

/** The outcome of taking a token. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** A set of buckets keyed by caller. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket. */
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Most buckets kept; the least recently used are dropped first (a dropped bucket starts full again). */
export const DEFAULT_MAX_BUCKETS = 50_000;

/** Checks a limit (a configuration boundary: a zero or negative rate would block everything forever). */
export function validRateLimit(limit: RateLimit): RateLimit {
  if (!Number.isFinite(limit.burst) || limit.burst < 1)
    throw new RangeError('a rate limit burst must be at least 1');
  if (!Number.isFinite(limit.perMinute) || limit.perMinute <= 0)
    throw new RangeError('a rate limit must allow more than 0 requests per minute');
  return limit;
}

/** Creates token buckets for `limit`; `now` is a monotonic clock in ms. */
export function createRateLimiter(
  limit: RateLimit,
  now: () => number,
  maxBuckets: number = DEFAULT_MAX_BUCKETS,
): RateLimiter {
  const { burst, perMinute } = validRateLimit(limit);
  const perMs = perMinute / 60_000;
  // A Map iterates in insertion order: deleting and re-inserting on use keeps the least recently used first.
  const buckets = new Map<string, Bucket>();
  return {
    take(key) {
      const at = now();
      const previous = buckets.get(key);
      const bucket: Bucket = previous
        ? { tokens: Math.min(burst, previous.tokens + Math.max(0, at - previous.at) * perMs), at }
        : { tokens: burst, at };
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxBuckets) {
        const oldest = buckets.keys().next();
        if (!oldest.done) buckets.delete(oldest.value);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}

/**
 * The bucket key of a client address: an IPv4 address as is (IPv4-mapped IPv6 included), an IPv6 address by
 * its /64 prefix, since one subscriber usually holds a whole /64.
 */
export function clientAddressKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]?.split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
