import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isConsolePath } from '../console.js';
import { HttpError } from '../http-json.js';
import { isProgressPagePath } from '../progress-page.js';
import type { ApiHandler } from './handler.js';
import { sendError } from './handler.js';

/** A request handler for one part of the site (the progress page, the console). */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What {@link listenCentral} needs. */
export interface CentralHttpDeps {
  readonly port?: number;
  readonly host?: string;
  readonly tls?: {
    readonly cert: string | Buffer;
    readonly key: string | Buffer;
    readonly clientCa?: string | Buffer;
  };
  readonly requestTimeoutMs: number;
  /** The citizens' progress page under /progress/. */
  readonly progressPage: PageHandler;
  /** The web console under /console/. */
  readonly consoleHandler: PageHandler;
  /** Everything else: the bearer-token JSON API. */
  readonly handleRequest: ApiHandler;
}

/** The listening HTTP(S) server. */
export interface CentralHttp {
  readonly url: string;
  readonly port: number;
  /** Stops accepting and drops open connections (including ones held by a `timeout` fault). */
  stop(): Promise<void>;
  /** Waits (at most `limitMs`) for handlers still running, whose client may be gone, before the store closes. */
  drain(limitMs: number): Promise<void>;
}

/** Serves the progress page, the console and the API on one HTTP(S) server; resolves once it listens. */
export async function listenCentral(deps: CentralHttpDeps): Promise<CentralHttp> {
  const { requestTimeoutMs, progressPage, consoleHandler, handleRequest } = deps;
  /** Sockets whose request our listener is answering (a late client error must not write a second answer). */
  const answering = new WeakSet<object>();
  /** Handlers still running: close() lets them finish (their connection may be gone) before the store closes. */
  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>): void => {
    // Only awaited by close(): each handler answers its own errors.
    const settled = work.catch(() => undefined).finally(() => running.delete(settled));
    running.add(settled);
  };
  const listener: RequestListener = (req, res) => {
    const arrivedAt = performance.now();
    const socket = req.socket;
    answering.add(socket);
    res.once('close', () => answering.delete(socket));
    if (isProgressPagePath(req.url)) {
      track(progressPage(req, res));
      return;
    }
    if (isConsolePath(req.url)) {
      track(consoleHandler(req, res));
      return;
    }
    const handled = handleRequest(req, res, arrivedAt).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendError(res, error);
        if (error.status === 408) {
          // The rest of a trickled body is not worth waiting for: close once the answer is out.
          if (res.writableFinished) socket.destroy();
          else res.once('finish', () => socket.destroy());
          return;
        }
      } else {
        // Log the failure class and the path only: bodies may hold personal data, queries may hold keys.
        const path = (req.url ?? '?').split('?')[0] ?? '?';
        console.error(
          `central: internal error on ${req.method ?? '?'} ${path}: ${error instanceof Error ? error.name + ': ' + error.message : 'unknown'}`,
        );
        sendError(res, new HttpError(500, 'internal', 'internal server error'));
      }
      // If the body was never read (an early error), make sure the connection does not wait for it.
      if (!req.complete) req.resume();
    });
    track(handled);
  };
  const tls = deps.tls;
  // How often Node checks its header/request deadlines (its default, 30 s, would dwarf a 15 s timeout).
  const connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(requestTimeoutMs / 4)));
  const server = tls
    ? createTlsServer(
        {
          connectionsCheckingInterval,
          cert: tls.cert,
          key: tls.key,
          ...(tls.clientCa !== undefined
            ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }
            : {}),
        },
        listener,
      )
    : createServer({ connectionsCheckingInterval }, listener);
  // Node's own deadlines back ours up where no route reads the body (slow headers, a GET trickling a body):
  // headers within the request timeout, the whole request a little after it (our 408 normally comes first).
  server.headersTimeout = requestTimeoutMs;
  server.requestTimeout = requestTimeoutMs + 5_000;
  // Idle keep-alive connections stay open 65 s, longer than a load balancer's usual 60 s idle timeout: with
  // Node's 5 s a client (or balancer) reusing a connection at the moment the server drops it gets a reset, and a
  // client on a busy machine checks its own idle timer late. Idle sockets cost one descriptor each.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || answering.has(socket)) {
      socket.destroy();
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      const body = JSON.stringify({
        error: {
          code: 'request-timeout',
          message: `the request did not arrive within ${requestTimeoutMs} ms`,
        },
      });
      socket.end(
        'HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json; charset=utf-8\r\n' +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port ?? 0, deps.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    async stop() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
    },
    async drain(limitMs) {
      // A handler whose client went away may still be using the store: let it finish (bounded), so it does not
      // fail on a closed database.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all([...running]),
        new Promise((resolve) => (timer = setTimeout(resolve, limitMs))),
      ]);
      clearTimeout(timer);
    },
  };
}
