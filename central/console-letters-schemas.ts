import { z } from 'zod';
import {
  letterKindSchema,
  localizedNameSchema,
  mailboxStateSchema,
  progressStatusSchema,
  ulidSchema,
} from '../contract/central-api.js';

/**
 * The shapes of the console's mailbox and transaction pages, shared by the server (central/console-letters.ts)
 * and the browser app (central/console-app/MailboxPage.tsx, TransactionsPage.tsx).
 */

const doneBySchema = z.object({ at: z.string(), by: z.string() }).nullable();

/** A promise clock: when it falls due, and when (and by whom) it was met. */
export const promiseClockSchema = z.object({
  dueAt: z.string(),
  metAt: z.string().nullable(),
  by: z.string().nullable(),
});
/** A promise clock. */
export type PromiseClock = z.infer<typeof promiseClockSchema>;

/** One letter as the console shows it. */
export const consoleLetterSchema = z.object({
  /** The transaction's id (tracking numbers are per kiosk and may repeat across the fleet). */
  id: ulidSchema,
  trackingNumber: z.string(),
  kioskId: z.string(),
  receivedAt: z.string(),
  kind: letterKindSchema,
  subject: z.string(),
  body: z.string(),
  citizenNameMasked: z.string().nullable(),
  status: mailboxStateSchema,
  signed: doneBySchema,
  answered: doneBySchema,
  closed: doneBySchema,
  reply: z.object({ text: z.string(), at: z.string(), by: z.string() }).nullable(),
  replies: z.int().min(0),
  clocks: z.object({
    signed: promiseClockSchema,
    answered: promiseClockSchema,
    firstFeedback: promiseClockSchema,
  }),
});
/** One letter in the console. */
export type ConsoleLetter = z.infer<typeof consoleLetterSchema>;

/** `GET /console/api/mailbox`. */
export const consoleMailboxSchema = z.object({
  now: z.string(),
  promiseMinutes: z.object({ signed: z.number(), answered: z.number(), firstFeedback: z.number() }),
  letters: z.array(consoleLetterSchema),
});
/** The mailbox page's data. */
export type ConsoleMailbox = z.infer<typeof consoleMailboxSchema>;

/** `POST /console/api/mailbox-action` body. */
export const consoleLetterActionSchema = z.discriminatedUnion('action', [
  z.object({ letterId: ulidSchema, action: z.literal('sign') }),
  z.object({
    letterId: ulidSchema,
    action: z.literal('reply'),
    text: z.string().trim().min(1).max(2000),
    /** The page's id for this reply: sending it again (a retry, a double click) stores one reply. */
    requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  }),
  z.object({ letterId: ulidSchema, action: z.literal('close') }),
]);
/** An officer's action on a letter. */
export type ConsoleLetterAction = z.infer<typeof consoleLetterActionSchema>;

/** `POST /console/api/mailbox-action` answer. */
export const consoleLetterActionResultSchema = z.object({
  letter: consoleLetterSchema,
  changed: z.boolean(),
});

/** One stored transaction as the console shows it (no personal data beyond a masked name and ID number). */
export const consoleTransactionSchema = z.object({
  id: ulidSchema,
  number: z.string(),
  kioskId: z.string(),
  completedAt: z.string(),
  receivedAt: z.string(),
  urgent: z.boolean(),
  /** Catalog names (uploaded with the transaction, else the latest published catalog's); null if neither has it. */
  services: z.array(z.object({ id: z.string(), name: localizedNameSchema.nullable() })),
  citizen: z.object({ nameMasked: z.string(), idNumberMasked: z.string() }).nullable(),
  letterTrackingNumber: z.string().nullable(),
  progress: z.object({
    status: progressStatusSchema,
    updatedAt: z.string(),
    /** The officer who set it (null: nobody has, or it was pinned through the admin API). */
    by: z.string().nullable(),
  }),
});
/** One transaction in the console. */
export type ConsoleTransaction = z.infer<typeof consoleTransactionSchema>;

/** `GET /console/api/transactions?number=…`: every stored transaction with that number (per kiosk), newest first. */
export const consoleTransactionsSchema = z.object({ items: z.array(consoleTransactionSchema) });
/** The transaction search's answer. */
export type ConsoleTransactions = z.infer<typeof consoleTransactionsSchema>;

/** `POST /console/api/transaction-progress` body. */
export const consoleProgressUpdateSchema = z.object({ id: ulidSchema, status: progressStatusSchema });

/** `POST /console/api/transaction-progress` answer. */
export const consoleProgressResultSchema = z.object({
  item: consoleTransactionSchema.nullable(),
  changed: z.boolean(),
});
