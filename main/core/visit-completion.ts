import type { PrintJobResult } from '../../drivers/printer/printer.js';
import { printJobOutcome } from '../../drivers/printer/printer.js';
import type { PrinterProfile } from '../../drivers/printer/profile.js';
import { progressPageUrl } from '../../contract/progress-link.js';
import { letterKindSchema, type LetterKind } from '../../contract/central-api.js';
import { PROFILE_80MM } from '../../drivers/printer/encoder.js';
import { maskIdNumber } from '../../drivers/id-card/id-number.js';
import { apiError } from '../api/protocol.js';
import type { CatalogLocale, ReceiptOutcomeView } from '../services/views.js';
import type { ReceiptData } from '../../domain/documents/receipt-data.js';
import { maskName } from '../../domain/documents/masking.js';
import { encodeReceipt } from '../services/documents/receipt-escpos.js';
import type { CompleteVisit } from '../services/session/visit-service.js';
import type { TransactionService } from '../services/transactions/transactions.js';
import type { Logger } from './log.js';

/** What printing a receipt needs of the printer. */
export interface ReceiptPrinter {
  print(job: Uint8Array): Promise<PrintJobResult>;
  /** The receipt is laid out for this profile (default 80 mm). */
  readonly profile?: PrinterProfile;
}

/** What the completion step needs. */
export interface VisitCompletionDeps {
  readonly transactions: TransactionService;
  readonly printer: ReceiptPrinter | null;
  readonly catalogVersion: () => number | null;
  readonly demonstration: () => boolean;
  readonly kioskId: string;
  readonly kioskName: Readonly<Record<CatalogLocale, string>>;
  /** Where a citizen checks progress: `<base>/progress/<transaction number>?k=<key>` goes into the QR code. */
  readonly progressBaseUrl: string;
  /**
   * Keeps what happened to the receipt (printed or not, and why) with the transaction number, for the kiosk's
   * progress screen; a failure to record it is logged and changes nothing else.
   */
  readonly recordReceipt?: (transactionNumber: string, receipt: ReceiptOutcomeView) => Promise<void>;
  readonly log: Logger;
  readonly now?: () => Date;
}

const ACCEPTED: Readonly<Record<CatalogLocale, string>> = {
  'zh-CN': '已受理',
  'zh-HK': '已受理',
  en: 'Accepted',
};

/** The longest promise line a receipt prints (receipt-data.ts). */
const MAX_PROMISE_TEXT = 200;

/**
 * Every promise of a service on one receipt line (the chief's mailbox has three: signed for, answered, first
 * feedback), joined in the receipt's language and cut to what the receipt holds.
 */
export function promiseLine(
  promises: readonly { readonly text: Readonly<Record<CatalogLocale, string>> }[],
  locale: CatalogLocale,
): string | null {
  if (promises.length === 0) return null;
  const line = promises.map((p) => p.text[locale]).join(locale === 'en' ? '; ' : '；');
  return line.length <= MAX_PROMISE_TEXT ? line : `${line.slice(0, MAX_PROMISE_TEXT - 1)}…`;
}

/**
 * The letter of a chief's-mailbox service (one whose outputs include a letter copy), from its form's `letterKind`,
 * `subject` and `body`, so that the central system files it in the mailbox; tracked by the transaction number.
 * Nothing when no service writes a letter or its form lacks those fields.
 */
export function letterOf(
  services: readonly {
    readonly service: { readonly outputs: readonly string[] };
    readonly values: Readonly<Record<string, unknown>>;
  }[],
): { letter: { kind: LetterKind; subject: string; body: string } } | Record<string, never> {
  for (const { service, values } of services) {
    if (!service.outputs.includes('letter-copy')) continue;
    const kind = letterKindSchema.safeParse(values.letterKind);
    const subject = typeof values.subject === 'string' ? values.subject.trim() : '';
    const body = typeof values.body === 'string' ? values.body.trim() : '';
    if (kind.success && subject !== '' && body !== '')
      return { letter: { kind: kind.data, subject: subject.slice(0, 200), body: body.slice(0, 10_000) } };
  }
  return {};
}

/** `2026-11-29T10:15:00+08:00` in the kiosk's local offset. */
function localIso(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number): string => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/**
 * Completes a visit: the transaction and its outbox row are written durably first (sealed personal data),
 * then the receipt is printed. A printer failure never loses the transaction: the citizen gets the QR code on
 * screen instead, and the result says why nothing was printed.
 */
