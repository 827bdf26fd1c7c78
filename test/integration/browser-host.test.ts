import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RpcChannel } from '../../main/api/channel.js';
import { MAX_REQUEST_BYTES } from '../../main/api/protocol.js';
import {
  RPC_SUBPROTOCOL,
  startBrowserHost,
  type BrowserHost,
  type BrowserHostLimits,
} from '../../main/browser-host/server.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger, type Logger } from '../../main/core/log.js';

let core: KioskCore;
let host: BrowserHost;
let dataDir: string;
let staticDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'booth-host-'));
  staticDir = mkdtempSync(path.join(tmpdir(), 'booth-static-'));
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Smart Police Booth</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  core = await startKioskCore({ dataDir, mode: 'demonstration', host: 'browser', log: silentLogger });
  host = await startBrowserHost({ core, staticDir, port: 0, log: silentLogger });
});

afterAll(async () => {
  await host.close();
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

function connect(
  options: { token?: string; origin?: string | null; protocols?: string[]; to?: BrowserHost } = {},
): Promise<WebSocket> {
  const target = options.to ?? host;
  const protocols = options.protocols ?? [RPC_SUBPROTOCOL, `token.${options.token ?? target.token}`];
  const headers: Record<string, string> = {};
  const origin = options.origin === undefined ? target.origin : options.origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${target.port}/rpc`,
      protocols,
      origin === null ? { headers } : { origin, headers },
    );
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, text: string | Buffer, binary = false): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if ('event' in frame) return;
      ws.off('message', onMessage);
      resolve(frame);
    };
    ws.on('message', onMessage);
    ws.send(text, { binary });
  });
}

describe('browser host: HTTP', () => {
  it('serves the renderer with a strict CSP, only on loopback', async () => {
    const res = await fetch(`${host.origin}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Smart Police Booth');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses traversal, other methods and foreign Host headers', async () => {
    expect((await fetch(`${host.origin}/..%2f..%2fetc%2fpasswd`)).status).toBe(403);
    expect((await fetch(`${host.origin}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${host.origin}/`, { method: 'POST', body: 'x' })).status).toBe(405);
    const rebinding = await new Promise<number>((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port: host.port, path: '/', headers: { Host: 'evil.example:80' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.end();
    });
    expect(rebinding).toBe(421);
  });
});

describe('browser host: WebSocket RPC', () => {
  it('answers calls from the kiosk page with the token', async () => {
    const ws = await connect();
    const reply = await call(ws, JSON.stringify({ id: 1, method: 'kiosk.info' }));
    expect(reply).toMatchObject({ id: 1, ok: true, value: { host: 'browser', simulated: true } });
    ws.close();
  });

  it('refuses a missing or wrong token, a foreign or missing Origin, and a missing subprotocol', async () => {
    await expect(connect({ protocols: [RPC_SUBPROTOCOL] })).rejects.toThrow('HTTP 401');
    await expect(connect({ token: 'ab'.repeat(24) })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: `http://127.0.0.1:${host.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: null })).rejects.toThrow('HTTP 403');
    await expect(connect({ protocols: [`token.${host.token}`] })).rejects.toThrow('HTTP 401');
  });

  it('answers bad input with typed errors and keeps serving', async () => {
    const ws = await connect();
    expect(await call(ws, '{"id": 1, "method": ')).toMatchObject({
      id: null,
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await call(ws, JSON.stringify({ id: 2, method: 'no.such' }))).toMatchObject({
      id: 2,
      error: { code: 'unknown-method' },
    });
    expect(
      await call(ws, JSON.stringify({ id: 3, method: 'visit.start', params: { serviceIds: 'all' } })),
    ).toMatchObject({
      id: 3,
      error: { code: 'invalid-params' },
    });
    expect(
      await call(ws, JSON.stringify({ id: 4, method: 'sim.setPaper', params: { state: 42 } })),
    ).toMatchObject({
      error: { code: 'invalid-params' },
    });
    expect(await call(ws, Buffer.from([0xff, 0x00, 0x01]), true)).toMatchObject({
      error: { code: 'bad-request' },
    });
    const big = JSON.stringify({
      id: 5,
      method: 'sim.scan',
      params: { text: 'x'.repeat(MAX_REQUEST_BYTES) },
    });
    expect(await call(ws, big)).toMatchObject({ error: { code: 'too-large' } });
    // Still alive and answering.
    expect(await call(ws, JSON.stringify({ id: 6, method: 'visit.get' }))).toEqual({
      id: 6,
      ok: true,
      value: null,
    });
    ws.close();
  });

  it('closes the socket on a frame far beyond any request, and the core survives', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(8 * MAX_REQUEST_BYTES));
    expect(await closed).toBe(1009);
    const again = await connect();
    expect(await call(again, JSON.stringify({ id: 1, method: 'visit.get' }))).toEqual({
      id: 1,
      ok: true,
      value: null,
    });
    again.close();
  });
});

describe('browser host: hostile request lines and launch links', () => {
  function rawRequest(requestLine: string, extraHeaders = ''): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect(host.port, '127.0.0.1', () => {
        socket.write(
          `${requestLine}\r\nHost: 127.0.0.1:${host.port}\r\n${extraHeaders}Connection: close\r\n\r\n`,
        );
      });
      let data = '';
      socket.on('data', (d) => (data += d.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
  }

  it('answers malformed request targets with 400 and keeps serving', async () => {
    expect(await rawRequest('GET http://[ HTTP/1.1')).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await rawRequest(
        'GET http://[ HTTP/1.1',
        `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.alloc(16).toString('base64')}\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${host.origin}/`)).status).toBe(200);
  });

  it('a launch link redirects to the kiosk once, and only once', async () => {
    const launch = host.createLaunchUrl();
    const first = await fetch(launch, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/#token=${host.token}`);
    expect((await fetch(launch, { redirect: 'manual' })).status).toBe(410);
    expect((await fetch(`${host.origin}/launch/${'0'.repeat(32)}`, { redirect: 'manual' })).status).toBe(410);
  });
});

