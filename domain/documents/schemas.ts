import { z } from 'zod';
import { localeSchema, receiptDataSchema } from './receipt-data.js';

/** Issue parameter set on a masked-number field that holds a full number, so callers can tell it apart. */
export const FULL_NUMBER_REASON = 'full_number';

/**
 * Whether text looks like an unmasked personal number: 15 or more digits in a row (an 18-digit resident ID,
 * its 17 digits + X form, or an old 15-digit one), spaces and dashes between digits ignored.
 */
export function looksLikeFullIdNumber(text: string): boolean {
  const compact = text.replace(/[\s-]/g, '');
  return /\d{17}[\dXx]/.test(compact) || /\d{15}/.test(compact);
}

/** Adds the "full ID number in a masked field" issue; shared by the receipt check and the schemas. */
function checkMaskedId(value: string, ctx: z.RefinementCtx, path: PropertyKey[] = []): void {
  if (looksLikeFullIdNumber(value)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: 'looks like a full ID number; only masked numbers are accepted (e.g. 4403**********123X)',
      params: { reason: FULL_NUMBER_REASON },
    });
  } else if (!/[*＊×xX•]/.test(value.replace(/[Xx]$/, ''))) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: 'a masked ID number must hide some characters with * (e.g. 4403**********123X)',
      params: { reason: FULL_NUMBER_REASON },
    });
  }
}

/** A masked ID number, e.g. `4403**********123X`; a full number is rejected. */
export const maskedIdNumberSchema = z
  .string()
  .min(1)
  .max(40)
  .superRefine((v, ctx) => checkMaskedId(v, ctx));

/** A masked phone number, e.g. `138****5678`; a full 11-digit mobile number is rejected. */
export const maskedPhoneSchema = z
  .string()
  .min(1)
  .max(40)
  .superRefine((value, ctx) => {
    if (/\d{7,}/.test(value.replace(/[\s-]/g, ''))) {
      ctx.addIssue({
        code: 'custom',
        message: 'looks like a full phone number; only masked numbers are accepted (e.g. 138****5678)',
        params: { reason: FULL_NUMBER_REASON },
      });
    }
  });

/** The receipt schema plus the masked-ID check receipt-data.ts leaves to the renderer. */
export const printableReceiptSchema = receiptDataSchema.superRefine((receipt, ctx) => {
  if (receipt.citizen) checkMaskedId(receipt.citizen.idNumberMasked, ctx, ['citizen', 'idNumberMasked']);
});

/** The certificates the booth prints. */
export const certificateTypeSchema = z.enum(['household-registration', 'no-criminal-record']);

/** A certificate (户籍证明 / 无犯罪记录证明): texts already localized by the caller, ID number masked. */
export const certificateDataSchema = z.object({
  locale: localeSchema,
  type: certificateTypeSchema,
  /** The certificate's number, e.g. "HJZM-2026-440304-000123". */
  documentNumber: z.string().min(1).max(64),
  holder: z.object({
    name: z.string().min(1).max(120),
    idNumberMasked: maskedIdNumberSchema,
  }),
  /** e.g. "深圳市公安局福田分局福田派出所". */
  issuingUnit: z.string().min(1).max(120),
  issueDate: z.iso.date(),
  /** Extra labelled facts shown above the body, e.g. household address or ethnicity. */
  fields: z
    .array(z.object({ label: z.string().min(1).max(40), value: z.string().min(1).max(300) }))
    .max(12)
    .default([]),
  /** The certifying text; what does not fit the page is cut with an ellipsis. */
  body: z.string().min(1).max(10_000),
  /** Encoded in the verification QR code. */
  verificationUrl: z.url().max(512),
  /** Outside production: a diagonal "演示 DEMONSTRATION" watermark. */
  demonstration: z.boolean(),
});

/** A validated certificate. */
export type CertificateData = z.infer<typeof certificateDataSchema>;

/** The chief's mailbox letter kinds. */
export const letterKindSchema = z.enum(['consultation', 'help', 'complaint', 'suggestion']);

/** The citizen's copy of a letter to the chief's mailbox (局长信箱). */
export const letterCopySchema = z.object({
  locale: localeSchema,
  /** e.g. "XX-20261129-0042". */
  trackingNumber: z.string().min(1).max(64),
  kind: letterKindSchema,
  subject: z.string().min(1).max(200),
  /** The letter itself; long letters flow over several pages. */
  body: z.string().min(1).max(20_000),
  submittedAt: z.iso.datetime({ offset: true }),
  /** null for an anonymous letter. */
  sender: z
    .object({
      name: z.string().min(1).max(120),
      idNumberMasked: maskedIdNumberSchema,
      phoneMasked: maskedPhoneSchema.optional(),
    })
    .nullable(),
  kioskName: z.string().min(1).max(120),
  /** Encoded in a QR code to follow the letter, when given. */
  progressUrl: z.url().max(512).optional(),
  demonstration: z.boolean(),
});

/** A validated letter copy. */
export type LetterCopyData = z.infer<typeof letterCopySchema>;
