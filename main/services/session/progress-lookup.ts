/**
 * The kiosk's own progress look-up: a citizen scans a receipt's QR code at the kiosk (or types the transaction
 * number printed on it) and sees where that transaction stands — from this kiosk's store, not from the network:
 * its services by catalog name, whether the receipt printed, whether the central system has it, and (when the
 * central system can be asked quickly) its processing state.
 *
 * The screen is public, so the view carries nothing personal: the citizen's name appears only masked as the
 * receipt prints it, and only when the QR code's key was presented (a number alone is sequential and guessable).
 * A letter to the chief's mailbox shows where the officers have it (signed for, replied, closed) to anyone with
 * its number, but the officers' reply — which may speak of the citizen's affairs — only with the QR code's key.
 */
import { timingSafeEqual } from 'node:crypto';
import { parseProgressLinkKey } from '../../../contract/progress-link.js';
import type { MailboxStatus, TransactionProgress } from '../../../contract/central-api.js';
import { isTransactionNumber, sanitizeScannedText } from '../../../drivers/scanner/classify.js';
import { apiError, type ApiResult } from '../errors.js';
import type {
  DeliveryState,
  LetterProgressView,
  LocalizedText,
  ReceiptOutcomeView,
  TransactionProgressView,
} from '../views.js';
import type { KioskStore } from '../../store/store.js';
import type { Catalog } from '../../../contract/catalog/schema.js';
import type { CentralResult } from '../central/client.js';
import { maskName } from '../../../domain/documents/masking.js';
import type { TransactionService } from '../transactions/transactions.js';

/** The audit event that keeps a receipt's outcome with its transaction number (no personal data). */
export const RECEIPT_AUDIT_EVENT = 'receipt.print';

/** What a scanned or typed code points at: a transaction number, and the QR code's key when there was one. */
export interface ProgressCode {
  readonly number: string;
  readonly key: string | null;
}

/**
 * A transaction number as printed (`JW-YYYYMMDD-NNNNNN`) from what a citizen typed on a digit pad: the 14
 * digits, with or without the `JW` prefix, dashes and spaces. Null when it cannot be one.
 */
export function normalizeTransactionNumber(input: string): string | null {
  const compact = input.replace(/[\s\u3000]/g, '').toUpperCase();
  const m = /^(?:JW)?-?(\d{8})-?(\d{6})$/.exec(compact);
  if (!m) return null;
  const number = `JW-${m[1] ?? ''}-${m[2] ?? ''}`;
  return isTransactionNumber(number) ? number : null;
}

