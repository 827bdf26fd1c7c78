import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultDecision } from '../faults.js';
import { HttpError } from '../http-json.js';
import { createRateLimiter } from '../rate-limit.js';
import { createApiHandler, makeAuthenticator } from './handler.js';
import { listenCentral, type CentralHttp } from './http.js';
import type { Route } from './route.js';

/**
 * The API handler and the HTTP server on a route table given by the test: no store, no central server. Each case
 * sends a real request and reads the status, headers and body the handler chose.
 */
const KIOSK = 'Bearer kiosk-token';
const ADMIN = 'Bearer admin-token';

let http: CentralHttp | undefined;
afterEach(async () => {
  await http?.stop();
  http = undefined;
});

interface Setup {
  readonly routes: Route[];
  readonly fault?: FaultDecision['kind'];
  readonly lookupBurst?: number;
}

const page =
  (name: string) =>
  async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(name);
  };

async function serve({ routes, fault = 'none', lookupBurst = 5 }: Setup): Promise<string> {
  const handleRequest = createApiHandler({
    routes,
    authenticate: makeAuthenticator({ 'K-1': 'kiosk-token' }, 'admin-token'),
    injectFault: () => ({ kind: fault, retryAfterSeconds: 7, retryAfterAsDate: false }),
    kioskLookupLimiter: createRateLimiter({ burst: lookupBurst, perMinute: 1 }, () => 0),
    maxBodyBytes: 64,
    requestTimeoutMs: 5_000,
    now: () => 0,
  });
  http = await listenCentral({
    requestTimeoutMs: 5_000,
    progressPage: page('progress page'),
    consoleHandler: page('console'),
    handleRequest,
  });
  return http.url;
}

const echo: Route = {
  method: 'POST',
  pattern: /^\/v1\/echo$/,
  role: 'kiosk',
  async handle({ caller, body }) {
    return { status: 200, body: { caller, text: (await body()).toString('utf8') } };
  },
};
const lookup: Route = {
  method: 'GET',
  pattern: /^\/v1\/things\/([^/]+)$/,
  role: 'kiosk',
  lookup: true,
  async handle({ params }) {
    return { status: 200, raw: Buffer.from(`{"thing":"${params[0] ?? ''}"}`), headers: { etag: '"t"' } };
  },
};
const admin: Route = {
  method: 'GET',
  pattern: /^\/v1\/admin\/nothing$/,
  role: 'admin',
  async handle() {
    return { status: 204 };
  },
};
const broken: Route = {
  method: 'GET',
  pattern: /^\/v1\/broken$/,
  role: 'admin',
  async handle() {
    throw new Error('secret detail');
  },
};

describe('the central API handler over a given route table', () => {
  it('routes by path and method, authenticates by role and answers JSON, raw and empty bodies', async () => {
    const url = await serve({ routes: [echo, lookup, admin, broken] });
    const posted = await fetch(`${url}/v1/echo`, {
      method: 'POST',
      headers: { authorization: KIOSK, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ caller: { role: 'kiosk', kioskId: 'K-1' }, text: '{"a":1}' });

    const raw = await fetch(`${url}/v1/things/abc`, { headers: { authorization: KIOSK } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('etag')).toBe('"t"');
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await raw.text()).toBe('{"thing":"abc"}');

    const empty = await fetch(`${url}/v1/admin/nothing`, { headers: { authorization: ADMIN } });
    expect(empty.status).toBe(204);
  });

  it('answers 404, 405 (with Allow), 401 for the other role and 415 for a body that is not JSON', async () => {
    const url = await serve({ routes: [echo, admin] });
    const none = await fetch(`${url}/v1/nowhere`, { headers: { authorization: KIOSK } });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('no-route');

    const wrongMethod = await fetch(`${url}/v1/echo`, { headers: { authorization: KIOSK } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');

    const otherRole = await fetch(`${url}/v1/admin/nothing`, { headers: { authorization: KIOSK } });
    expect(otherRole.status).toBe(401);
    expect(otherRole.headers.get('www-authenticate')).toBe('Bearer');

    const text = await fetch(`${url}/v1/echo`, {
      method: 'POST',
      headers: { authorization: KIOSK, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);

    const tooLarge = await fetch(`${url}/v1/echo`, {
      method: 'POST',
      headers: { authorization: KIOSK, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(100) }),
    });
    expect(tooLarge.status).toBe(413);
  });

  it('rate-limits look-up routes per kiosk and only them', async () => {
    const url = await serve({ routes: [echo, lookup], lookupBurst: 2 });
    const get = (): Promise<Response> => fetch(`${url}/v1/things/x`, { headers: { authorization: KIOSK } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const post = await fetch(`${url}/v1/echo`, {
      method: 'POST',
      headers: { authorization: KIOSK, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(200);
  });

  it('injects faults on kiosk routes only, and a failing route answers 500 without its message', async () => {
    const url = await serve({ routes: [lookup, admin, broken], fault: '503' });
    const faulted = await fetch(`${url}/v1/things/x`, { headers: { authorization: KIOSK } });
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('7');
    expect((await fetch(`${url}/v1/admin/nothing`, { headers: { authorization: ADMIN } })).status).toBe(204);

    const failed = await fetch(`${url}/v1/broken`, { headers: { authorization: ADMIN } });
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('secret detail');
  });

  it('hands /progress/ and /console/ to their own handlers, never to the routes', async () => {
    const catchAll: Route = {
      method: 'GET',
      pattern: /.*/,
      role: 'kiosk',
      async handle() {
        throw new HttpError(418, 'teapot', 'the API answered');
      },
    };
    const url = await serve({ routes: [catchAll] });
    expect(await (await fetch(`${url}/progress/ABC`)).text()).toBe('progress page');
    expect(await (await fetch(`${url}/console/`)).text()).toBe('console');
    expect((await fetch(`${url}/v1/anything`, { headers: { authorization: KIOSK } })).status).toBe(418);
  });
});
