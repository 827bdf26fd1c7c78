import { describe, expect, it } from 'vitest';
import { batchItemOf, sampleHeartbeat, sampleTransaction } from '../../../central/fixtures.js';
import {
  createCentralAdminClient,
  createCentralClient,
  isLoopbackHost,
  parseRetryAfter,
  type FetchLike,
} from './client.js';

const NOW = Date.parse('2026-11-29T08:00:00Z');

/** An injected fetch that records calls and answers with `respond`. */
function fakeFetch(respond: (url: string) => Response | Promise<Response>): {
  fetch: FetchLike;
  urls: string[];
} {
  const urls: string[] = [];
  return {
    urls,
    fetch: async (url) => {
      urls.push(url);
      return respond(url);
    },
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', NOW)).toBe(7_000);
  });

  it('reads HTTP-dates (IMF-fixdate and obsolete forms), never negative', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 08:01:30 GMT', NOW)).toBe(90_000);
    expect(parseRetryAfter('Sunday, 29-Nov-26 08:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 07:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores absent or garbage values', () => {
    for (const value of [null, undefined, '', '-5', '1.5', 'soon', '12abc', '99999999999999999999']) {
      expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
    }
  });
});

describe('isLoopbackHost', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost only', () => {
    for (const host of [
      '127.0.0.1',
      '127.9.8.7',
      'localhost',
      'LOCALHOST',
      '[::1]',
      '::1',
      '[::ffff:7f00:1]',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '10.0.0.1',
      '192.168.1.1',
      '128.0.0.1',
      'example.com',
      'localhost.example.com',
      '[::2]',
      '0.0.0.0',
      '127.0.0.1.example.com',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('createCentralClient policy and error mapping', () => {
  const base = { token: 't', kioskId: 'SZ-FT-0012', timeoutMs: 2_000 };

  it('refuses plain http to a non-loopback host without sending anything', async () => {
    for (const baseUrl of [
      'http://central.police.example',
      'http://10.1.2.3:8787',
      'ftp://127.0.0.1',
      'not a url',
    ]) {
      const fake = fakeFetch(() => json({}));
      const client = createCentralClient({ ...base, baseUrl, fetch: fake.fetch });
      const result = await client.heartbeat(sampleHeartbeat());
      expect(result.ok, baseUrl).toBe(false);
      if (!result.ok) expect(result.error.code, baseUrl).toBe('refused-insecure');
      const admin = createCentralAdminClient({ baseUrl, token: 'a', fetch: fake.fetch });
      expect((await admin.stats()).ok).toBe(false);
      expect(fake.urls).toEqual([]);
    }
  });

  it('allows https anywhere and http to loopback, keeping a base path prefix', async () => {
    const fake = fakeFetch(() => json({ serverTime: '2026-11-29T08:00:00.000Z', catalog: null }));
    for (const baseUrl of [
      'https://central.police.example/api/',
      'http://127.0.0.1:8787',
      'http://localhost:1',
      'http://[::1]:2',
    ]) {
      const result = await createCentralClient({ ...base, baseUrl, fetch: fake.fetch }).heartbeat(
        sampleHeartbeat(),
      );
      expect(result.ok, baseUrl).toBe(true);
    }
    expect(fake.urls).toEqual([
      'https://central.police.example/api/v1/heartbeat',
      'http://127.0.0.1:8787/v1/heartbeat',
      'http://localhost:1/v1/heartbeat',
      'http://[::1]:2/v1/heartbeat',
    ]);
  });

  it('maps a throwing fetch to a network error and never throws', async () => {
    const throwing: FetchLike = () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      });
    };
    const client = createCentralClient({ ...base, baseUrl: 'https://x.example', fetch: throwing });
    const result = await client.progress('JW-1');
    expect(result).toEqual({ ok: false, error: { code: 'network', message: 'fetch failed: ECONNREFUSED' } });
  });

  it('maps non-JSON and off-contract 2xx bodies to invalid-response', async () => {
    const cases: Response[] = [
      new Response('<html>hello</html>', { status: 200 }),
      json({ serverTime: 'yesterday', catalog: null }),
      json({ results: 'many' }),
    ];
    for (const response of cases) {
      const client = createCentralClient({
        ...base,
        baseUrl: 'https://x.example',
        fetch: async () => response,
      });
      const result = await client.heartbeat(sampleHeartbeat());
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid-response');
    }
  });

  it('checks that a batch answer has one result per item', async () => {
    const items = [
      batchItemOf(sampleTransaction('SZ-FT-0012')),
      batchItemOf(sampleTransaction('SZ-FT-0012')),
    ];
    const client = createCentralClient({
      ...base,
      baseUrl: 'https://x.example',
      fetch: async () =>
        json({ results: [{ index: 0, idempotencyKey: items[0]?.idempotencyKey, status: 'stored' }] }),
    });
    const result = await client.uploadBatch(items);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({ code: 'invalid-response', message: 'expected 2 results, got 1' });
  });

  it('maps HTTP errors with the server code and Retry-After in both forms', async () => {
    const now = (): number => NOW;
    const seconds = createCentralClient({
      ...base,
      now,
      baseUrl: 'https://x.example',
      fetch: async () =>
        json({ error: { code: 'rate-limited', message: 'slow down' } }, 429, { 'retry-after': '30' }),
    });
    expect(await seconds.uploadBatch([batchItemOf(sampleTransaction('SZ-FT-0012'))])).toEqual({
      ok: false,
      error: {
        code: 'http',
        status: 429,
        serverCode: 'rate-limited',
        retryAfterMs: 30_000,
        message: 'HTTP 429 rate-limited: slow down',
      },
    });
    const date = createCentralClient({
      ...base,
      now,
      baseUrl: 'https://x.example',
      fetch: async () =>
        new Response('<h1>busy</h1>', {
          status: 503,
          headers: { 'retry-after': 'Sun, 29 Nov 2026 08:02:00 GMT' },
        }),
    });
    expect(await date.fetchCatalog(null)).toEqual({
      ok: false,
      error: { code: 'http', status: 503, retryAfterMs: 120_000, message: 'HTTP 503' },
    });
  });

  it('treats only the server’s own not-found as an unknown reference', async () => {
    const known = createCentralClient({
      ...base,
      baseUrl: 'https://x.example',
      fetch: async () => json({ error: { code: 'not-found', message: 'no' } }, 404),
    });
    expect(await known.mailboxStatus('XX-1')).toEqual({ ok: true, value: null });
    const proxy = createCentralClient({
      ...base,
      baseUrl: 'https://x.example',
      fetch: async () => new Response('Not Found', { status: 404 }),
    });
    const result = await proxy.mailboxStatus('XX-1');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'http', status: 404 });
  });

  it('refuses response bodies over the size cap', async () => {
    const client = createCentralClient({
      ...base,
      baseUrl: 'https://x.example',
      maxResponseBytes: 100,
      fetch: async () => new Response('x'.repeat(1_000), { status: 200 }),
    });
    const result = await client.fetchCatalog(null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid-response');
  });

  it('reports a caller abort as aborted and a slow answer as timeout', async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true });
      });
    const slow = createCentralClient({
      ...base,
      timeoutMs: 50,
      baseUrl: 'https://x.example',
      fetch: hanging,
    });
    const timedOut = await slow.heartbeat(sampleHeartbeat());
    expect(timedOut.ok).toBe(false);
    if (!timedOut.ok) expect(timedOut.error.code).toBe('timeout');

    const deaf = createCentralClient({
      ...base,
      timeoutMs: 50,
      baseUrl: 'https://x.example',
      fetch: () => new Promise(() => {}),
    });
    const ignored = await deaf.progress('JW-1');
    expect(ignored.ok).toBe(false);
    if (!ignored.ok) expect(ignored.error.code).toBe('timeout');
    const endless = createCentralClient({
      ...base,
      timeoutMs: 50,
      baseUrl: 'https://x.example',
      fetch: async () =>
        new Response(new ReadableStream({ pull: () => new Promise(() => {}) }), { status: 200 }),
    });
    const stalled = await endless.fetchCatalog(null);
    expect(stalled.ok).toBe(false);
    if (!stalled.ok) expect(stalled.error.code).toBe('timeout');

    const patient = createCentralClient({
      ...base,
      timeoutMs: 60_000,
      baseUrl: 'https://x.example',
      fetch: hanging,
    });
    const controller = new AbortController();
    const pending = patient.heartbeat(sampleHeartbeat(), controller.signal);
    controller.abort();
    const aborted = await pending;
    expect(aborted.ok).toBe(false);
    if (!aborted.ok) expect(aborted.error.code).toBe('aborted');
    const already = await patient.progress('JW-1', controller.signal);
    expect(already.ok).toBe(false);
    if (!already.ok) expect(already.error.code).toBe('aborted');
  });
});
