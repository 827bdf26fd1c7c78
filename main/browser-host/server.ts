import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CloseReason, RpcChannel } from '../api/channel.js';
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
  /**
   * The core, or the core still starting: the host then serves the page at once (so Chromium starts while the
   * core opens its store and devices) and holds each WebSocket, unread, until the core is ready. A core that
   * fails to start closes the held sockets (1011).
   */
  readonly core: ConnectableCore | Promise<ConnectableCore>;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** A fixed token (tests); by default a fresh random one per launch. */
  readonly token?: string;
  readonly log: Logger;
  /** Connection and buffer limits; the defaults suit one kiosk window (tests lower them). */
  readonly limits?: Partial<BrowserHostLimits>;
}

/** How much the browser host lets clients hold. */
export interface BrowserHostLimits {
  /**
   * Simultaneous TCP connections of any kind — page loads, keep-alive sockets, upgrades still sending their
   * headers (unauthenticated), WebSockets. Beyond it Node drops new connections at once.
   */
  readonly maxConnections: number;
  /** Simultaneous WebSockets, counting replaced ones still closing; beyond it an upgrade is refused (503). */
  readonly maxWebSockets: number;
  /** Stop reading a WebSocket's requests while more than this many bytes wait to be sent to it… */
  readonly highWaterBytes: number;
  /** …and read again once its send buffer is down to this. */
  readonly lowWaterBytes: number;
  /** A client that lets this much pile up unread (events keep coming while requests are paused) is cut off. */
  readonly maxBufferedBytes: number;
}

/** The default {@link BrowserHostLimits}: one kiosk window loads a few files in parallel and holds one socket. */
export const DEFAULT_BROWSER_HOST_LIMITS: BrowserHostLimits = {
  maxConnections: 32,
  maxWebSockets: 4,
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 256 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
};

/** How long a closed (e.g. replaced) WebSocket may take to finish its closing handshake before it is cut. */
const CLOSE_GRACE_MS = 2000;

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

/** What the channel reports about a socket's send buffer (logged without any content). */
type BackpressureLog = (event: 'paused' | 'resumed' | 'overflow', bufferedBytes: number) => void;

/**
 * Adapts a WebSocket to the core's RpcChannel, with back-pressure: while more than `highWaterBytes` wait to be
 * sent to the client, the socket is not read (and requests already read are held, not handled), so a client
 * that does not read its answers cannot make the core produce more of them. Reading resumes once the buffer is
 * down to `lowWaterBytes` — noticed from the send callbacks, which run as the data is flushed.
 */
function wsChannel(socket: WebSocket, limits: BrowserHostLimits, onPressure: BackpressureLog): RpcChannel {
  const messageListeners = new Set<(text: string) => void>();
  const held: string[] = [];
  let paused = false;

  const deliver = (text: string): void => {
    for (const listener of messageListeners) listener(text);
  };
  const resumeIfDrained = (): void => {
    if (!paused || socket.readyState !== socket.OPEN || socket.bufferedAmount > limits.lowWaterBytes) return;
    paused = false;
    onPressure('resumed', socket.bufferedAmount);
    // Requests read before the pause took hold go first, in order; a new pause stops the replay.
    while (held.length > 0 && !paused) deliver(held.shift() as string);
    if (!paused) socket.resume();
  };
  const afterSend = (): void => {
    const buffered = socket.bufferedAmount;
    if (buffered > limits.maxBufferedBytes) {
      onPressure('overflow', buffered);
      socket.terminate();
      return;
    }
    if (!paused && buffered > limits.highWaterBytes) {
      paused = true;
      onPressure('paused', buffered);
      socket.pause();
    }
  };

  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    // Binary frames are not part of the protocol; hand them on as text so the RPC layer answers bad-request.
    const raw = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const text = isBinary ? `\u0000${raw}` : raw;
    // ws still emits what it had already read when paused; those wait too.
    if (paused) held.push(text);
    else deliver(text);
  });
  socket.on('close', () => {
    held.length = 0;
  });

  return {
    send: (text) => {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(text, resumeIfDrained);
      afterSend();
    },
    onMessage: (listener) => {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onClose: (listener) => {
      socket.on('close', listener);
      return () => socket.off('close', listener);
    },
    close: (reason?: CloseReason) => {
      if (socket.readyState === socket.CLOSED) return;
      socket.close(reason?.code, reason?.reason);
      // A client that never answers the closing handshake is cut off rather than kept for ws's 30 s.
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    },
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
  const limits: BrowserHostLimits = { ...DEFAULT_BROWSER_HOST_LIMITS, ...options.limits };
  let origin = '';
  let allowedHosts: string[] = [];

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WS_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(RPC_SUBPROTOCOL) ? RPC_SUBPROTOCOL : false),
  });

  // The core once it is ready (undefined while it starts, null if it failed).
  let readyCore: ConnectableCore | null | undefined;
  const corePromise = Promise.resolve(options.core).then(
    (core) => (readyCore = core),
    (error: unknown) => {
      readyCore = null;
      log.error('browser-host.core-failed', {
        message: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
      });
      return null;
    },
  );

  const launchCodes = new Set<string>();
  const server = createServer((req, res) => {
    serveHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    });
  });
  // Pending upgrades (still unauthenticated) and page loads count alike; Node drops connections beyond this.
  server.maxConnections = limits.maxConnections;
  // A client trickling its headers (slowloris) gives up its slot after this, long before Node's default minute.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  /** The path of a request, or null for a request line that is not an absolute path (`GET http://[ …`). */
  const requestPath = (req: IncomingMessage): string | null => {
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) return null;
    try {
      return new URL(raw, 'http://127.0.0.1').pathname;
    } catch {
      // A URL that does not parse is no path: the caller refuses the request.
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
    // Replaced sockets still closing count: a client that keeps connecting cannot pile up sockets.
    if (wss.clients.size >= limits.maxWebSockets) {
      return refuse(socket, 503, 'Service Unavailable', 'too many sockets');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined);
      const channel = wsChannel(ws, limits, (event, bufferedBytes) =>
        log[event === 'overflow' ? 'warn' : 'info'](`browser-host.send-buffer-${event}`, { bufferedBytes }),
      );
      // The core serves one renderer session: this one replaces any earlier socket (closed with 4001).
      const attach = (core: ConnectableCore): void => {
        const disconnect = core.connect(channel);
        ws.on('close', disconnect);
      };
      if (readyCore) return attach(readyCore);
      // Still starting: nothing is read (requests wait in the socket, in order) until the core listens.
      ws.pause();
      void corePromise.then((core) => {
        if (ws.readyState !== ws.OPEN) return;
        if (core) attach(core);
        // Read again: the held requests now, or the client's answer to the closing handshake.
        ws.resume();
        if (!core) ws.close(1011, 'the kiosk core failed to start');
      });
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // server.close() alone waits for every open HTTP connection: a browser's keep-alive sockets (or a
      // response still streaming) would hold the shutdown for as long as the browser keeps them.
      server.closeAllConnections();
      await closed;
    },
  };
}