/** Resolves when `check` holds (polled), or rejects at the deadline. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Every frame a socket receives, parsed, from now on. */
function framesOf(ws: WebSocket): Record<string, unknown>[] {
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  return frames;
}

describe('browser host: one renderer session', () => {
  it('a second connection closes the first (4001), which receives nothing of the next visit', async () => {
    const first = await connect();
    const firstFrames = framesOf(first);
    const firstClosed = new Promise<{ code: number; reason: string }>((resolve) =>
      first.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(await call(first, JSON.stringify({ id: 1, method: 'visit.get' }))).toMatchObject({ ok: true });

    const second = await connect();
    const secondFrames = framesOf(second);
    expect(await within(firstClosed, 'the first socket to close')).toEqual({
      code: 4001,
      reason: 'replaced by another window',
    });

    // A visit with a card read: name, masked ID, address and photo go to the second window only.
    expect(
      await call(
        second,
        JSON.stringify({ id: 2, method: 'visit.start', params: { serviceIds: ['household-certificate'] } }),
      ),
    ).toMatchObject({ ok: true });
    expect(
      await call(second, JSON.stringify({ id: 3, method: 'sim.placeCard', params: { fixture: 'resident' } })),
    ).toMatchObject({ ok: true });
    const withIdentity = (f: Record<string, unknown>): boolean =>
      f.event === 'visit.changed' &&
      typeof f.payload === 'object' &&
      f.payload !== null &&
      'identity' in f.payload &&
      Boolean((f.payload as { identity: unknown }).identity);
    await until(() => secondFrames.some(withIdentity), 'the card read in the second window');
    expect(JSON.stringify(secondFrames)).toContain('张三');

    // The first was closed before any of it: it got the notice that it was replaced, and nothing of the visit.
    expect(firstFrames.some((f) => f.event === 'visit.changed')).toBe(false);
    expect(JSON.stringify(firstFrames)).not.toContain('张三');
    expect(firstFrames.filter((f) => 'event' in f).map((f) => f.event)).toEqual(['session.replaced']);

    expect(await call(second, JSON.stringify({ id: 4, method: 'visit.cancel' }))).toMatchObject({ ok: true });
    second.close();
  });
});

describe('browser host: limits', () => {
  /** A second host on the same core, with small limits, and the log lines it writes. */
  async function limitedHost(
    limits: Partial<BrowserHostLimits>,
    wrap?: (c: RpcChannel) => RpcChannel,
    onLog: (event: string) => void = () => undefined,
  ) {
    const events: string[] = [];
    const record = (event: string): void => {
      events.push(event);
      onLog(event);
    };
    const log: Logger = { info: record, warn: record, error: record };
    const limited = await startBrowserHost({
      core: { connect: (channel) => core.connect(wrap ? wrap(channel) : channel) },
      staticDir,
      port: 0,
      log,
      limits,
    });
    return { limited, events };
  }

  it('stops reading a socket whose answers pile up unread, and resumes once they are drained', async () => {
    let paused = false;
    let handledWhilePaused = 0;
    let handled = 0;
    // Counts the requests the core is handed, and whether any arrives while the host says it paused.
    const counting = (channel: RpcChannel): RpcChannel => ({
      ...channel,
      onMessage: (listener) =>
        channel.onMessage((text) => {
          handled += 1;
          if (paused) handledWhilePaused += 1;
          listener(text);
        }),
    });
    const { limited, events } = await limitedHost(
      { highWaterBytes: 256 * 1024, lowWaterBytes: 64 * 1024 },
      counting,
      (event) => {
        if (event === 'browser-host.send-buffer-paused') paused = true;
        if (event === 'browser-host.send-buffer-resumed') paused = false;
      },
    );
    try {
      const ws = await connect({ to: limited });
      // The client reads nothing: every catalog answer (~40 kB) stays in the buffers between the two.
      ws.pause();
      const requests = 20_000;
      for (let id = 1; id <= requests; id++) ws.send(JSON.stringify({ id, method: 'catalog.get' }));
      await until(() => events.includes('browser-host.send-buffer-paused'), 'the host to pause reading');
      expect(handled).toBeLessThan(requests);

      // Reading the answers drains the buffer; the host reads again and every request is answered.
      let answered = 0;
      ws.on('message', (data) => {
        // Answers only (events carry no id); parsing 20 000 catalogs would only slow the test down.
        if (String(data).startsWith('{"id":')) answered += 1;
      });
      ws.resume();
      await until(() => answered >= requests, 'every request to be answered', 60_000);
      expect(events).toContain('browser-host.send-buffer-resumed');
      expect(handled).toBe(requests);
      expect(handledWhilePaused).toBe(0);
      ws.close();
    } finally {
      await limited.close();
    }
  }, 90_000);

  it('caps simultaneous connections, unauthenticated upgrades still sending their headers included', async () => {
    const { limited } = await limitedHost({ maxConnections: 3 });
    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const socket = net.connect(limited.port, '127.0.0.1');
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('connect', resolve));
        // An upgrade request that never finishes its headers (and never shows a token).
        socket.write(`GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:${limited.port}\r\nUpgrade: websocket\r\n`);
        idle.push(socket);
      }
      await expect(fetch(`${limited.origin}/`)).rejects.toThrow();
      await expect(connect({ to: limited })).rejects.toThrow();
      for (const socket of idle) socket.destroy();
      // The slots come back once those clients are gone.
      const deadline = Date.now() + 10_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = await fetch(`${limited.origin}/`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe(200);
    } finally {
      for (const socket of idle) socket.destroy();
      await limited.close();
    }
  });
});

