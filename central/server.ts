import { createHash, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import {
  adminTransactionSchema,
  batchEnvelopeSchema,
  batchItemSchema,
  heartbeatRequestSchema,
  mailboxOverrideSchema,
  mailboxStateSchema,
  progressOverrideSchema,
  progressStatusSchema,
  referenceNumberSchema,
  signedCatalogDocumentSchema,
  transactionPayloadSchema,
  type AdminTransaction,
  type AdminTransactions,
  type BatchItemResult,
  type BatchUploadResponse,
  type CatalogPublished,
  type FleetKiosk,
  type FleetResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type MailboxState,
  type MailboxStatus,
  type ProgressStatus,
  type StatsResponse,
  type TransactionPayload,
  type TransactionProgress,
} from '../contract/central-api.js';
import type { TrustedKey } from '../main/services/catalog/signing.js';
import {
  audienceOf,
  catalogEtag,
  catalogForKiosk,
  publishCatalogRecord,
  recordCatalogReports,
} from './catalog-publishing.js';
import { createConsoleHandler, isConsolePath, type ConsoleOptions } from './console.js';
import { createUrgentDesk, urgentReportStatus, type UrgentDeskSettings } from './console-urgent.js';
import { createLettersConsole } from './console-letters.js';
import { letterStateOf, loadLetterActions } from './mailbox.js';
import { isPostgresUrl, openCentralDb, type CentralDb } from './db.js';
import { HttpError, sendJson } from './http-json.js';
import { createFaultInjector, type FaultDecision, type FaultSetting } from './faults.js';
import { createProgressPageHandler, isProgressPagePath, type ProgressPageSettings } from './progress-page.js';
import {
  clientAddressKey,
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  validRateLimit,
  type CentralRateLimits,
} from './rate-limit.js';

export { DEFAULT_RATE_LIMITS, type CentralRateLimits, type RateLimit } from './rate-limit.js';

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
 */

/** When a demonstration server advances statuses on its own, in ms after it stored the transaction. */
export interface StatusSchedule {
  readonly inProgressAfterMs: number;
  readonly doneAfterMs: number;
  readonly signedAfterMs: number;
  readonly answeredAfterMs: number;
  readonly closedAfterMs: number;
}

/** The default schedule documented above. */
export const DEFAULT_STATUS_SCHEDULE: StatusSchedule = {
  inProgressAfterMs: 60_000,
  doneAfterMs: 30 * 60_000,
  signedAfterMs: 10 * 60_000,
  answeredAfterMs: 24 * 3_600_000,
  closedAfterMs: 7 * 24 * 3_600_000,
};

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
const NO_FAULT: FaultDecision = { kind: 'none', retryAfterSeconds: 0, retryAfterAsDate: false };
/** Past this much an oversized body is no longer drained politely; the socket is dropped. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

type Caller = { role: 'kiosk'; kioskId: string } | { role: 'admin' };

interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly caller: Caller;
  readonly params: readonly string[];
  body(): Promise<Buffer>;
}

interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  /** A body sent as is (the stored catalog). */
  readonly raw?: Buffer;
  readonly headers?: Record<string, string>;
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly role: Caller['role'];
  /** A look-up that costs one token of the caller's bucket. */
  readonly lookup?: boolean;
  readonly handle: (context: RouteContext) => Promise<RouteResult>;
}

/** A stored transaction's columns as the server reads them (central/console-letters.ts reads them too). */
export interface TransactionRow {
  idempotency_key: string;
  number: string;
  kiosk_id: string;
  received_at: number;
  tracking_number: string | null;
  progress_override: string | null;
  progress_override_at: number | null;
  progress_override_by?: string | null;
  mailbox_override: string | null;
  mailbox_override_at: number | null;
  payload_hash: string | null;
  progress_key_hash: string | null;
}

interface KioskRow {
  kiosk_id: string;
  last_heartbeat_at: number | null;
  heartbeat: string | null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** SHA-256 (hex) of a transaction's RFC 8785 canonical JSON: equal payloads hash equal whatever their key order. */
export function payloadHash(transaction: TransactionPayload): string {
  return createHash('sha256')
    .update(canonicalize(transaction) ?? '', 'utf8')
    .digest('hex');
}

/** The hash of a row stored before hashes were kept: from its stored payload (null if it no longer parses). */
function storedPayloadHash(payload: string): string | null {
  const parsed = transactionPayloadSchema.safeParse(parseStored(payload));
  return parsed.success ? payloadHash(parsed.data) : null;
}

/** Compares every configured token in constant time (hashing first so lengths never leak). */
function makeAuthenticator(
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

function parseJson<S extends z.ZodType>(body: Buffer, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'malformed-json', 'request body is not valid JSON');
  }
  return parseValue(json, schema);
}

