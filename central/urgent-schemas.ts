import { z } from 'zod';
import {
  kioskIdSchema,
  localizedNameSchema,
  referenceNumberSchema,
  ulidSchema,
} from '../contract/central-api.js';

/**
 * The console's urgent-report shapes, shared by the server (central/console-urgent.ts) and the browser app
 * (central/console-app/UrgentPage.tsx).
 *
 * What an officer sees of a report, on purpose: where (kiosk), what (the service's name), the transaction
 * number, when it arrived, and who acknowledged it when. No personal data — neither the citizen's identity nor
 * the missing person's details: the board is on a screen in the command centre and its live stream reaches
 * every signed-in console; the officer who takes the report reads the full record by its number.
 */

/** Default time after which an unacknowledged urgent report escalates on the console (issue 14: 60 s). */
export const DEFAULT_URGENT_ESCALATE_AFTER_MS = 60_000;

/** A duty officer's acknowledgement: who, and when (ISO, UTC). */
export const urgentAcknowledgementSchema = z.object({
  by: z.string().min(1).max(64),
  at: z.string(),
});
/** A duty officer's acknowledgement. */
export type UrgentAcknowledgement = z.infer<typeof urgentAcknowledgementSchema>;

/** One urgent report on the console. */
export const urgentReportSchema = z.object({
  /** The transaction id (the idempotency key): what the acknowledge call names. */
  id: ulidSchema,
  number: referenceNumberSchema,
  kioskId: kioskIdSchema,
  /** The services' names from the kiosk's catalog (absent from uploads of older kiosks: the id alone). */
  services: z
    .array(z.object({ serviceId: z.string().max(80), name: localizedNameSchema.nullable() }))
    .max(20),
  /** When the central system stored it (ISO, UTC). */
  receivedAt: z.string(),
  acknowledgement: urgentAcknowledgementSchema.nullable(),
});
/** One urgent report on the console. */
export type UrgentReport = z.infer<typeof urgentReportSchema>;

/** `GET /console/api/urgent` and every `snapshot` event of `GET /console/api/urgent-events`. */
export const urgentBoardSchema = z.object({
  /** The server's time when the board was read (ISO): ages are counted from it, not from the browser's clock. */
  now: z.string(),
  /** An open report escalates on screen once it is this old. */
  escalateAfterMs: z.int().positive(),
  /** Reports no officer has acknowledged yet, oldest first. */
  open: z.array(urgentReportSchema),
  /** The most recently acknowledged reports (the last 24 h, at most 50), newest acknowledgement first. */
  acknowledged: z.array(urgentReportSchema),
});
/** The urgent-report board. */
export type UrgentBoard = z.infer<typeof urgentBoardSchema>;

/** `POST /console/api/urgent-acknowledge` body. */
export const urgentAcknowledgeRequestSchema = z.object({ id: ulidSchema });

/** `POST /console/api/urgent-acknowledge` 200 body. */
export const urgentAcknowledgeResponseSchema = z.object({
  report: urgentReportSchema,
  /** True when another officer (or this one, earlier) had acknowledged it already: `report.acknowledgement` says who. */
  alreadyAcknowledged: z.boolean(),
});
/** The answer to an acknowledgement. */
export type UrgentAcknowledgeResponse = z.infer<typeof urgentAcknowledgeResponseSchema>;
