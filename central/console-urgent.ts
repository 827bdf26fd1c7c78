import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { audit, type ConsoleRole, type ConsoleSession } from './console-auth.js';
import { localizedNameSchema, type UrgentReportStatus } from '../contract/central-api.js';
import type { CentralDb } from './db.js';
import { HttpError } from './http-json.js';
import {
  DEFAULT_URGENT_ESCALATE_AFTER_MS,
  urgentAcknowledgeRequestSchema,
  type UrgentAcknowledgeResponse,
  type UrgentBoard,
  type UrgentReport,
} from './urgent-schemas.js';

/**
 * Urgent reports (missing persons) on the web console. The central server storing an urgent transaction is the
 * kiosk's delivery receipt, nothing more: the report then waits for a duty officer, who acknowledges it here.
 *
 * - `GET  /console/api/urgent`             the board: open reports (oldest first) and recent acknowledgements;
 * - `GET  /console/api/urgent-events`      the board live, as server-sent events (`snapshot` events, each the
 *                                          whole board); authenticated by the session cookie like every call;
 * - `POST /console/api/urgent-acknowledge` `{ id }`, with the CSRF token: the first officer's acknowledgement
 *                                          is stored (who, when) and audited; a later one is told who was first.
 *
 * Several central instances share one store, and a report stored through one instance must reach consoles
 * streaming from another: each instance compares a cheap fingerprint of the store (how many urgent reports,
 * how many acknowledgements: both only grow) every `pollMs` while a console is streaming, and is nudged at
 * once for changes made through itself. Counting rather than "newer than the last seen id" cannot miss a report
 * whose transaction committed after a later one's. The board is small (open reports and a day's
 * acknowledgements), so every change sends it whole and a reconnecting console simply gets it again.
 */

/** Settings of the urgent desk (central server option `urgent`). */
export interface UrgentDeskSettings {
  /** An open report escalates on the console once this old. Default 60 s. */
  readonly escalateAfterMs?: number;
  /** How often a streaming instance looks for changes made through other instances. Default 1 s. */
  readonly pollMs?: number;
  /** How often a stream checks that its session is still valid (it refreshes the idle clock). Default 30 s. */
  readonly sessionCheckMs?: number;
  /** Comment lines that keep idle proxies from closing a quiet stream. Default 15 s. */
  readonly keepAliveMs?: number;
}

