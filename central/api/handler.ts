import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultDecision, FaultRequestInfo } from '../faults.js';
import { HttpError, sendJson } from '../http-json.js';
import type { RateLimiter } from '../rate-limit.js';
import { digest, type Caller, type Route } from './route.js';

const NO_FAULT: FaultDecision = { kind: 'none', retryAfterSeconds: 0, retryAfterAsDate: false };
/** Past this much an oversized body is no longer drained politely; the socket is dropped. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** Compares every configured token in constant time (hashing first so lengths never leak). */
export function makeAuthenticator(
  kioskTokens: Readonly<Record<string, string>>,
  adminToken: string,
): (header: string | undefined) => Caller | null {
  const kiosks = Object.entries(kioskTokens).map(([kioskId, token]) => ({ kioskId, hash: digest(token) }));
  const admin = digest(adminToken);
  return (header) => {
    const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
    const presented = digest(match?.[1] ?? '');
    let caller: Caller | null = null;
    // No early exit: the loop costs the same whichever token matches.
    for (const kiosk of kiosks) {
      if (timingSafeEqual(kiosk.hash, presented) && match) caller = { role: 'kiosk', kioskId: kiosk.kioskId };
    }
    if (timingSafeEqual(admin, presented) && match) caller = { role: 'admin' };
    return caller;
  };
}

/** Answers `error` as JSON, unless an answer is already on its way. */
export const sendError = (res: ServerResponse, error: HttpError): void => {
  if (res.headersSent || res.destroyed) return;
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
};

/** What {@link createApiHandler} needs. */
export interface ApiHandlerDeps {
  readonly routes: readonly Route[];
  readonly authenticate: (header: string | undefined) => Caller | null;
  /** The fault injection in force (tests; it can change at run time). */
  readonly injectFault: (request: FaultRequestInfo) => FaultDecision;
  /** One bucket per kiosk token for look-up routes. */
  readonly kioskLookupLimiter: RateLimiter;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly now: () => number;
}

/** Answers one bearer-token API request: `arrivedAt` is `performance.now()` when it arrived. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse, arrivedAt: number) => Promise<void>;

/**
 * The bearer-token JSON API over a route table: route and method, injected faults (kiosk routes), the caller's
 * token and role, the look-up rate limit, the content type, then the route's answer. Throws {@link HttpError}
 * for the listener to answer.
 */
export function createApiHandler(deps: ApiHandlerDeps): ApiHandler {
  const { routes, authenticate, injectFault, kioskLookupLimiter, maxBodyBytes, requestTimeoutMs, now } = deps;

  /**
   * Reads the body with a cap and a deadline. Over the cap it drains (so the client can read our 413) up to a
   * hard limit. A body still incomplete `requestTimeoutMs` after the request arrived (a slowloris client
   * trickling bytes) is refused with 408 and the connection is closed.
   */
  const readBody = (req: IncomingMessage, arrivedAt: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          reject(
            new HttpError(
              408,
              'request-timeout',
              `the request did not arrive within ${requestTimeoutMs} ms`,
              {
                connection: 'close',
              },
            ),
          );
          req.pause();
        },
        Math.max(0, arrivedAt + requestTimeoutMs - performance.now()),
      );
      const settle = (): void => clearTimeout(timer);
      req.once('end', settle);
      req.once('error', settle);
      req.once('close', settle);
      const declared = Number(req.headers['content-length']);
      const chunks: Buffer[] = [];
      let total = 0;
      let tooLarge = Number.isFinite(declared) && declared > maxBodyBytes;
      const tooLargeError = (): HttpError =>
        new HttpError(413, 'too-large', `request body exceeds ${maxBodyBytes} bytes`, {
          connection: 'close',
        });
      req.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBodyBytes) tooLarge = true;
        if (tooLarge) {
          chunks.length = 0;
          if (total > MAX_DRAIN_BYTES) {
            reject(tooLargeError());
            req.destroy();
          }
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => (tooLarge ? reject(tooLargeError()) : resolve(Buffer.concat(chunks))));
      req.on('error', reject);
      req.on('aborted', () => reject(new HttpError(400, 'aborted', 'request aborted')));
    });

  const retryHeaders = (decision: FaultDecision): Record<string, string> => ({
    'retry-after': decision.retryAfterAsDate
      ? new Date(now() + decision.retryAfterSeconds * 1000).toUTCString()
      : String(decision.retryAfterSeconds),
  });

  const handleRequest = async (
    req: IncomingMessage,
    res: ServerResponse,
    arrivedAt: number,
  ): Promise<void> => {
    const method = req.method ?? 'GET';
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://central.invalid').pathname;
    } catch {
      throw new HttpError(400, 'bad-url', 'request URL cannot be parsed');
    }
    const candidates = routes
      .map((route) => ({ route, match: route.pattern.exec(path) }))
      .filter((candidate) => candidate.match !== null);
    if (candidates.length === 0) throw new HttpError(404, 'no-route', `no endpoint ${path}`);
    const chosen = candidates.find((candidate) => candidate.route.method === method);
    if (!chosen?.match) {
      const allow = [...new Set(candidates.map((candidate) => candidate.route.method))].join(', ');
      throw new HttpError(405, 'method-not-allowed', `${method} is not allowed here`, { allow });
    }
    const { route, match } = chosen;

    const decision = route.role === 'kiosk' ? injectFault({ method, path }) : NO_FAULT;
    switch (decision.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'timeout':
        // Hold the request open; close() drops it with closeAllConnections().
        req.pause();
        return;
      case '500':
        throw new HttpError(500, 'internal', 'injected fault');
      case '503':
        throw new HttpError(503, 'unavailable', 'injected fault', retryHeaders(decision));
      case '429':
        throw new HttpError(429, 'rate-limited', 'injected fault', retryHeaders(decision));
      default:
        break;
    }

    const caller = authenticate(req.headers.authorization);
    if (caller === null || caller.role !== route.role) {
      // A valid token for the other role is still "no valid credentials for this endpoint".
      throw new HttpError(401, 'unauthorized', 'missing or invalid bearer token', {
        'www-authenticate': 'Bearer',
      });
    }
    if (route.lookup === true && caller.role === 'kiosk') {
      // One bucket per token (a token names exactly one kiosk).
      const decision = kioskLookupLimiter.take(caller.kioskId);
      if (!decision.ok) {
        throw new HttpError(429, 'rate-limited', 'too many look-ups; slow down', {
          'retry-after': String(decision.retryAfterSeconds),
        });
      }
    }
    if (method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        throw new HttpError(415, 'unsupported-media-type', 'send application/json');
      }
    }
    const result = await route.handle({
      req,
      res,
      caller,
      params: match.slice(1),
      body: () => readBody(req, arrivedAt),
    });
    if (decision.kind === 'reset-after-commit') {
      req.socket.destroy();
      return;
    }
    if (result.raw !== undefined) {
      res.writeHead(result.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': result.raw.length,
        ...result.headers,
      });
      res.end(result.raw);
    } else if (result.body === undefined) {
      res.writeHead(result.status, result.headers ?? {});
      res.end();
    } else {
      sendJson(res, result.status, result.body, result.headers);
    }
  };
  return handleRequest;
}