describe('browser host: shutdown', () => {
  it('closes at once although a browser still holds a connection open mid-request', async () => {
    const second = await startBrowserHost({ core, staticDir, port: 0, log: silentLogger });
    // A request whose headers never finish (a browser torn down mid-request, or a reconnect racing the
    // shutdown): not idle, so server.close() alone would wait for it.
    const socket = net.connect(second.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${second.port}\r\n`);
    socket.on('error', () => undefined);
    // The server has read the partial request before it is asked to close.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const closed = await Promise.race([
      second.close().then(() => 'closed' as const),
      new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 3_000)),
    ]);
    expect(closed, `close() took over ${Math.round(performance.now() - started)} ms`).toBe('closed');
    socket.destroy();
  });
});

describe('browser host: started before the core', () => {
  it('serves the page at once and answers requests sent while the core was starting, in order', async () => {
    let ready: (core: KioskCore) => void = () => undefined;
    const starting = new Promise<KioskCore>((resolve) => (ready = resolve));
    const early = await startBrowserHost({ core: starting, staticDir, port: 0, log: silentLogger });
    try {
      // Chromium can load the page while the core still opens its store and devices.
      const page = await fetch(`${early.origin}/`);
      expect(page.status).toBe(200);
      const ws = await connect({ to: early });
      const replies: Record<string, unknown>[] = [];
      ws.on('message', (data: WebSocket.RawData) => {
        const frame = JSON.parse(String(data)) as Record<string, unknown>;
        if (!('event' in frame)) replies.push(frame);
      });
      ws.send(JSON.stringify({ id: 1, method: 'kiosk.info' }));
      ws.send(JSON.stringify({ id: 2, method: 'visit.get' }));
      ws.send(JSON.stringify({ id: 3, method: 'kiosk.info' }));
      // The host has handled later traffic meanwhile, and nothing is answered before the core is there.
      expect((await fetch(`${early.origin}/assets/app.js`)).status).toBe(200);
      expect(replies).toEqual([]);
      ready(core);
      await expect.poll(() => replies.map((r) => r.id), { timeout: 10_000 }).toEqual([1, 2, 3]);
      expect(replies.every((r) => r.ok === true)).toBe(true);
      ws.close();
    } finally {
      await early.close();
    }
  });

  it('closes held sockets (1011) when the core fails to start', async () => {
    let fail: (error: Error) => void = () => undefined;
    const starting = new Promise<KioskCore>((_resolve, reject) => (fail = reject));
    const early = await startBrowserHost({ core: starting, staticDir, port: 0, log: silentLogger });
    try {
      const ws = await connect({ to: early });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      fail(new Error('store is locked'));
      expect(await closed).toBe(1011);
    } finally {
      await early.close();
    }
  });
});
