import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_REQUEST_BYTES } from '../../main/api/protocol.js';
import { RPC_SUBPROTOCOL, startBrowserHost, type BrowserHost } from '../../main/browser-host/server.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';

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
  core = await startKioskCore({ dataDir, simulate: true, host: 'browser', log: silentLogger });
  host = await startBrowserHost({ core, staticDir, port: 0, log: silentLogger });
});

afterAll(async () => {
  await host.close();
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

function connect(
  options: { token?: string; origin?: string | null; protocols?: string[] } = {},
): Promise<WebSocket> {
  const protocols = options.protocols ?? [RPC_SUBPROTOCOL, `token.${options.token ?? host.token}`];
  const headers: Record<string, string> = {};
  const origin = options.origin === undefined ? host.origin : options.origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${host.port}/rpc`,
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