/** What the console handler lends the urgent routes (central/console.ts). */
export interface ConsoleRouteKit {
  requireSession(
    req: IncomingMessage,
    roles: readonly ConsoleRole[],
    action: string,
  ): Promise<ConsoleSession>;
  requireCsrf(req: IncomingMessage, session: ConsoleSession, action: string): Promise<void>;
  /** The request's session, refreshing its idle clock; null once it ended. */
  sessionOf(req: IncomingMessage): Promise<ConsoleSession | null>;
  send(res: ServerResponse, status: number, body: unknown): void;
  /** A small JSON body (415 unless application/json, 400 when not JSON). */
  readJson(req: IncomingMessage): Promise<unknown>;
  /** The console's security headers (CSP and the rest), for the event stream. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The urgent reports' part of one central instance. */
export interface UrgentDesk {
  /** Answers a console API route if it is one of the urgent routes; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, route: string, kit: ConsoleRouteKit): Promise<boolean>;
  /** Something changed through this instance (an urgent report stored): tell the streams now. */
  nudge(): void;
  /** Ends every stream and waits for a check under way (server close, before the store closes). */
  close(): Promise<void>;
}

/** Who may see and acknowledge urgent reports. */
const URGENT_ROLES: readonly ConsoleRole[] = ['administrator', 'duty-officer'];
/** How far back acknowledged reports stay on the board. */
const ACKNOWLEDGED_WINDOW_MS = 24 * 3_600_000;
const ACKNOWLEDGED_LIMIT = 50;
/** Open reports on the board at most (a flood must not make each snapshot unbounded). */
const OPEN_LIMIT = 200;

interface ReportRow {
  idempotency_key: string;
  number: string;
  kiosk_id: string;
  received_at: number;
  payload: string;
  officer: string | null;
  acknowledged_at: number | null;
}

/** Only the services' ids and names are read from the stored payload: nothing personal leaves it. */
const storedServicesSchema = z.object({
  services: z.array(z.object({ serviceId: z.string(), name: localizedNameSchema.optional() })),
});

const iso = (ms: number): string => new Date(Number(ms)).toISOString();

function reportOf(row: ReportRow): UrgentReport {
  let services: UrgentReport['services'] = [];
  try {
    const parsed = storedServicesSchema.safeParse(JSON.parse(row.payload));
    if (parsed.success)
      services = parsed.data.services
        .slice(0, 20)
        .map((s) => ({ serviceId: s.serviceId.slice(0, 80), name: s.name ?? null }));
  } catch {
    // A row edited by hand: the report still shows, without service names.
  }
  return {
    id: row.idempotency_key,
    number: row.number,
    kioskId: row.kiosk_id,
    services,
    receivedAt: iso(row.received_at),
    acknowledgement:
      row.officer !== null && row.acknowledged_at !== null
        ? { by: row.officer, at: iso(row.acknowledged_at) }
        : null,
  };
}

const REPORT_COLUMNS = `t.idempotency_key, t.number, t.kiosk_id, t.received_at, t.payload, a.officer, a.acknowledged_at
  FROM transactions t LEFT JOIN urgent_acknowledgements a ON a.idempotency_key = t.idempotency_key`;

/** The board: open reports oldest first, and the last day's acknowledged ones, newest acknowledgement first. */
export async function readUrgentBoard(
  db: CentralDb,
  now: number,
  escalateAfterMs: number,
): Promise<UrgentBoard> {
  const open = await db.all<ReportRow>(
    `SELECT ${REPORT_COLUMNS} WHERE t.urgent = 1 AND a.idempotency_key IS NULL
     ORDER BY t.received_at, t.idempotency_key LIMIT ?`,
    [OPEN_LIMIT],
  );
  const acknowledged = await db.all<ReportRow>(
    `SELECT ${REPORT_COLUMNS} WHERE t.urgent = 1 AND a.acknowledged_at >= ?
     ORDER BY a.acknowledged_at DESC, t.idempotency_key LIMIT ?`,
    [now - ACKNOWLEDGED_WINDOW_MS, ACKNOWLEDGED_LIMIT],
  );
  return {
    now: iso(now),
    escalateAfterMs,
    open: open.map(reportOf),
    acknowledged: acknowledged.map(reportOf),
  };
}

/**
 * Records `officer`'s acknowledgement of the urgent report `id`, unless one is recorded already (the first
 * officer's stands: `alreadyAcknowledged` and the report say who). Null when `id` is no urgent report.
 * Safe with several instances and officers at once: the insert is the only write and the key decides.
 */
export async function acknowledgeUrgentReport(
  db: CentralDb,
  id: string,
  officer: string,
  now: number,
): Promise<UrgentAcknowledgeResponse | null> {
  const exists = await db.get<{ urgent: number }>(
    'SELECT urgent FROM transactions WHERE idempotency_key = ? AND urgent = 1',
    [id],
  );
  if (!exists) return null;
  const { changes } = await db.run(
    `INSERT INTO urgent_acknowledgements (idempotency_key, officer, acknowledged_at) VALUES (?, ?, ?)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [id, officer, now],
  );
  const row = await db.get<ReportRow>(`SELECT ${REPORT_COLUMNS} WHERE t.idempotency_key = ?`, [id]);
  if (!row) return null;
  return { report: reportOf(row), alreadyAcknowledged: changes === 0 };
}

/** A kiosk's own urgent report's acknowledgement state; undefined for another kiosk's, a normal one or none. */
export async function urgentReportStatus(
  db: CentralDb,
  kioskId: string,
  id: string,
): Promise<UrgentReportStatus | undefined> {
  const row = await db.get<{ number: string; acknowledged_at: number | null }>(
    `SELECT t.number, a.acknowledged_at FROM transactions t
       LEFT JOIN urgent_acknowledgements a ON a.idempotency_key = t.idempotency_key
     WHERE t.idempotency_key = ? AND t.kiosk_id = ? AND t.urgent = 1`,
    [id, kioskId],
  );
  if (!row) return undefined;
  return row.acknowledged_at === null
    ? { id, number: row.number, status: 'waiting', acknowledgedAt: null }
    : { id, number: row.number, status: 'acknowledged', acknowledgedAt: iso(row.acknowledged_at) };
}

/** Changes whenever an urgent report is stored or acknowledged, through any instance (both counts only grow). */
export async function urgentFingerprint(db: CentralDb): Promise<string> {
  const row = await db.get<{ reports: number; acks: number }>(
    `SELECT (SELECT COUNT(*) FROM transactions WHERE urgent = 1) AS reports,
            (SELECT COUNT(*) FROM urgent_acknowledgements) AS acks`,
  );
  return `${Number(row?.reports ?? 0)}-${Number(row?.acks ?? 0)}`;
}

interface Stream {
  readonly res: ServerResponse;
  readonly stop: () => void;
}

/** Creates the urgent desk of one central instance. */
export function createUrgentDesk(
  options: UrgentDeskSettings & { readonly db: CentralDb; readonly now: () => number },
): UrgentDesk {
  const { db, now } = options;
  const escalateAfterMs = options.escalateAfterMs ?? DEFAULT_URGENT_ESCALATE_AFTER_MS;
  if (!Number.isInteger(escalateAfterMs) || escalateAfterMs <= 0)
    throw new RangeError('urgent.escalateAfterMs must be a positive whole number of milliseconds');
  const pollMs = options.pollMs ?? 1_000;
  const sessionCheckMs = options.sessionCheckMs ?? 30_000;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const streams = new Set<Stream>();
  let lastSent: string | null = null;
  let poller: ReturnType<typeof setInterval> | null = null;
  let checking: Promise<void> | null = null;
  let again = false;

  const frame = (board: UrgentBoard, fingerprint: string): string =>
    `event: snapshot\nid: ${fingerprint}\ndata: ${JSON.stringify(board)}\n\n`;

  /** Sends the board to every stream when the store changed since the last one sent (one check at a time). */
  const check = (): void => {
    if (checking) {
      again = true;
      return;
    }
    checking = (async () => {
      do {
        again = false;
        if (streams.size === 0) break;
        const fingerprint = await urgentFingerprint(db);
        if (fingerprint === lastSent) continue;
        const text = frame(await readUrgentBoard(db, now(), escalateAfterMs), fingerprint);
        lastSent = fingerprint;
        for (const stream of streams) stream.res.write(text);
      } while (again);
    })()
      .catch(() => {
        // The store is unreachable for a moment: the next poll tries again; the streams stay open.
        console.error('central: urgent board check failed');
      })
      .finally(() => {
        checking = null;
      });
  };

  const startPolling = (): void => {
    poller ??= setInterval(check, pollMs);
    poller.unref();
  };
  const stopPollingIfIdle = (): void => {
    if (streams.size > 0 || poller === null) return;
    clearInterval(poller);
    poller = null;
    lastSent = null;
  };

  const openStream = async (
    req: IncomingMessage,
    res: ServerResponse,
    kit: ConsoleRouteKit,
  ): Promise<void> => {
    await kit.requireSession(req, URGENT_ROLES, 'urgent.view');
    res.writeHead(200, {
      ...kit.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    // Every (re)connection starts with the whole board: Last-Event-ID needs no replay.
    let fingerprint: string;
    try {
      fingerprint = await urgentFingerprint(db);
      res.write(`retry: 2000\n\n${frame(await readUrgentBoard(db, now(), escalateAfterMs), fingerprint)}`);
    } catch (error) {
      // The headers are out: end the stream, and the browser reconnects after `retry`.
      res.end();
      throw error;
    }
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
    const sessionCheck = setInterval(() => {
      // The next check runs in a moment; a session store that fails keeps the stream until then.
      kit.sessionOf(req).then(
        (session) => {
          if (session) return;
          res.write('event: signed-out\ndata: {}\n\n');
          res.end();
        },
        () => undefined,
      );
    }, sessionCheckMs);
    keepAlive.unref();
    sessionCheck.unref();
    const stream: Stream = {
      res,
      stop: () => {
        clearInterval(keepAlive);
        clearInterval(sessionCheck);
      },
    };
    streams.add(stream);
    res.once('close', () => {
      stream.stop();
      streams.delete(stream);
      stopPollingIfIdle();
    });
    // The fingerprint this stream has seen may be newer than the one the others were last sent: re-check.
    if (lastSent !== fingerprint) check();
    startPolling();
  };

  const acknowledge = async (
    req: IncomingMessage,
    res: ServerResponse,
    kit: ConsoleRouteKit,
  ): Promise<void> => {
    const session = await kit.requireSession(req, URGENT_ROLES, 'urgent.acknowledge');
    await kit.requireCsrf(req, session, 'urgent.acknowledge');
    const parsed = urgentAcknowledgeRequestSchema.safeParse(await kit.readJson(req));
    if (!parsed.success) throw new HttpError(400, 'invalid-body', 'id: expected a transaction id');
    const at = now();
    const result = await acknowledgeUrgentReport(db, parsed.data.id, session.user.name, at);
    if (!result) {
      await audit(
        db,
        {
          user: session.user.name,
          action: 'urgent.acknowledge',
          outcome: 'refused',
          detail: 'no such report',
        },
        at,
      );
      throw new HttpError(404, 'not-found', 'no urgent report with this id');
    }
    const { report } = result;
    // The transaction number and kiosk only: the audit trail names the report, never its contents.
    const detail = result.alreadyAcknowledged
      ? `${report.number} at ${report.kioskId}: already acknowledged by ${report.acknowledgement?.by ?? '?'}`
      : `${report.number} at ${report.kioskId}`;
    await audit(db, { user: session.user.name, action: 'urgent.acknowledge', outcome: 'ok', detail }, at);
    check();
    kit.send(res, 200, result);
  };

  return {
    async handle(req, res, route, kit) {
      const method = req.method ?? 'GET';
      if (route === 'urgent' && method === 'GET') {
        await kit.requireSession(req, URGENT_ROLES, 'urgent.view');
        kit.send(res, 200, await readUrgentBoard(db, now(), escalateAfterMs));
        return true;
      }
      if (route === 'urgent-events' && method === 'GET') {
        await openStream(req, res, kit);
        return true;
      }
      if (route === 'urgent-acknowledge' && method === 'POST') {
        await acknowledge(req, res, kit);
        return true;
      }
      return false;
    },
    nudge: check,
    async close() {
      for (const stream of streams) {
        stream.stop();
        stream.res.end();
      }
      streams.clear();
      stopPollingIfIdle();
      await checking;
    },
  };
}
