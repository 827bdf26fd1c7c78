import { timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  audit,
  checkConsoleCredentials,
  closeConsoleSession,
  DEFAULT_SESSION_LIMITS,
  findConsoleSession,
  openConsoleSession,
  readAudit,
  type ConsoleRole,
  type ConsoleSession,
  type SessionLimits,
} from './console-auth.js';
import type { TrustedKey } from '../contract/catalog/signing.js';
import { createConsoleCatalogs, isCatalogRoute } from './console-catalogs.js';
import type { FleetKiosk } from '../contract/central-api.js';
import type { ConsoleRouteKit, UrgentDesk } from './console-urgent.js';
import type { CentralDb } from './db.js';
import { HttpError, sendJson } from './http-json.js';
import { clientAddressKey, createRateLimiter, validRateLimit, type RateLimit } from './rate-limit.js';

/**
 * The web console for administrators and duty officers, served by the central server at /console/: the built
 * React app (dist/console, `npm run build:console`) under a strict CSP, and its JSON API under /console/api/,
 * authenticated by a session cookie (never a bearer token, never a token in a URL).
 *
 * Every state-changing request (POST) must come from this server's own origin (`Origin` checked) and, once signed
 * in, carry the session's CSRF token in `x-csrf-token`; sign-in attempts are rate limited per client address and
 * per user name; every sign-in (success or failure, never the password), sign-out, refusal and console action is
 * written to the audit trail.
 */

/** Where `npm run build:console` puts the app. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../dist/console', import.meta.url));

/** The session cookie's name (`__Secure-` prefixed over HTTPS, where browsers then insist on Secure). */
export const CONSOLE_COOKIE = 'booth_console';

/** A kiosk's heartbeat period (main/services/sync/heartbeat.ts default); stale after twice that. */
export const DEFAULT_STALE_AFTER_MS = 2 * 60_000;

/** Sign-in attempts: per client address and per user name, burst 5 then 5 a minute. */
export const DEFAULT_SIGN_IN_LIMIT: RateLimit = { burst: 5, perMinute: 5 };

/** The console's content security policy: everything from this origin only, no inline script or style. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Options of {@link createConsoleHandler}. */
export interface ConsoleOptions {
  readonly db: CentralDb;
  readonly now: () => number;
  /** The fleet as GET /v1/admin/fleet answers it. */
  readonly fleet: () => Promise<readonly FleetKiosk[]>;
  /** True when served over HTTPS: the cookie is then Secure (and `__Secure-` prefixed). */
  readonly secure: boolean;
  /** The built app (default {@link DEFAULT_CONSOLE_DIR}). */
  readonly staticDir?: string;
  readonly sessionLimits?: Partial<SessionLimits>;
  readonly signInLimit?: RateLimit;
  /** A monotonic clock for the sign-in rate limit (tests). */
  readonly rateClock?: () => number;
  readonly staleAfterMs?: number;
  /** The catalog signing keys uploads are verified against (central/console-catalogs.ts); none = refused. */
  readonly catalogKeys?: readonly TrustedKey[];
  /** Urgent reports: the board, its live stream and the officers' acknowledgements (central/console-urgent.ts). */
  readonly urgent?: UrgentDesk;
  /** Parts of the console's API kept in files of their own (e.g. central/console-letters.ts). */
  readonly modules?: readonly ConsoleModule[];
}

/** What the console lends its API modules: sessions with roles, the CSRF check, JSON in and out. */
export interface ConsoleKit {
  /** The signed-in session if its role is one of `roles` (401 signed out; 403 and audited otherwise). */
  requireSession(
    req: IncomingMessage,
    roles: readonly ConsoleRole[],
    action: string,
  ): Promise<ConsoleSession>;
  /** The Origin and CSRF checks of a state-changing request (403 and audited when they fail). */
  requireCsrf(req: IncomingMessage, session: ConsoleSession, action: string): Promise<void>;
  /** A small JSON body (415 unless JSON, 400 when malformed or not matching `schema`). */
  readJson<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>>;
  send(res: ServerResponse, status: number, body: unknown): void;
}

/** A part of the console's API: answers its routes (`/console/api/<route>`) and says whether it did. */
export interface ConsoleModule {
  handle(route: string, req: IncomingMessage, res: ServerResponse, kit: ConsoleKit): Promise<boolean>;
}

/** Whether a request URL belongs to the console. */
export function isConsolePath(url: string | undefined): boolean {
  return /^\/console(?:[/?#]|$)/.test(url ?? '');
}

const signInSchema = z.object({ name: z.string().max(200), password: z.string().min(1).max(1024) });

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
};

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Reads a request body of at most `limit` bytes (413, and the connection dropped, beyond it). */
export function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        reject(
          new HttpError(413, 'too-large', `request body exceeds ${limit} bytes`, { connection: 'close' }),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A small JSON body, parsed (415 unless JSON, 413 above `limit` bytes, 400 when it does not parse). */
async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
    throw new HttpError(415, 'unsupported-media-type', 'send application/json');
  try {
    return JSON.parse((await readSmallBody(req, limit)).toString('utf8'));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'malformed-json', 'request body is not valid JSON');
  }
}

