import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { maskIdNumber } from '../drivers/id-card/id-number.js';
import { maskName } from '../domain/documents/masking.js';
import { audit } from './console-auth.js';
import {
  consoleLetterActionSchema,
  consoleProgressUpdateSchema,
  type ConsoleLetter,
  type ConsoleMailbox,
  type ConsoleTransaction,
  type ConsoleTransactions,
} from './console-letters-schemas.js';
import type { ConsoleModule } from './console.js';
import {
  localizedNameSchema,
  referenceNumberSchema,
  transactionPayloadSchema,
  type LocalizedName,
  type TransactionProgress,
} from '../contract/central-api.js';
import type { CentralDb } from './db.js';
import { HttpError } from './http-json.js';
import type { TransactionRow } from './server.js';
import {
  actOnLetter,
  letterStateOf,
  loadLetterActions,
  LetterOrderError,
  MAILBOX_PROMISE_MINUTES,
  type LetterState,
} from './mailbox.js';

/**
 * The console's chief's mailbox and transactions (central/console-app/MailboxPage.tsx, TransactionsPage.tsx):
 *
 *   GET  /console/api/mailbox                       the letters with their three promise clocks
 *   POST /console/api/mailbox-action                sign for, reply to or close a letter (central/mailbox.ts)
 *   GET  /console/api/transactions?number=JW-…      stored transactions with that number
 *   POST /console/api/transaction-progress          set a transaction's progress
 *
 * Roles: answering citizens is police work, so only **duty officers** act (sign, reply, close, set progress);
 * **administrators** run the system and may look (the mailbox list and its clocks, to see promises kept, and a
 * transaction search) but not act — an administrator's attempt is refused with 403 and audited. Every action and
 * every search is in the audit trail with the officer's name; reply texts and personal data never are.
 *
 * Personal data shown is what an officer needs: the letter itself, the name masked as the receipt prints it, ID
 * numbers masked; never the phone number, address or form values.
 */

/** How long a closed letter stays in the mailbox list. */
export const CLOSED_LETTERS_SHOWN_MS = 7 * 24 * 3_600_000;
/** Most letters the list returns (the oldest first). */
export const MAX_LETTERS_LISTED = 200;

/** What the module needs of the server. */
export interface LettersConsoleOptions {
  readonly db: CentralDb;
  readonly now: () => number;
  /** A stored transaction's progress as the kiosk and the progress page see it. */
  readonly progressOf: (row: TransactionRow) => TransactionProgress;
}

interface StoredRow extends TransactionRow {
  payload: string;
  completed_at: string;
  urgent: number;
  progress_override_by: string | null;
}

const storedPayloadSchema = transactionPayloadSchema.omit({ progressKey: true });
type StoredPayload = z.infer<typeof storedPayloadSchema>;

