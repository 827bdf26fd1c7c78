/**
 * Fixtures the visit service's tests share: the simulator's resident card as the reader hands it over, and the
 * result a completion that stored the visit returns.
 */
import { ID_CARD_FIXTURES } from '../../../drivers/id-card/fixtures.js';
import type { IdCardData } from '../../../drivers/id-card/types.js';
import type { CompletedVisitView } from '../views.js';

/** The simulator's resident card, with photo bytes of its own (the visit zeroes them when it wipes the card). */
export function residentCard(): IdCardData {
  return {
    englishName: null,
    nationality: null,
    passNumber: null,
    issueCount: null,
    idNumberValid: true,
    photoWlt: new Uint8Array(1024).fill(7),
    fingerprint: null,
    ethnicity: null,
    address: null,
    issuer: null,
    ...ID_CARD_FIXTURES.resident.identity,
  };
}

/** A completion's result: stored, not sent yet, receipt printed. */
export const SAVED_VISIT: CompletedVisitView = {
  transactionNumber: 'JW-1',
  urgent: false,
  acknowledged: false,
  delivery: 'saved',
  completedAt: '2026-11-29T02:00:00.000Z',
  acknowledgedAt: null,
  receipt: { outcome: 'printed', reason: null },
  progressUrl: 'http://127.0.0.1/p',
};

/** A complete missing-person report form of the default catalog (made-up person), as the renderer submits it. */
export const MISSING_PERSON_FORM = {
  phone: '13800138000',
  missingName: '李四',
  missingSex: 'male',
  missingAge: '78',
  relationship: 'parent',
  lastSeenDate: '2026-11-28',
  lastSeenPlace: '福田区示例公园东门',
} as const;