/** Creates the console's request handler (for URLs where {@link isConsolePath} is true). */
export function createConsoleHandler(
  options: ConsoleOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { db, now } = options;
  const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...options.sessionLimits };
  const staticDir = path.resolve(options.staticDir ?? DEFAULT_CONSOLE_DIR);
  const rateClock = options.rateClock ?? (() => performance.now());
  const signInLimit = validRateLimit(options.signInLimit ?? DEFAULT_SIGN_IN_LIMIT);
  const byAddress = createRateLimiter(signInLimit, rateClock);
  const byName = createRateLimiter(signInLimit, rateClock);
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const cookieName = options.secure ? `__Secure-${CONSOLE_COOKIE}` : CONSOLE_COOKIE;
  const catalogs = createConsoleCatalogs({
    db,
    now,
    fleet: options.fleet,
    trustedKeys: options.catalogKeys ?? [],
  });

  const sessionCookie = (value: string, maxAgeS: number): string =>
    `${cookieName}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}` +
    (options.secure ? '; Secure' : '');

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => sendJson(res, status, body, { ...SECURITY_HEADERS, 'cache-control': 'no-store', ...headers });

  /** The request's own origin, as a browser on this server would send it in `Origin`. */
  const ownOrigin = (req: IncomingMessage): string =>
    `${options.secure ? 'https' : 'http'}://${req.headers.host ?? ''}`;

  const checkOrigin = async (req: IncomingMessage, user: string | null, action: string): Promise<void> => {
    const origin = req.headers.origin;
    if (origin === undefined || origin !== ownOrigin(req)) {
      await audit(db, { user, action, outcome: 'refused', detail: 'cross-origin or missing Origin' }, now());
      throw new HttpError(403, 'bad-origin', 'state-changing requests must come from the console itself');
    }
  };

  const sessionOf = async (req: IncomingMessage): Promise<ConsoleSession | null> => {
    const id = cookieOf(req, cookieName);
    return id === undefined || id === '' ? null : findConsoleSession(db, id, now(), limits);
  };

  const requireSession = async (
    req: IncomingMessage,
    roles: readonly ConsoleRole[],
    action: string,
  ): Promise<ConsoleSession> => {
    const session = await sessionOf(req);
    if (!session) throw new HttpError(401, 'signed-out', 'sign in first');
    if (!roles.includes(session.user.role)) {
      await audit(
        db,
        { user: session.user.name, action, outcome: 'refused', detail: `role ${session.user.role}` },
        now(),
      );
      throw new HttpError(403, 'forbidden', 'your role does not allow this');
    }
    return session;
  };

  const requireCsrf = async (
    req: IncomingMessage,
    session: ConsoleSession,
    action: string,
  ): Promise<void> => {
    await checkOrigin(req, session.user.name, action);
    const presented = req.headers['x-csrf-token'];
    const a = Buffer.from(typeof presented === 'string' ? presented : '');
    const b = Buffer.from(session.csrfToken);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      await audit(
        db,
        { user: session.user.name, action, outcome: 'refused', detail: 'missing or wrong CSRF token' },
        now(),
      );
      throw new HttpError(403, 'bad-csrf-token', 'missing or wrong CSRF token');
    }
  };

  const signIn = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await checkOrigin(req, null, 'sign-in');
    const parsed = signInSchema.safeParse(await readJsonBody(req, 16 * 1024));
    if (!parsed.success) throw new HttpError(400, 'invalid-body', 'name and password are required');
    const { name, password } = parsed.data;
    // Both buckets are charged on every attempt: one address guessing many names, many addresses one name.
    const address = byAddress.take(clientAddressKey(req.socket.remoteAddress));
    const user = byName.take(name.toLowerCase());
    const limited = !address.ok ? address : !user.ok ? user : null;
    if (limited) {
      await audit(db, { user: name, action: 'sign-in', outcome: 'refused', detail: 'rate limited' }, now());
      throw new HttpError(429, 'rate-limited', 'too many sign-in attempts; wait and try again', {
        'retry-after': String(limited.retryAfterSeconds),
      });
    }
    const found = await checkConsoleCredentials(db, name, password);
    if (!found) {
      // The name tried is recorded (an officer may mistype it); the password never is.
      await audit(
        db,
        { user: name.slice(0, 64), action: 'sign-in', outcome: 'refused', detail: 'wrong name or password' },
        now(),
      );
      throw new HttpError(401, 'bad-credentials', 'wrong name or password');
    }
    // A fresh id on every sign-in (an id planted before sign-in is never promoted: no session fixation).
    const previous = await sessionOf(req);
    if (previous) await closeConsoleSession(db, previous);
    const { id, session } = await openConsoleSession(db, found, now(), limits);
    await audit(db, { user: found.name, action: 'sign-in', outcome: 'ok' }, now());
    send(
      res,
      200,
      { user: session.user, csrfToken: session.csrfToken },
      { 'set-cookie': sessionCookie(id, Math.floor(limits.absoluteMs / 1000)) },
    );
  };

  /** What the console's feature modules (urgent reports, …) get to authenticate and answer. */
  const kit: ConsoleRouteKit = {
    requireSession,
    requireCsrf,
    sessionOf,
    send: (res, status, body) => send(res, status, body),
    async readJson(req) {
      if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
        throw new HttpError(415, 'unsupported-media-type', 'send application/json');
      const body = await readSmallBody(req, 16 * 1024);
      try {
        return JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'malformed-json', 'request body is not valid JSON');
      }
    },
    headers: SECURITY_HEADERS,
  };
  const moduleKit: ConsoleKit = {
    requireSession,
    requireCsrf,
    async readJson(req, schema) {
      const parsed = schema.safeParse(await readJsonBody(req, 64 * 1024));
      // Field paths only: zod's messages never echo the values (a reply's text is the citizen's business).
      if (!parsed.success)
        throw new HttpError(
          400,
          'invalid-body',
          parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', '),
        );
      return parsed.data;
    },
    send: (res, status, body) => send(res, status, body),
  };

  const api = async (req: IncomingMessage, res: ServerResponse, route: string): Promise<void> => {
    const method = req.method ?? 'GET';
    if (route === 'session' && method === 'POST') return signIn(req, res);
    if (route === 'session' && method === 'GET') {
      const session = await sessionOf(req);
      if (!session) throw new HttpError(401, 'signed-out', 'sign in first');
      return send(res, 200, { user: session.user, csrfToken: session.csrfToken });
    }
    if (route === 'sign-out' && method === 'POST') {
      const session = await sessionOf(req);
      if (!session) throw new HttpError(401, 'signed-out', 'sign in first');
      await requireCsrf(req, session, 'sign-out');
      await closeConsoleSession(db, session);
      await audit(db, { user: session.user.name, action: 'sign-out', outcome: 'ok' }, now());
      return send(res, 200, { signedOut: true }, { 'set-cookie': sessionCookie('', 0) });
    }
    if (route === 'fleet' && method === 'GET') {
      await requireSession(req, ['administrator', 'duty-officer'], 'fleet.view');
      return send(res, 200, {
        now: new Date(now()).toISOString(),
        staleAfterMs,
        kiosks: await options.fleet(),
      });
    }
    if (route === 'audit' && method === 'GET') {
      const session = await requireSession(req, ['administrator'], 'audit.view');
      await audit(db, { user: session.user.name, action: 'audit.view', outcome: 'ok' }, now());
      return send(res, 200, { entries: await readAudit(db, 500) });
    }
    if (isCatalogRoute(route))
      return catalogs(req, res, route, { requireSession, requireCsrf, send, readBody: readSmallBody });
    if (options.urgent && (await options.urgent.handle(req, res, route, kit))) return;
    for (const module of options.modules ?? []) if (await module.handle(route, req, res, moduleKit)) return;
    throw new HttpError(404, 'no-route', 'no such console endpoint');
  };

  const serveFile = async (res: ServerResponse, relative: string): Promise<void> => {
    const file = path.resolve(staticDir, relative);
    const type = CONTENT_TYPES[path.extname(file)];
    if (!file.startsWith(staticDir + path.sep) || type === undefined)
      throw new HttpError(404, 'not-found', 'no such file');
    let body: Buffer;
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      body = await readFile(file);
    } catch {
      if (relative === 'index.html')
        throw new HttpError(503, 'console-not-built', 'the console is not built: npm run build:console');
      throw new HttpError(404, 'not-found', 'no such file');
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': body.length,
      // Hashed asset names never change content; the page itself is always fetched again.
      'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    res.end(body);
  };

  return async (req, res) => {
    try {
      const pathname = new URL(req.url ?? '/', 'http://console.invalid').pathname;
      if (pathname === '/console') {
        res.writeHead(308, { location: '/console/', 'content-length': 0 });
        res.end();
        return;
      }
      const apiRoute = /^\/console\/api\/([a-z-]+)$/.exec(pathname);
      if (apiRoute?.[1] !== undefined) {
        await api(req, res, apiRoute[1]);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(405, 'method-not-allowed', `${req.method ?? '?'} is not allowed here`, {
          allow: 'GET',
        });
      const relative =
        pathname === '/console/' ? 'index.html' : decodeURIComponent(pathname.slice('/console/'.length));
      await serveFile(res, relative);
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof HttpError) {
        send(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
      } else {
        console.error(`central: console error: ${error instanceof Error ? error.name : 'unknown'}`);
        send(res, 500, { error: { code: 'internal', message: 'internal server error' } });
      }
      if (!req.complete) req.resume();
    }
  };
}