function parsePayload(text: string): StoredPayload | null {
  try {
    const parsed = storedPayloadSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // A stored payload that is not JSON shows as missing, like one that fails its schema.
    return null;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A promise clock: due `minutes` after arrival, met when `met` happened. */
function clock(
  receivedAt: number,
  minutes: number,
  met: { at: number; by: string } | null,
): ConsoleLetter['clocks']['signed'] {
  return {
    dueAt: iso(receivedAt + minutes * 60_000),
    metAt: met ? iso(met.at) : null,
    by: met?.by ?? null,
  };
}

function letterView(row: StoredRow, payload: StoredPayload, state: LetterState): ConsoleLetter | null {
  if (!payload.letter) return null;
  const who = (w: { at: number; by: string } | null): { at: string; by: string } | null =>
    w ? { at: iso(w.at), by: w.by } : null;
  return {
    id: row.idempotency_key,
    trackingNumber: payload.letter.trackingNumber,
    kioskId: row.kiosk_id,
    receivedAt: iso(row.received_at),
    kind: payload.letter.kind,
    subject: payload.letter.subject,
    body: payload.letter.body,
    citizenNameMasked: payload.citizen ? maskName(payload.citizen.name) : null,
    status: state.status,
    signed: who(state.signed),
    answered: who(state.answered),
    closed: who(state.closed),
    reply: state.reply ? { text: state.reply.text, at: iso(state.reply.at), by: state.reply.by } : null,
    replies: state.replies,
    clocks: {
      signed: clock(row.received_at, MAILBOX_PROMISE_MINUTES.signed, state.signed),
      answered: clock(row.received_at, MAILBOX_PROMISE_MINUTES.answered, state.answered),
      firstFeedback: clock(row.received_at, MAILBOX_PROMISE_MINUTES.firstFeedback, state.feedback),
    },
  };
}

const catalogNamesSchema = z.object({
  catalog: z.object({
    services: z.array(z.object({ id: z.string(), name: localizedNameSchema }).loose()),
  }),
});

/** Creates the module; register it with the console (central/server.ts). */
export function createLettersConsole(options: LettersConsoleOptions): ConsoleModule {
  const { db, now } = options;

  /** Service names of the latest published catalog, for uploads that carried none. */
  const catalogNames = async (): Promise<Map<string, LocalizedName>> => {
    const latest = await db.get<{ body: Buffer }>('SELECT body FROM catalogs ORDER BY version DESC LIMIT 1');
    const names = new Map<string, LocalizedName>();
    if (!latest) return names;
    try {
      const parsed = catalogNamesSchema.safeParse(JSON.parse(Buffer.from(latest.body).toString('utf8')));
      if (parsed.success) for (const s of parsed.data.catalog.services) names.set(s.id, s.name);
    } catch {
      // A catalog that does not parse names nothing; the page says "not in the catalog".
    }
    return names;
  };

  const mailbox = async (): Promise<ConsoleMailbox> => {
    const at = now();
    // Every open letter however old (oldest first: the most pressing clocks), and those closed within the week.
    const rows = await db.all<StoredRow>(
      `SELECT * FROM transactions t WHERE t.tracking_number IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM mailbox_actions a WHERE a.letter_id = t.idempotency_key AND a.action = 'close' AND a.at < ?)
       ORDER BY t.received_at LIMIT ?`,
      [at - CLOSED_LETTERS_SHOWN_MS, MAX_LETTERS_LISTED],
    );
    const actions = await loadLetterActions(
      db,
      rows.map((row) => row.idempotency_key),
    );
    const letters = rows
      .flatMap((row): ConsoleLetter[] => {
        const payload = parsePayload(row.payload);
        if (!payload) return [];
        const view = letterView(row, payload, letterStateOf(actions.get(row.idempotency_key) ?? []));
        return view ? [view] : [];
      })
      // Open letters first, oldest first (the most urgent clock on top); closed ones after, newest first.
      .sort((a, b) =>
        a.closed === null && b.closed === null
          ? a.receivedAt.localeCompare(b.receivedAt)
          : a.closed === null
            ? -1
            : b.closed === null
              ? 1
              : b.receivedAt.localeCompare(a.receivedAt),
      );
    return { now: iso(at), promiseMinutes: { ...MAILBOX_PROMISE_MINUTES }, letters };
  };

  const transactions = async (number: string): Promise<ConsoleTransactions> => {
    const rows = await db.all<StoredRow>(
      'SELECT * FROM transactions WHERE number = ? ORDER BY received_at DESC',
      [number],
    );
    const names = rows.length > 0 ? await catalogNames() : new Map<string, LocalizedName>();
    const items = rows.flatMap((row): ConsoleTransaction[] => {
      const payload = parsePayload(row.payload);
      if (!payload) return [];
      const progress = options.progressOf(row);
      return [
        {
          id: row.idempotency_key,
          number: row.number,
          kioskId: row.kiosk_id,
          completedAt: payload.completedAt,
          receivedAt: iso(row.received_at),
          urgent: payload.urgent,
          services: payload.services.map((s) => ({
            id: s.serviceId,
            name: s.name ?? names.get(s.serviceId) ?? null,
          })),
          citizen: payload.citizen
            ? {
                nameMasked: maskName(payload.citizen.name),
                idNumberMasked: maskIdNumber(payload.citizen.idNumber),
              }
            : null,
          letterTrackingNumber: payload.letter?.trackingNumber ?? null,
          progress: {
            status: progress.status,
            updatedAt: progress.updatedAt,
            by: row.progress_override !== null ? row.progress_override_by : null,
          },
        },
      ];
    });
    return { items };
  };

  const numberOf = (req: IncomingMessage): string => {
    const raw = new URL(req.url ?? '/', 'http://console.invalid').searchParams.get('number') ?? '';
    const parsed = referenceNumberSchema.safeParse(raw.trim().toUpperCase());
    if (!parsed.success) throw new HttpError(400, 'bad-number', 'give a transaction number');
    return parsed.data;
  };

  return {
    async handle(route, req, res, kit) {
      const method = req.method ?? 'GET';
      if (route === 'mailbox' && method === 'GET') {
        await kit.requireSession(req, ['duty-officer', 'administrator'], 'mailbox.view');
        kit.send(res, 200, await mailbox());
        return true;
      }
      if (route === 'mailbox-action' && method === 'POST') {
        const session = await kit.requireSession(req, ['duty-officer'], 'mailbox.action');
        await kit.requireCsrf(req, session, 'mailbox.action');
        const body = await kit.readJson(req, consoleLetterActionSchema);
        const actionName = `mailbox.${body.action}`;
        const row = await db.get<StoredRow>('SELECT * FROM transactions WHERE idempotency_key = ?', [
          body.letterId,
        ]);
        const payload = row ? parsePayload(row.payload) : null;
        if (!row || !payload?.letter) throw new HttpError(404, 'not-found', 'no such letter');
        // The tracking number and kiosk say which letter; never the reply's text (it may name people).
        const detail = `letter ${payload.letter.trackingNumber} from ${row.kiosk_id}`;
        try {
          const { state, changed } = await actOnLetter(db, {
            letterId: body.letterId,
            action: body.action,
            officer: session.user.name,
            now: now(),
            ...(body.action === 'reply' ? { text: body.text, requestId: body.requestId } : {}),
          });
          await audit(
            db,
            {
              user: session.user.name,
              action: actionName,
              outcome: 'ok',
              detail: changed ? detail : `${detail} (already done)`,
            },
            now(),
          );
          const view = letterView(row, payload, state);
          kit.send(res, 200, { letter: view, changed });
        } catch (error) {
          if (!(error instanceof LetterOrderError)) throw error;
          await audit(
            db,
            {
              user: session.user.name,
              action: actionName,
              outcome: 'refused',
              detail: `${detail}: ${error.code}`,
            },
            now(),
          );
          throw new HttpError(409, error.code, error.message);
        }
        return true;
      }
      if (route === 'transactions' && method === 'GET') {
        const session = await kit.requireSession(
          req,
          ['duty-officer', 'administrator'],
          'transactions.search',
        );
        const number = numberOf(req);
        const found = await transactions(number);
        // Looking up a citizen's record is itself recorded (who looked, for which number).
        await audit(
          db,
          {
            user: session.user.name,
            action: 'transactions.search',
            outcome: 'ok',
            detail: `${number}: ${found.items.length} found`,
          },
          now(),
        );
        kit.send(res, 200, found);
        return true;
      }
      if (route === 'transaction-progress' && method === 'POST') {
        const session = await kit.requireSession(req, ['duty-officer'], 'transaction.progress');
        await kit.requireCsrf(req, session, 'transaction.progress');
        const body = await kit.readJson(req, consoleProgressUpdateSchema);
        const at = now();
        const changed = await db.transaction(async () => {
          const row = await db.get<StoredRow>('SELECT * FROM transactions WHERE idempotency_key = ?', [
            body.id,
          ]);
          if (!row) throw new HttpError(404, 'not-found', 'no such transaction');
          // The same status again changes nothing (its time and officer stay): a retried click is harmless.
          if (row.progress_override === body.status) return { row, changed: false };
          await db.run(
            'UPDATE transactions SET progress_override = ?, progress_override_at = ?, progress_override_by = ? WHERE idempotency_key = ?',
            [body.status, at, session.user.name, body.id],
          );
          return { row, changed: true };
        });
        await audit(
          db,
          {
            user: session.user.name,
            action: 'transaction.progress',
            outcome: 'ok',
            detail: `${changed.row.number} from ${changed.row.kiosk_id}: ${body.status}${changed.changed ? '' : ' (already)'}`,
          },
          now(),
        );
        const found = await transactions(changed.row.number);
        kit.send(res, 200, {
          item: found.items.find((item) => item.id === body.id) ?? null,
          changed: changed.changed,
        });
        return true;
      }
      return false;
    },
  };
}