export function createVisitCompletion(deps: VisitCompletionDeps): CompleteVisit {
  return async ({ locale, card, faceCheck, certificatePhoto, services }) => {
    const photoFor = new Set(certificatePhoto?.serviceIds ?? []);
    let completed;
    try {
      completed = await deps.transactions.complete({
        locale,
        catalogVersion: deps.catalogVersion(),
        citizen: card
          ? {
              cardType: card.cardType,
              name: card.name,
              idNumber: card.idNumber,
              sex: card.sex,
              ...(card.birthDate ? { birthDate: card.birthDate } : {}),
              ...(card.address ? { address: card.address } : {}),
            }
          : null,
        services: services.map(({ service, values }) => ({
          serviceId: service.id,
          // The catalog's names travel with the transaction: the central progress page and the electronic
          // receipt name the service in the citizen's language, never by its id.
          name: service.name,
          urgent: service.urgent,
          form: {
            ...values,
            ...(faceCheck === 'not-needed' ? {} : { identityCheck: faceCheck }),
            // Whether the photo travels with the application, or the citizen brings one to the counter.
            ...(certificatePhoto && photoFor.has(service.id)
              ? { certificatePhoto: certificatePhoto.status }
              : {}),
          },
        })),
        ...letterOf(services),
        ...(certificatePhoto?.status === 'provided'
          ? {
              certificatePhoto: {
                serviceIds: [...certificatePhoto.serviceIds],
                mediaType: 'image/jpeg' as const,
                width: certificatePhoto.width,
                height: certificatePhoto.height,
                data: Buffer.from(certificatePhoto.jpeg).toString('base64'),
              },
            }
          : {}),
      });
    } catch (error) {
      deps.log.error('visit.store-failed', { error: error instanceof Error ? error.name : 'unknown' });
      return { ok: false, error: apiError('internal', 'the transaction could not be stored') };
    }
    deps.log.info('visit.completed', { urgent: completed.urgent, services: services.length });

    // Keyed (contract/progress-link.ts): sequential numbers alone must not unlock the page. The key is the
    // transaction's own 128 random bits, uploaded with it; the URL is never logged.
    const progressUrl = progressPageUrl(deps.progressBaseUrl, completed.number, completed.progressKey);
    let receipt: ReceiptOutcomeView = { outcome: 'not-printed', reason: 'no-device' };
    if (deps.printer) {
      const data: ReceiptData = {
        locale,
        kioskId: deps.kioskId,
        kioskName: deps.kioskName[locale],
        transactionNumber: completed.number,
        completedAt: localIso(deps.now?.() ?? new Date(completed.completedAt)),
        citizen: card ? { name: maskName(card.name), idNumberMasked: maskIdNumber(card.idNumber) } : null,
        services: services.map(({ service }) => {
          const promise = promiseLine(service.promises, locale);
          return {
            id: service.id,
            name: service.name[locale],
            status: ACCEPTED[locale],
            ...(promise ? { promise } : {}),
            ...(service.fee ? { fee: service.fee.amount } : {}),
          };
        }),
        progressUrl,
        demonstration: deps.demonstration(),
      };
      try {
        const profile = deps.printer.profile ?? PROFILE_80MM;
        const result = await deps.printer.print(encodeReceipt(data, profile).bytes);
        // `unknown` keeps its reason (timeout, connection-lost, not-confirmed): the screen says which.
        receipt = printJobOutcome(result);
      } catch (error) {
        receipt = { outcome: 'failed', reason: 'io' };
        deps.log.error('receipt.print-crashed', { error: error instanceof Error ? error.name : 'unknown' });
      }
      deps.log.info('receipt.print', { outcome: receipt.outcome, reason: receipt.reason });
    }
    try {
      await deps.recordReceipt?.(completed.number, receipt);
    } catch (error) {
      deps.log.warn('receipt.record-failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
    return {
      ok: true,
      value: {
        transactionNumber: completed.number,
        urgent: completed.urgent,
        acknowledged: false,
        delivery: 'saved',
        completedAt: new Date(completed.completedAt).toISOString(),
        acknowledgedAt: null,
        receipt,
        progressUrl,
      },
    };
  };
}
