import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StatsResponse } from '../contract/central-api.js';
import type { TrustedKey } from '../contract/catalog/signing.js';
import { createConsoleHandler, type ConsoleOptions } from './console.js';
import { createUrgentDesk, type UrgentDeskSettings } from './console-urgent.js';
import { createLettersConsole } from './console-letters.js';
import { isPostgresUrl, openCentralDb, type CentralDb } from './db.js';
import { createFaultInjector, type FaultSetting } from './faults.js';
import type { ProgressPageSettings } from './progress-page.js';
import {
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  validRateLimit,
  type CentralRateLimits,
} from './rate-limit.js';
import { adminRoutes } from './api/admin-routes.js';
import { catalogRoutes } from './api/catalog-routes.js';
import { createApiHandler, makeAuthenticator } from './api/handler.js';
import { listenCentral } from './api/http.js';
import { kioskSyncRoutes } from './api/kiosk-sync-routes.js';
import { mailboxRoutes } from './api/mailbox-routes.js';
import { progressPageOnStore } from './api/progress-page.js';
import { createCentralRecords } from './api/records.js';
import { createStatusReader, DEFAULT_STATUS_SCHEDULE, type StatusSchedule } from './api/statuses.js';
import { transactionRoutes } from './api/transaction-routes.js';
import { urgentRoutes } from './api/urgent-routes.js';

export { DEFAULT_RATE_LIMITS, type CentralRateLimits, type RateLimit } from './rate-limit.js';
export { DEFAULT_STATUS_SCHEDULE, type StatusSchedule } from './api/statuses.js';
export type { TransactionRow } from './api/records.js';
export { payloadHash } from './api/kiosk-sync-routes.js';

/**
 * The reference central API server: the contract in contract/central-api.ts on node:http and sqlite.
 *
 * Progress and mailbox statuses move by people: officers in the console (central/console-letters.ts) set a
 * transaction's progress and sign for, reply to and close letters (central/mailbox.ts); the admin API can pin a
 * status too (`POST /v1/admin/transactions/{number}/progress`, `POST /v1/admin/mailbox/{trackingNumber}`).
 * Only a demonstration server (`demonstrationStatuses`, the `npm start` kiosk's local central) also advances
 * statuses nobody has set on a timer from the moment it stored the transaction (defaults: progress received →
 * in-progress after 1 min → done after 30 min; a letter received → signed after 10 min → answered after 24 h →
 * closed after 7 days); a production server never does. Timestamps of stages reached are reported.
 *
 * Trust boundaries: an idempotency key re-sent with a different payload (SHA-256 of its RFC 8785 canonical
 * JSON) is a `conflict`, never a silent duplicate; a kiosk's progress look-up sees only its own transactions;
 * look-ups are rate limited per token (JSON API) and per client address (citizens' page); a request must arrive
 * whole within `requestTimeoutMs` (408 otherwise) and within `maxBodyBytes` (413).
 *
 * This file is the wiring: the store, the route modules (central/api/*-routes.ts), the API handler
 * (central/api/handler.ts), the progress page and the console, and the HTTP server (central/api/http.ts).
 */

/** Options of startCentralServer. */
export interface CentralServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** A directory for central.sqlite (created if missing), or ':memory:'; unused when `database` is given. */
  readonly dataDir: string;
  /**
   * A PostgreSQL URL (postgres:// or postgresql://): the production store, which several central instances can
   * share behind a load balancer. Without it, sqlite in `dataDir`.
   */
  readonly database?: string;
  /** kioskId → bearer token. */
  readonly kioskTokens: Readonly<Record<string, string>>;
  readonly adminToken: string;
  /** Fault injection for kiosk endpoints (tests); see central/faults.ts. */
  readonly faults?: FaultSetting;
  /** Largest request body accepted (413 above it). Default 8 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * Demonstration only: statuses nobody set advance on a timer ({@link DEFAULT_STATUS_SCHEDULE}, or the times
   * given). Absent in production: a status changes only when an officer (or the admin API) sets it.
   */
  readonly demonstrationStatuses?: true | Partial<StatusSchedule>;
  /** Clock (tests). */
  readonly now?: () => number;
  /** Serve HTTPS (kiosks refuse plain http beyond loopback); with `clientCa`, require a client certificate. */
  readonly tls?: CentralServerTls;
  /** The citizens' progress page and receipt PDF under /progress/ (central/progress-page.ts). */
  readonly progressPage?: ProgressPageSettings;
  /** Look-up rate limits (central/rate-limit.ts); defaults in {@link DEFAULT_RATE_LIMITS}. */
  readonly rateLimits?: Partial<CentralRateLimits>;
  /**
   * How long a client may take to send a whole request, headers and body (slow senders are cut off with 408).
   * Default 15 s.
   */
  readonly requestTimeoutMs?: number;
  /** The web console at /console/ (central/console.ts): where its build is, session limits, sign-in limit. */
  readonly console?: Pick<
    ConsoleOptions,
    'staticDir' | 'sessionLimits' | 'signInLimit' | 'rateClock' | 'staleAfterMs'
  >;
  /**
   * The catalog signing keys the console verifies uploaded catalogs against (the public keys the kiosks
   * trust); without any, the console refuses every upload. The bearer-token `POST /v1/admin/catalog` does not
   * verify (kiosks do).
   */
  readonly catalogTrustedKeys?: readonly TrustedKey[];
  /** Urgent reports on the console (central/console-urgent.ts): escalation threshold (default 60 s), polling. */
  readonly urgent?: UrgentDeskSettings;
}

