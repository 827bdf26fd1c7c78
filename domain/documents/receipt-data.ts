import { z } from 'zod';

/** The kiosk's three display languages. */
export const localeSchema = z.enum(['zh-CN', 'zh-HK', 'en']);
/** A display language. */
export type Locale = z.infer<typeof localeSchema>;

/**
 * Everything a visit receipt shows, whether printed on a roll (ESC/POS) or rendered as a PDF. Texts are
 * already localized by the caller; the ID number is already masked (receipts never carry a full one).
 */
export const receiptDataSchema = z.object({
  locale: localeSchema,
  /** The kiosk's identifier and where it stands, e.g. "SZ-FT-0012", "福田派出所 自助警务舱". */
  kioskId: z.string().min(1).max(64),
  kioskName: z.string().min(1).max(120),
  /** The human transaction number the citizen quotes, e.g. "JW-20261129-000123". */
  transactionNumber: z.string().min(1).max(64),
  completedAt: z.iso.datetime({ offset: true }),
  citizen: z
    .object({
      name: z.string().min(1).max(120),
      idNumberMasked: z.string().min(1).max(40),
    })
    .nullable(),
  services: z
    .array(
      z.object({
        id: z.string().min(1).max(80),
        name: z.string().min(1).max(200),
        /** What happened, e.g. "已受理" / "Accepted". */
        status: z.string().min(1).max(120),
        /** A service promise, e.g. "10 分钟内签收". */
        promise: z.string().max(200).optional(),
        /** Fee in yuan (CNY), when the service has one. */
        fee: z.number().nonnegative().max(1_000_000).optional(),
        /** A per-service reference, e.g. the mailbox tracking number. */
        reference: z.string().max(80).optional(),
      }),
    )
    .min(1)
    .max(20),
  /** Encoded in the receipt's QR code: where the citizen checks progress and downloads the PDF. */
  progressUrl: z.url().max(512),
  /** An optional closing notice, e.g. an anti-fraud warning. */
  notice: z.string().max(500).optional(),
  /** Outside production: print a "demonstration" marking. */
  demonstration: z.boolean(),
});

/** A validated receipt. */
export type ReceiptData = z.infer<typeof receiptDataSchema>;
