import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RpcChannel } from '../api/channel.js';
import { MAX_REQUEST_BYTES } from '../api/protocol.js';
import type { Logger } from '../core/log.js';
import { contentSecurityPolicy } from './csp.js';
import { readStaticFile, resolveStaticPath } from './static-files.js';

/** The WebSocket subprotocol of the KioskApi; the token travels as a second offered subprotocol `token.<hex>`. */
export const RPC_SUBPROTOCOL = 'booth-rpc';

/** What the browser host needs from the core. */
export interface ConnectableCore {
  connect(channel: RpcChannel): () => void;
}

/** Options of {@link startBrowserHost}. */
export interface BrowserHostOptions {
  readonly core: ConnectableCore;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** A fixed token (tests); by default a fresh random one per launch. */
  readonly token?: string;
  readonly log: Logger;
}

/** A running browser host. */
export interface BrowserHost {
  readonly origin: string;
  /** The kiosk URL including the token (in the fragment, so it never reaches a server log). */
  readonly kioskUrl: string;
  /**
   * A one-time URL that redirects to the kiosk URL: what a launched browser gets on its command line, where
   * any local user could read it. Once used it is worthless.
   */
  createLaunchUrl(): string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Frames above this size close the socket (1009) before parsing; between the RPC limit and this they get `too-large`. */
const MAX_WS_FRAME_BYTES = 4 * MAX_REQUEST_BYTES;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function wsChannel(socket: WebSocket): RpcChannel {
  return {
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    onMessage: (listener) => {
      const handler = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
        // Binary frames are not part of the protocol; hand them on as text so the RPC layer answers bad-request.
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data as ArrayBuffer).toString('utf8');
        listener(isBinary ? `\u0000${text}` : text);
      };
      socket.on('message', handler);
      return () => socket.off('message', handler);
    },
    onClose: (listener) => {
      socket.on('close', listener);
      return () => socket.off('close', listener);
    },
    close: () => socket.close(),
  };
}

/**
 * Serves the built renderer and the KioskApi over a WebSocket, on 127.0.0.1 only. A connection must offer the
 * per-launch token and come from the kiosk's own origin; anything else is refused before any RPC happens.
 * No CORS headers are ever sent; the Host header must name the loopback address (DNS rebinding).
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const { log } = options;
  let origin = '';
  let allowedHosts: string[] = [];

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WS_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(RPC_SUBPROTOCOL) ? RPC_SUBPROTOCOL : false),
  });

  const launchCodes = new Set<string>();
  const server = createServer((req, res) => {
    serveHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    });
  });

  /** The path of a request, or null for a request line that is not an absolute path (`GET http://[ …`). */
  const requestPath = (req: IncomingMessage): string | null => {
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) return null;
    try {
      return new URL(raw, 'http://127.0.0.1').pathname;
    } catch {
      return null;
    }
  };

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(origin),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=()',
    };
    if (!allowedHosts.includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = requestPath(req);
    if (pathname === null) {
      res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end('bad request\n');
      return;
    }
    const launch = /^\/launch\/([0-9a-f]{32})$/.exec(pathname);
    if (launch?.[1] !== undefined) {
      // One use only: the code was visible on a command line; the token it leads to never is.
      if (!launchCodes.delete(launch[1])) {
        res
          .writeHead(410, { ...headers, 'Content-Type': 'text/plain' })
          .end('this launch link was already used\n');
        return;
      }
      res.writeHead(303, { ...headers, Location: `/#token=${token}` }).end();
      return;
    }
    const file = resolveStaticPath(options.staticDir, pathname);
    if (!file) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' }).end('forbidden\n');
      return;
    }
    const found = await readStaticFile(file);
    if (!found) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': found.contentType,
      'Content-Length': found.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : found.body);
  }

  const refuse = (socket: Duplex, status: number, reason: string, why: string): void => {
    log.warn('browser-host.refused', { status, why });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined);
    const pathname = requestPath(req);
    if (pathname === null) return refuse(socket, 400, 'Bad Request', 'request line');
    if (pathname !== '/rpc') return refuse(socket, 404, 'Not Found', 'path');
    if (!allowedHosts.includes(req.headers.host ?? ''))
      return refuse(socket, 421, 'Misdirected Request', 'host');
    const requestOrigin = req.headers.origin;
    if (!requestOrigin || !allowedHosts.some((h) => requestOrigin === `http://${h}`)) {
      return refuse(socket, 403, 'Forbidden', 'origin');
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const presented = offered.find((p) => p.startsWith('token.'))?.slice('token.'.length) ?? '';
    if (!offered.includes(RPC_SUBPROTOCOL) || !sameToken(presented, token)) {
      return refuse(socket, 401, 'Unauthorized', 'token');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined);
      const disconnect = options.core.connect(wsChannel(ws));
      ws.on('close', disconnect);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];

  return {
    origin,
    kioskUrl: `${origin}/#token=${token}`,
    createLaunchUrl() {
      const code = randomBytes(16).toString('hex');
      launchCodes.add(code);
      return `${origin}/launch/${code}`;
    },
    token,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