/** A base URL without its trailing slashes, or null when it is not an absolute http(s) URL. */
function parseBase(base: string): URL | null {
  try {
    const url = new URL(base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    // An unparsable base is no base: no link reads as one of ours.
    return null;
  }
}

/**
 * Reads a receipt code: a bare transaction number (typed or scanned), or the receipt's QR link
 * `<base>/progress/<number>?k=<key>` on one of this kiosk's progress bases. A link to any other site is not
 * ours (anyone can print a QR code) and reads as null, like anything else that is not a receipt code.
 */
export function parseProgressCode(raw: string, baseUrls: readonly string[]): ProgressCode | null {
  const { text, truncated } = sanitizeScannedText(raw);
  if (truncated || text === '') return null;
  const typed = normalizeTransactionNumber(text);
  if (typed) return { number: typed, key: null };
  if (!/^https?:\/\/\S+$/i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL: not a progress link.
    return null;
  }
  if (url.username !== '' || url.password !== '') return null;
  for (const base of baseUrls) {
    const b = parseBase(base);
    if (!b || b.origin !== url.origin) continue;
    const prefix = `${b.pathname.replace(/\/+$/, '')}/progress/`;
    if (!url.pathname.startsWith(prefix)) continue;
    const rest = url.pathname.slice(prefix.length).replace(/\/$/, '');
    let number: string;
    try {
      number = decodeURIComponent(rest);
    } catch {
      // A malformed escape: not a progress link.
      return null;
    }
    if (!isTransactionNumber(number)) return null;
    return { number, key: parseProgressLinkKey(url.searchParams.get('k')) };
  }
  return null;
}

/** Keeps a receipt's outcome in the audit log, by transaction number (for the progress screen). */
export function receiptRecorder(
  store: KioskStore,
): (transactionNumber: string, receipt: ReceiptOutcomeView) => Promise<void> {
  return (transactionNumber, receipt) =>
    store.audit.append(RECEIPT_AUDIT_EVENT, 'system', {
      transactionNumber,
      outcome: receipt.outcome,
      reason: receipt.reason,
    });
}

/** What the look-up needs. */
export interface ProgressLookupDeps {
  readonly store: KioskStore;
  readonly transactions: TransactionService;
  readonly kioskId: string;
  /** The applied catalog (service names); null when out of service. */
  readonly catalog: () => Catalog | null;
  /** Where this kiosk's receipt links point (the public base, the central URL). */
  readonly baseUrls: readonly string[];
  /** Asks the central system for the processing state; absent without a central API. */
  readonly centralProgress?: (
    number: string,
    signal: AbortSignal,
  ) => Promise<CentralResult<TransactionProgress | null>>;
  /** Asks the central system where a mailbox letter stands (by its tracking number); absent without a central API. */
  readonly centralMailbox?: (
    trackingNumber: string,
    signal: AbortSignal,
  ) => Promise<CentralResult<MailboxStatus | null>>;
  /** How long the central system may take to answer before the screen shows without it. Default 2500 ms. */
  readonly centralTimeoutMs?: number;
}

interface Row {
  id: string;
  number: string;
  urgent: number;
  state: 'completed' | 'acknowledged' | 'rejected';
  services: string;
  completed_at: number;
  sealed: Buffer | null;
  acked_at: number | null;
  rejected_at: number | null;
  attempts: number | null;
}

function deliveryOf(row: Row): DeliveryState {
  if (row.state === 'acknowledged' || row.acked_at !== null) return 'acknowledged';
  if (row.state === 'rejected' || row.rejected_at !== null) return 'rejected';
  return (row.attempts ?? 0) > 0 ? 'retrying' : 'saved';
}

function sameKey(presented: string, stored: string | undefined): boolean {
  if (stored === undefined) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Builds the look-up behind the KioskApi's `progress.lookup`. */
export function createProgressLookup(
  deps: ProgressLookupDeps,
): (code: string) => Promise<ApiResult<TransactionProgressView>> {
  return async (code) => {
    const parsed = parseProgressCode(code, deps.baseUrls);
    if (!parsed) return { ok: false, error: apiError('invalid-params', 'not a receipt code') };
    const row = await deps.store.db.get<Row>(
      `SELECT t.id, t.number, t.urgent, t.state, t.services, t.completed_at, t.sealed,
              o.acked_at, o.rejected_at, o.attempts
       FROM transactions t LEFT JOIN outbox o ON o.transaction_id = t.id WHERE t.number = ?`,
      [parsed.number],
    );
    if (!row) return { ok: false, error: apiError('not-found') };

    // The key unlocks the masked name (and the names the transaction was stored with); a number alone does not.
    let keyMatched = false;
    let citizenNameMasked: string | null = null;
    let trackingNumber: string | null = null;
    const storedNames = new Map<string, LocalizedText>();
    if (row.sealed !== null) {
      try {
        const payload = deps.transactions.payloadFromRow(row, deps.kioskId);
        // Whether it is a letter (and its tracking number) is not personal; what follows needs the key.
        trackingNumber = payload.letter?.trackingNumber ?? null;
        if (parsed.key !== null && sameKey(parsed.key, payload.progressKey)) {
          keyMatched = true;
          citizenNameMasked = payload.citizen ? maskName(payload.citizen.name) : null;
          for (const s of payload.services) if (s.name) storedNames.set(s.serviceId, s.name);
        }
      } catch {
        // A record that does not open shows its status without anything personal.
      }
    }

    const catalog = deps.catalog();
    const serviceIds = JSON.parse(row.services) as unknown;
    const services = (Array.isArray(serviceIds) ? serviceIds : [])
      .filter((id): id is string => typeof id === 'string')
      .map((id) => ({
        id,
        name: catalog?.services.find((s) => s.id === id)?.name ?? storedNames.get(id) ?? null,
      }));

    const receiptRow = await deps.store.db.get<{ details: string }>(
      `SELECT details FROM audit_log WHERE event = ? AND json_extract(details, '$.transactionNumber') = ?
       ORDER BY id DESC LIMIT 1`,
      [RECEIPT_AUDIT_EVENT, row.number],
    );
    let receiptPrinted: boolean | null = null;
    if (receiptRow) {
      try {
        const details = JSON.parse(receiptRow.details) as { outcome?: unknown };
        receiptPrinted = details.outcome === 'printed';
      } catch {
        receiptPrinted = null;
      }
    }

    const delivery = deliveryOf(row);
    let centralStatus: TransactionProgressView['centralStatus'] = null;
    let letter: LetterProgressView | null = null;
    if (delivery === 'acknowledged') {
      const signal = AbortSignal.timeout(deps.centralTimeoutMs ?? 2500);
      const askProgress = async (): Promise<void> => {
        if (!deps.centralProgress) return;
        const answer = await deps.centralProgress(row.number, signal);
        if (answer.ok && answer.value) centralStatus = answer.value.status;
      };
      const askMailbox = async (): Promise<void> => {
        if (!deps.centralMailbox || trackingNumber === null) return;
        const answer = await deps.centralMailbox(trackingNumber, signal);
        if (!answer.ok || !answer.value) return;
        const status = answer.value;
        letter = {
          status: status.status,
          signedAt: status.signedAt ?? null,
          answeredAt: status.answeredAt ?? null,
          closedAt: status.closedAt ?? null,
          reply: keyMatched && status.reply ? { text: status.reply.text, at: status.reply.at } : null,
          replyWithheld: !keyMatched && status.reply !== undefined,
        };
      };
      // Both at once, within one deadline; either unknown right now leaves the screen with what the kiosk knows.
      await Promise.all([askProgress().catch(() => undefined), askMailbox().catch(() => undefined)]);
    }

    return {
      ok: true,
      value: {
        transactionNumber: row.number,
        completedAt: new Date(row.completed_at).toISOString(),
        urgent: row.urgent === 1,
        services,
        delivery,
        centralStatus,
        letter,
        receiptPrinted,
        citizenNameMasked,
        keyMatched,
      },
    };
  };
}