function parseValue<S extends z.ZodType>(value: unknown, schema: S): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid-body', describeIssues(parsed.error));
  return parsed.data;
}

/** Issue paths and messages only: zod's default messages never echo the (possibly personal) values. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function parseStored(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A stored body that is not JSON is answered as absent, like one never stored.
    return undefined;
  }
}

/** RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`. */
function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** Whether a raw batch item says it is urgent (a hint to look at the board now; the board reads the store). */
function isUrgentItem(raw: unknown): boolean {
  return urgentItemHint.safeParse(raw).success;
}
const urgentItemHint = z.object({ transaction: z.object({ urgent: z.literal(true) }) });

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Starts the server; resolves once it listens. */
export async function startCentralServer(options: CentralServerOptions): Promise<CentralServer> {
  const now = options.now ?? Date.now;
  const demo = options.demonstrationStatuses;
  const schedule: StatusSchedule | null =
    demo === undefined ? null : { ...DEFAULT_STATUS_SCHEDULE, ...(demo === true ? {} : demo) };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const authenticate = makeAuthenticator(options.kioskTokens, options.adminToken);
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

  const bump = (name: string, by: number): Promise<unknown> =>
    db.run(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counters.value + ?',
      [name, by, by],
    );
  const counter = async (name: string): Promise<number> =>
    (await db.get<{ value: number }>('SELECT value FROM counters WHERE name = ?', [name]))?.value ?? 0;
  const seeKiosk = (kioskId: string): Promise<unknown> =>
    db.run('INSERT INTO kiosks (kiosk_id, first_seen_at) VALUES (?, ?) ON CONFLICT (kiosk_id) DO NOTHING', [
      kioskId,
      now(),
    ]);

  const stats = async (): Promise<StatsResponse> => {
    const row = await db.get<{ total: number; urgent: number | null }>(
      'SELECT COUNT(*) AS total, SUM(urgent) AS urgent FROM transactions',
    );
    const kiosks = await db.get<{ total: number }>('SELECT COUNT(*) AS total FROM kiosks');
    return {
      transactions: row?.total ?? 0,
      duplicatesIgnored: await counter('duplicates_ignored'),
      conflicts: await counter('conflicts'),
      urgent: row?.urgent ?? 0,
      batches: await counter('batches'),
      kiosks: kiosks?.total ?? 0,
    };
  };

  /** Every configured kiosk and every kiosk that has called in (the admin API's and the console's fleet). */
  const fleet = async (): Promise<FleetKiosk[]> => {
    const rows = await db.all<KioskRow>('SELECT kiosk_id, last_heartbeat_at, heartbeat FROM kiosks');
    const counts = await db.all<{ kiosk_id: string; total: number }>(
      'SELECT kiosk_id, COUNT(*) AS total FROM transactions GROUP BY kiosk_id',
    );
    const countOf = new Map(counts.map((row) => [row.kiosk_id, row.total]));
    const byId = new Map(rows.map((row) => [row.kiosk_id, row]));
    const ids = [...new Set([...Object.keys(options.kioskTokens), ...byId.keys()])].sort();
    return ids.map((kioskId): FleetKiosk => {
      const row = byId.get(kioskId);
      // Stored heartbeats were validated on the way in; re-parse anyway so a hand-edited row shows as empty.
      const last = row?.heartbeat ? heartbeatRequestSchema.safeParse(parseStored(row.heartbeat)) : undefined;
      const hb = last?.success ? last.data : undefined;
      return {
        kioskId,
        lastHeartbeatAt: row?.last_heartbeat_at != null ? iso(row.last_heartbeat_at) : null,
        appVersion: hb?.appVersion ?? null,
        catalogVersion: hb?.catalogVersion ?? null,
        devices: hb?.devices ?? null,
        outbox: hb?.outbox ?? null,
        lastCatalogRejection: hb?.lastCatalogRejection ?? null,
        kioskGroups: hb?.kioskGroups ?? null,
        health: hb?.health ?? null,
        transactions: countOf.get(kioskId) ?? 0,
      };
    });
  };

  /** The groups a kiosk's last heartbeat named (catalogs are served by group; central/catalog-publishing.ts). */
  const groupsOf = async (kioskId: string): Promise<string[]> => {
    const row = await db.get<{ kiosk_groups: string | null }>(
      'SELECT kiosk_groups FROM kiosks WHERE kiosk_id = ?',
      [kioskId],
    );
    const parsed = heartbeatRequestSchema.shape.kioskGroups.safeParse(
      row?.kiosk_groups ? parseStored(row.kiosk_groups) : undefined,
    );
    return parsed.success ? (parsed.data ?? []) : [];
  };

  const progressOf = (row: TransactionRow): TransactionProgress => {
    const pinned = progressStatusSchema.safeParse(row.progress_override);
    if (pinned.success && row.progress_override_at !== null)
      return { number: row.number, status: pinned.data, updatedAt: iso(row.progress_override_at) };
    if (schedule === null) return { number: row.number, status: 'received', updatedAt: iso(row.received_at) };
    const stages: [ProgressStatus, number][] = [
      ['received', row.received_at],
      ['in-progress', row.received_at + schedule.inProgressAfterMs],
      ['done', row.received_at + schedule.doneAfterMs],
    ];
    const reached = stages.filter(([, at]) => at <= now()).at(-1) ?? stages[0];
    const [status, at] = reached ?? ['received', row.received_at];
    return { number: row.number, status, updatedAt: iso(at) };
  };

  /**
   * A letter's status: from officers' actions when there are any (with the latest reply only when `withReply`),
   * else an admin pin, else (demonstration only) the timer, else received.
   */
  const mailboxOf = async (
    row: TransactionRow,
    trackingNumber: string,
    withReply = false,
  ): Promise<MailboxStatus> => {
    const actions = (await loadLetterActions(db, [row.idempotency_key])).get(row.idempotency_key);
    if (actions && actions.length > 0) {
      const state = letterStateOf(actions);
      return {
        trackingNumber,
        status: state.status,
        ...(state.signed ? { signedAt: iso(state.signed.at) } : {}),
        ...(state.answered ? { answeredAt: iso(state.answered.at) } : {}),
        ...(state.closed ? { closedAt: iso(state.closed.at) } : {}),
        ...(withReply && state.reply ? { reply: { text: state.reply.text, at: iso(state.reply.at) } } : {}),
      };
    }
    const order: MailboxState[] = ['received', 'signed', 'answered', 'closed'];
    const pinned = mailboxStateSchema.safeParse(row.mailbox_override);
    const times = schedule
      ? [
          row.received_at,
          row.received_at + schedule.signedAfterMs,
          row.received_at + schedule.answeredAfterMs,
          row.received_at + schedule.closedAfterMs,
        ]
      : [row.received_at];
    let index: number;
    let cap = Number.POSITIVE_INFINITY;
    if (pinned.success && row.mailbox_override_at !== null) {
      index = order.indexOf(pinned.data);
      cap = row.mailbox_override_at;
    } else {
      index = times.filter((at) => at <= now()).length - 1;
    }
    const stageAt = (stage: number): string => iso(Math.min(times[stage] ?? cap, cap));
    return {
      trackingNumber,
      status: order[Math.max(0, index)] ?? 'received',
      ...(index >= 1 ? { signedAt: stageAt(1) } : {}),
      ...(index >= 2 ? { answeredAt: stageAt(2) } : {}),
    };
  };

  const findByNumber = (number: string): Promise<TransactionRow | undefined> =>
    db.get<TransactionRow>('SELECT * FROM transactions WHERE number = ? ORDER BY received_at DESC LIMIT 1', [
      number,
    ]);
  const findByTracking = (tracking: string): Promise<TransactionRow | undefined> =>
    db.get<TransactionRow>(
      'SELECT * FROM transactions WHERE tracking_number = ? ORDER BY received_at DESC LIMIT 1',
      [tracking],
    );
  const pathParam = (params: readonly string[]): string => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(params[0] ?? '');
    } catch {
      throw new HttpError(404, 'not-found', 'no such reference');
    }
    if (!referenceNumberSchema.safeParse(decoded).success)
      throw new HttpError(404, 'not-found', 'no such reference');
    return decoded;
  };
  const requireKiosk = (caller: Caller, kioskId: string): void => {
    if (caller.role !== 'kiosk' || caller.kioskId !== kioskId) {
      throw new HttpError(403, 'kiosk-mismatch', 'the token does not belong to this kiosk');
    }
  };

  const routes: Route[] = [
    {
      method: 'POST',
      pattern: /^\/v1\/transactions:batch$/,
      role: 'kiosk',
      async handle({ caller, body }) {
        const envelope = parseJson(await body(), batchEnvelopeSchema);
        requireKiosk(caller, envelope.kioskId);
        const receivedAt = now();
        const results = await db.transaction(async () => {
          const out: BatchItemResult[] = [];
          let duplicates = 0;
          let conflicts = 0;
          for (const [index, raw] of envelope.items.entries()) {
            const key =
              typeof raw === 'object' &&
              raw !== null &&
              'idempotencyKey' in raw &&
              typeof raw.idempotencyKey === 'string'
                ? raw.idempotencyKey.slice(0, 200)
                : '';
            const reject = (code: string, message: string): void => {
              out.push({ index, idempotencyKey: key, status: 'rejected', error: { code, message } });
            };
            const parsed = batchItemSchema.safeParse(raw);
            if (!parsed.success) {
              reject('invalid-item', describeIssues(parsed.error));
              continue;
            }
            const { idempotencyKey, transaction } = parsed.data;
            if (idempotencyKey !== transaction.id) {
              reject('key-mismatch', 'idempotencyKey must equal transaction.id');
              continue;
            }
            if (transaction.kioskId !== envelope.kioskId) {
              reject('kiosk-mismatch', 'transaction.kioskId differs from the batch kioskId');
              continue;
            }
            const hash = payloadHash(transaction);
            // The progress key is a credential: only its hash is kept, apart from the stored payload.
            const { progressKey, ...stored } = transaction;
            const { changes } = await db.run(
              `INSERT INTO transactions (idempotency_key, number, kiosk_id, urgent, completed_at, received_at,
                 tracking_number, payload, payload_hash, progress_key_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
              [
                idempotencyKey,
                transaction.number,
                transaction.kioskId,
                transaction.urgent ? 1 : 0,
                transaction.completedAt,
                receivedAt,
                transaction.letter?.trackingNumber ?? null,
                JSON.stringify(stored),
                hash,
                progressKey !== undefined ? digest(progressKey).toString('hex') : null,
              ],
            );
            if (changes > 0) {
              out.push({ index, idempotencyKey, status: 'stored' });
              continue;
            }
            const existing = await db.get<{ payload: string; payload_hash: string | null }>(
              'SELECT payload, payload_hash FROM transactions WHERE idempotency_key = ?',
              [idempotencyKey],
            );
            const existingHash = existing
              ? (existing.payload_hash ?? storedPayloadHash(existing.payload))
              : null;
            if (existingHash === hash) {
              duplicates++;
              out.push({ index, idempotencyKey, status: 'duplicate' });
            } else {
              // The same id with other content (or another kiosk's id): a 409 for this item. Nothing changes,
              // and the kiosk must not count it as delivered.
              conflicts++;
              out.push({
                index,
                idempotencyKey,
                status: 'conflict',
                error: {
                  code: 'idempotency-conflict',
                  message: 'this idempotency key was already stored with a different payload',
                },
              });
            }
          }
          if (duplicates > 0) await bump('duplicates_ignored', duplicates);
          if (conflicts > 0) await bump('conflicts', conflicts);
          await bump('batches', 1);
          await seeKiosk(envelope.kioskId);
          return out;
        });
        // Stored is not acknowledged: an urgent report now waits for a duty officer on the console.
        if (results.some((r) => r.status === 'stored') && envelope.items.some(isUrgentItem))
          urgentDesk.nudge();
        const response: BatchUploadResponse = { results };
        return { status: 200, body: response };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/heartbeat$/,
      role: 'kiosk',
      async handle({ caller, body }) {
        const heartbeat: HeartbeatRequest = parseJson(await body(), heartbeatRequestSchema);
        requireKiosk(caller, heartbeat.kioskId);
        const at = now();
        await db.transaction(async () => {
          await seeKiosk(heartbeat.kioskId);
          await db.run(
            'UPDATE kiosks SET last_heartbeat_at = ?, heartbeat = ?, kiosk_groups = ? WHERE kiosk_id = ?',
            [
              at,
              JSON.stringify(heartbeat),
              heartbeat.kioskGroups ? JSON.stringify(heartbeat.kioskGroups) : null,
              heartbeat.kioskId,
            ],
          );
          await recordCatalogReports(db, heartbeat, at);
        });
        // The newest catalog published to this kiosk's groups (and within its signed audience).
        const latest = await catalogForKiosk(db, {
          kioskId: heartbeat.kioskId,
          groups: heartbeat.kioskGroups ?? [],
        });
        const response: HeartbeatResponse = {
          serverTime: iso(at),
          catalog: latest ? { version: latest.version, etag: latest.etag } : null,
        };
        return { status: 200, body: response };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/catalog$/,
      role: 'kiosk',
      async handle({ req, caller }) {
        const kioskId = caller.role === 'kiosk' ? caller.kioskId : '';
        const latest = await catalogForKiosk(db, { kioskId, groups: await groupsOf(kioskId) });
        if (!latest) throw new HttpError(404, 'no-catalog', 'no catalog has been published to this kiosk');
        const headers = { etag: latest.etag, 'cache-control': 'no-cache' };
        if (ifNoneMatchHits(req.headers['if-none-match'], latest.etag)) return { status: 304, headers };
        return { status: 200, raw: await latest.body(), headers };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/transactions\/([^/]+)\/progress$/,
      role: 'kiosk',
      lookup: true,
      async handle({ params, caller }) {
        // Numbers are sequential: a kiosk sees its own transactions only, and another kiosk's number answers
        // exactly like an unknown one.
        const number = pathParam(params);
        const row =
          caller.role === 'kiosk'
            ? await db.get<TransactionRow>(
                'SELECT * FROM transactions WHERE kiosk_id = ? AND number = ? ORDER BY received_at DESC LIMIT 1',
                [caller.kioskId, number],
              )
            : undefined;
        if (!row) throw new HttpError(404, 'not-found', 'no transaction with this number');
        return { status: 200, body: progressOf(row) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/mailbox\/([^/]+)$/,
      role: 'kiosk',
      lookup: true,
      async handle({ params, caller }) {
        // Tracking numbers are per kiosk: the calling kiosk's own letter first, else the newest in the fleet
        // (a citizen may ask at any kiosk). Only the kiosk the letter was written at gets the reply's text.
        const tracking = pathParam(params);
        const own =
          caller.role === 'kiosk'
            ? await db.get<TransactionRow>(
                'SELECT * FROM transactions WHERE kiosk_id = ? AND tracking_number = ? ORDER BY received_at DESC LIMIT 1',
                [caller.kioskId, tracking],
              )
            : undefined;
        const row = own ?? (await findByTracking(tracking));
        if (!row) throw new HttpError(404, 'not-found', 'no letter with this tracking number');
        return { status: 200, body: await mailboxOf(row, tracking, own !== undefined) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/urgent-reports\/([0-9A-HJKMNP-TV-Z]{26})$/,
      role: 'kiosk',
      async handle({ params, caller }) {
        // Whether a duty officer acknowledged it: the kiosk's end screen waits for this, polling while it shows.
        // A kiosk sees its own urgent reports only; anything else answers like an unknown id.
        const status =
          caller.role === 'kiosk' ? await urgentReportStatus(db, caller.kioskId, params[0] ?? '') : undefined;
        if (!status) throw new HttpError(404, 'not-found', 'no urgent report with this id');
        return { status: 200, body: status };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/admin\/catalog$/,
      role: 'admin',
      async handle({ body }) {
        const bytes = await body();
        const document = parseJson(bytes, signedCatalogDocumentSchema);
        const version = document.catalog.version;
        const etag = catalogEtag(bytes);
        // The bearer-token API publishes to every kiosk (within the document's signed audience, which the
        // kiosks enforce anyway); target groups are chosen in the console, which also verifies the signature.
        const keyId = (document.signature as { keyId?: unknown }).keyId;
        await publishCatalogRecord(db, {
          version,
          etag,
          body: bytes,
          targetGroups: null,
          audience: audienceOf(document.catalog),
          keyId: typeof keyId === 'string' ? keyId.slice(0, 128) : null,
          publishedBy: 'admin-api',
          at: now(),
        });
        const published: CatalogPublished = { version, etag };
        return { status: 200, body: published };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/fleet$/,
      role: 'admin',
      async handle() {
        const response: FleetResponse = { kiosks: await fleet() };
        return { status: 200, body: response };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/stats$/,
      role: 'admin',
      async handle() {
        return { status: 200, body: await stats() };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/transactions\/([^/]+)$/,
      role: 'admin',
      async handle({ params }) {
        const number = pathParam(params);
        const rows = await db.all<TransactionRow & { payload: string }>(
          'SELECT * FROM transactions WHERE number = ? ORDER BY received_at DESC',
          [number],
        );
        const items = rows.flatMap((row): AdminTransaction[] => {
          // Validated on the way in; a row that no longer parses (edited by hand) is left out, not served raw.
          const parsed = adminTransactionSchema.shape.transaction.safeParse(parseStored(row.payload));
          return parsed.success
            ? [{ kioskId: row.kiosk_id, receivedAt: iso(row.received_at), transaction: parsed.data }]
            : [];
        });
        if (items.length === 0) throw new HttpError(404, 'not-found', 'no transaction with this number');
        const response: AdminTransactions = { items };
        return { status: 200, body: response };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/admin\/transactions\/([^/]+)\/progress$/,
      role: 'admin',
      async handle({ params, body }) {
        const number = pathParam(params);
        const { status } = parseJson(await body(), progressOverrideSchema);
        const row = await findByNumber(number);
        if (!row) throw new HttpError(404, 'not-found', 'no transaction with this number');
        const at = now();
        await db.transaction(() =>
          db.run(
            'UPDATE transactions SET progress_override = ?, progress_override_at = ?, progress_override_by = NULL WHERE number = ?',
            [status, at, number],
          ),
        );
        return {
          status: 200,
          body: progressOf({ ...row, progress_override: status, progress_override_at: at }),
        };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/admin\/mailbox\/([^/]+)$/,
      role: 'admin',
      async handle({ params, body }) {
        const tracking = pathParam(params);
        const { status } = parseJson(await body(), mailboxOverrideSchema);
        const row = await findByTracking(tracking);
        if (!row) throw new HttpError(404, 'not-found', 'no letter with this tracking number');
        const at = now();
        await db.transaction(() =>
          db.run(
            'UPDATE transactions SET mailbox_override = ?, mailbox_override_at = ? WHERE tracking_number = ?',
            [status, at, tracking],
          ),
        );
        return {
          status: 200,
          body: await mailboxOf({ ...row, mailbox_override: status, mailbox_override_at: at }, tracking),
        };
      },
    },
  ];

  const sendError = (res: ServerResponse, error: HttpError): void => {
    if (res.headersSent || res.destroyed) return;
    sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
  };

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

  // Citizens' progress page (central/progress-page.ts): no bearer token (the link's key is the credential),
  // HTML, never faulted.
  const progressPage = createProgressPageHandler({
    ...options.progressPage,
    findCandidates: async (number) =>
      (
        await db.all<{ idempotency_key: string; progress_key_hash: string | null }>(
          'SELECT idempotency_key, progress_key_hash FROM transactions WHERE number = ?',
          [number],
        )
      ).map((row) => ({
        id: row.idempotency_key,
        keyHash: row.progress_key_hash !== null ? Buffer.from(row.progress_key_hash, 'hex') : null,
      })),
    admit: (req) => {
      const decision = pageLimiter.take(clientAddressKey(req.socket.remoteAddress));
      return decision.ok ? null : decision.retryAfterSeconds;
    },
    load: async (id) => {
      const row = await db.get<TransactionRow & { payload: string }>(
        'SELECT * FROM transactions WHERE idempotency_key = ?',
        [id],
      );
      if (!row) return undefined;
      // The page opens only with the receipt's key: a letter's reply may be shown there.
      const letter =
        row.tracking_number !== null ? await mailboxOf(row, row.tracking_number, true) : undefined;
      return { payload: row.payload, progress: progressOf(row), ...(letter ? { letter } : {}) };
    },
  });

  // The web console (central/console.ts): session cookies instead of bearer tokens, never faulted.
  const consoleHandler = createConsoleHandler({
    ...options.console,
    db,
    now,
    fleet,
    secure: options.tls !== undefined,
    ...(options.catalogTrustedKeys ? { catalogKeys: options.catalogTrustedKeys } : {}),
    urgent: urgentDesk,
    modules: [createLettersConsole({ db, now, progressOf })],
  });

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
  const tls = options.tls;
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
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;

  return {
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    stats,
    setFaults(faults) {
      injectFault = createFaultInjector(faults);
    },
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await urgentDesk.close();
        // A handler whose client went away may still be using the store: let it finish (bounded), so it does not
        // fail on a closed database.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          Promise.all([...running]),
          new Promise((resolve) => (timer = setTimeout(resolve, 5_000))),
        ]);
        clearTimeout(timer);
        await db.close();
      })();
      return closed;
    },
  };
}