/** Default of {@link CentralServerOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** PEM material for serving HTTPS, optionally with mutual TLS. */
export interface CentralServerTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** When given, clients must present a certificate issued by this CA (mutual TLS). */
  readonly clientCa?: string | Buffer;
}

/** A running server. */
export interface CentralServer {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, drops open connections (including ones held by a `timeout` fault), closes the database. */
  close(): Promise<void>;
  /** The same counters as GET /v1/admin/stats. */
  stats(): Promise<StatsResponse>;
  /** Replaces the fault injection at run time (undefined turns it off). */
  setFaults(faults: FaultSetting | undefined): void;
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Starts the server; resolves once it listens. */
export async function startCentralServer(options: CentralServerOptions): Promise<CentralServer> {
  const now = options.now ?? Date.now;
  const demo = options.demonstrationStatuses;
  const schedule: StatusSchedule | null =
    demo === undefined ? null : { ...DEFAULT_STATUS_SCHEDULE, ...(demo === true ? {} : demo) };
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0)
    throw new RangeError('requestTimeoutMs must be a positive number of milliseconds');
  const rateClock = options.rateLimits?.clock ?? (() => performance.now());
  const kioskLookupLimiter = createRateLimiter(
    validRateLimit(options.rateLimits?.kioskLookups ?? DEFAULT_RATE_LIMITS.kioskLookups),
    rateClock,
  );
  const pageLimiter = createRateLimiter(
    validRateLimit(options.rateLimits?.progressPage ?? DEFAULT_RATE_LIMITS.progressPage),
    rateClock,
  );
  let injectFault = createFaultInjector(options.faults);

  if (options.database !== undefined && !isPostgresUrl(options.database))
    throw new Error('database must be a postgres:// or postgresql:// URL');
  let dbFile = options.database ?? ':memory:';
  if (options.database === undefined && options.dataDir !== ':memory:') {
    mkdirSync(options.dataDir, { recursive: true });
    dbFile = join(options.dataDir, 'central.sqlite');
  }
  const db: CentralDb = await openCentralDb(dbFile);
  const urgentDesk = createUrgentDesk({ ...options.urgent, db, now });
  const records = createCentralRecords({ db, now, kioskTokens: options.kioskTokens });
  const statuses = createStatusReader({ db, now, schedule });

  const routes = [
    ...kioskSyncRoutes({ db, now, records, urgentDesk }),
    ...catalogRoutes({ db, now, records }),
    ...transactionRoutes({ db, now, records, statuses }),
    ...mailboxRoutes({ db, now, records, statuses }),
    ...urgentRoutes({ db }),
    ...adminRoutes({ records }),
  ];
  const handleRequest = createApiHandler({
    routes,
    authenticate: makeAuthenticator(options.kioskTokens, options.adminToken),
    injectFault: (request) => injectFault(request),
    kioskLookupLimiter,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    requestTimeoutMs,
    now,
  });
  // Citizens' progress page (central/progress-page.ts): no bearer token (the link's key is the credential),
  // HTML, never faulted.
  const progressPage = progressPageOnStore({ db, settings: options.progressPage, pageLimiter, statuses });
  // The web console (central/console.ts): session cookies instead of bearer tokens, never faulted.
  const consoleHandler = createConsoleHandler({
    ...options.console,
    db,
    now,
    fleet: records.fleet,
    secure: options.tls !== undefined,
    ...(options.catalogTrustedKeys ? { catalogKeys: options.catalogTrustedKeys } : {}),
    urgent: urgentDesk,
    modules: [createLettersConsole({ db, now, progressOf: statuses.progressOf })],
  });

  const http = await listenCentral({
    port: options.port,
    host: options.host,
    tls: options.tls,
    requestTimeoutMs,
    progressPage,
    consoleHandler,
    handleRequest,
  });
  let closed: Promise<void> | undefined;
  return {
    url: http.url,
    port: http.port,
    stats: records.stats,
    setFaults(faults) {
      injectFault = createFaultInjector(faults);
    },
    close() {
      closed ??= (async () => {
        await http.stop();
        await urgentDesk.close();
        await http.drain(5_000);
        await db.close();
      })();
      return closed;
    },
  };
}
