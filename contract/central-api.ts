import { z } from 'zod';
import { PROGRESS_KEY_PATTERN } from './progress-link.js';

/**
 * The central API contract, shared by the reference server (central/) and the kiosk's client
 * (main/services/central/client.ts). resources/openapi/central-api.yaml is generated from these schemas by
 * central/openapi.ts, so this file is the single source of truth for every request and response body.
 *
 * Paths (all JSON; errors are `{ "error": { "code", "message" } }`):
 *   POST /v1/transactions:batch            kiosk token   BatchUploadRequest  → BatchUploadResponse
 *                                          (per item: stored | duplicate | conflict | rejected)
 *   POST /v1/heartbeat                     kiosk token   HeartbeatRequest    → HeartbeatResponse
 *   GET  /v1/catalog                       kiosk token   If-None-Match       → signed catalog document | 304
 *                                          (the newest published to the kiosk's groups, within its signed audience)
 *   GET  /v1/transactions/{number}/progress kiosk token                      → TransactionProgress | 404
 *                                          (only the calling kiosk's own transactions)
 *   GET  /v1/mailbox/{trackingNumber}      kiosk token                       → MailboxStatus | 404
 *   GET  /v1/urgent-reports/{id}           kiosk token                       → UrgentReportStatus | 404
 *                                          (only the calling kiosk's own urgent transactions)
 *   POST /v1/admin/catalog                 admin token   signed catalog      → CatalogPublished | 409
 *   GET  /v1/admin/fleet                   admin token                       → FleetResponse
 *   GET  /v1/admin/stats                   admin token                       → StatsResponse
 *   GET  /v1/admin/transactions/{number}  admin token                       → AdminTransactions | 404
 *   POST /v1/admin/transactions/{number}/progress  admin token  ProgressOverride → TransactionProgress
 *   POST /v1/admin/mailbox/{trackingNumber}        admin token  MailboxOverride  → MailboxStatus
 */

/** API paths, so server, client and OpenAPI document cannot drift apart. */
export const centralPaths = {
  batch: '/v1/transactions:batch',
  heartbeat: '/v1/heartbeat',
  catalog: '/v1/catalog',
  progress: (number: string): string => `/v1/transactions/${encodeURIComponent(number)}/progress`,
  mailbox: (trackingNumber: string): string => `/v1/mailbox/${encodeURIComponent(trackingNumber)}`,
  adminCatalog: '/v1/admin/catalog',
  adminFleet: '/v1/admin/fleet',
  adminStats: '/v1/admin/stats',
  adminTransactions: (number: string): string => `/v1/admin/transactions/${encodeURIComponent(number)}`,
  adminProgress: (number: string): string => `/v1/admin/transactions/${encodeURIComponent(number)}/progress`,
  adminMailbox: (trackingNumber: string): string => `/v1/admin/mailbox/${encodeURIComponent(trackingNumber)}`,
  urgentReport: (id: string): string => `/v1/urgent-reports/${encodeURIComponent(id)}`,
} as const;

/** Most items one batch upload may carry. */
export const MAX_BATCH_ITEMS = 500;

/** A ULID (Crockford base32, 26 characters), e.g. "01JDQ8ZK3W6S1V4T2M9C0XQH7R". */
export const ulidSchema = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID')
  .meta({ description: 'A ULID (26 Crockford base32 characters).' });

/** A kiosk identifier, e.g. "SZ-FT-0012". Safe in URLs, logs and `ID=TOKEN` configuration. */
export const kioskIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 . _ -')
  .meta({ description: 'A kiosk identifier, e.g. "SZ-FT-0012".' });

/** A human reference the citizen quotes (transaction number, mailbox tracking number); safe in URL paths. */
export const referenceNumberSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 of A-Z a-z 0-9 . _ - (not starting with . _ -)')
  .meta({ description: 'A human reference number, e.g. "JW-20261129-000123".' });

/** An ISO 8601 date-time with an offset (`Z` or `+08:00`). */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

/** The kiosk's display languages. */
export const centralLocaleSchema = z.enum(['zh-CN', 'zh-HK', 'en']);

/** Identity documents the kiosk reads. */
export const cardTypeSchema = z.enum(['resident', 'hmt-permit', 'foreigner', 'foreigner-2023']);
/** An identity document type. */
export type CardType = z.infer<typeof cardTypeSchema>;

/** The citizen as read from the identity card (personal data: never logged). */
export const citizenSchema = z.object({
  cardType: cardTypeSchema,
  name: z.string().min(1).max(120),
  idNumber: z.string().min(1).max(40),
  sex: z.string().min(1).max(16).optional(),
  birthDate: z.iso.date().optional(),
  address: z.string().min(1).max(300).optional(),
});
/** The citizen of a transaction. */
export type Citizen = z.infer<typeof citizenSchema>;

/** A form field value as the catalog's forms produce it. */
export const formValueSchema = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);

/** Most fields one service form may carry. */
export const MAX_FORM_FIELDS = 200;

/** A text in the kiosk's three display languages (e.g. a service's catalog name). */
export const localizedNameSchema = z
  .object({
    'zh-CN': z.string().min(1).max(4000),
    'zh-HK': z.string().min(1).max(4000),
    en: z.string().min(1).max(4000),
  })
  .meta({ description: 'A text in Simplified Chinese, Traditional Chinese and English.' });
/** A text in three languages. */
export type LocalizedName = z.infer<typeof localizedNameSchema>;

/** One service performed in a transaction. */
export const transactionServiceSchema = z.object({
  serviceId: z.string().min(1).max(80),
  /**
   * The service's name in the catalog the kiosk used, in all three languages, so that the progress page and the
   * electronic receipt name the service rather than show its id (the server has no catalog texts). Absent on
   * uploads from kiosks that predate it.
   */
  name: localizedNameSchema.optional(),
  form: z
    .record(z.string().min(1).max(80), formValueSchema)
    .refine((form) => Object.keys(form).length <= MAX_FORM_FIELDS, `at most ${MAX_FORM_FIELDS} form fields`)
    .meta({ maxProperties: MAX_FORM_FIELDS }),
  /** A per-service reference, e.g. a mailbox tracking number or a permit application number. */
  reference: z.string().min(1).max(80).optional(),
});
/** One service of a transaction. */
export type TransactionService = z.infer<typeof transactionServiceSchema>;

/** Kinds of letter to the police chief's mailbox (局长信箱). */
export const letterKindSchema = z.enum(['consultation', 'help', 'complaint', 'suggestion']);
/** A kind of letter. */
export type LetterKind = z.infer<typeof letterKindSchema>;

/** A letter to the mailbox, tracked by its number. */
export const letterSchema = z.object({
  kind: letterKindSchema,
  subject: z.string().min(1).max(200),
  body: z.string().min(1).max(10_000),
  trackingNumber: referenceNumberSchema,
});
/** A mailbox letter. */
export type Letter = z.infer<typeof letterSchema>;

/** A missing-person report (always urgent). */
export const missingPersonSchema = z.object({
  name: z.string().min(1).max(120),
  age: z.int().min(0).max(150).optional(),
  lastSeenAt: isoDateTimeSchema.optional(),
  lastSeenPlace: z.string().min(1).max(300),
  description: z.string().min(1).max(5_000),
  contactPhone: z.string().min(3).max(32),
});
/** A missing-person report. */
export type MissingPerson = z.infer<typeof missingPersonSchema>;

/** Largest certificate photo a transaction carries, in JPEG bytes (base64 in JSON is 4/3 of it). */
export const MAX_CERTIFICATE_PHOTO_BYTES = 150_000;

/**
 * A certificate photo (证件照) taken at the kiosk with the citizen's consent, for the services named: a JPEG of
 * the size the catalog asked for, base64. Personal data: sealed on the kiosk, never logged.
 */
export const certificatePhotoSchema = z
  .object({
    serviceIds: z.array(z.string().min(1).max(80)).min(1).max(20),
    mediaType: z.literal('image/jpeg'),
    width: z.int().min(100).max(1200),
    height: z.int().min(100).max(1600),
    data: z.base64().max(Math.ceil(MAX_CERTIFICATE_PHOTO_BYTES / 3) * 4),
  })
  .meta({ description: 'A certificate photo taken at the kiosk with consent: a JPEG, base64.' });
/** A certificate photo as uploaded. */
export type CertificatePhoto = z.infer<typeof certificatePhotoSchema>;

/**
 * The key of a citizen's progress link (contract/progress-link.ts): 128 random bits as 26 Crockford base32
 * digits, upper case. A credential: the server stores only its SHA-256 and never logs it.
 */
export const progressKeySchema = z
  .string()
  .regex(PROGRESS_KEY_PATTERN, 'expected 26 Crockford base32 digits (128 bits)')
  .meta({
    description:
      "The key of the citizen's progress link: 128 random bits from the kiosk's CSPRNG, independent of the " +
      'transaction id and of time, as 26 upper-case Crockford base32 digits. The server keeps only its hash.',
  });

/** A completed transaction as the kiosk uploads it. */
export const transactionPayloadSchema = z
  .object({
    id: ulidSchema,
    number: referenceNumberSchema,
    kioskId: kioskIdSchema,
    completedAt: isoDateTimeSchema,
    urgent: z.boolean(),
    locale: centralLocaleSchema,
    catalogVersion: z.int().min(0).nullable(),
    citizen: citizenSchema.nullable(),
    services: z.array(transactionServiceSchema).min(1).max(20),
    letter: letterSchema.optional(),
    missingPerson: missingPersonSchema.optional(),
    /** The certificate photo, when a service asked for one and the citizen agreed to have it taken. */
    certificatePhoto: certificatePhotoSchema.optional(),
    /**
     * Unlocks the citizen's progress page and receipt PDF. Absent only for transactions completed before kiosks
     * drew these keys; their pages never open.
     */
    progressKey: progressKeySchema.optional(),
  })
  .meta({ id: 'TransactionPayload', description: 'A completed transaction as the kiosk uploads it.' });
/** A completed transaction as uploaded. */
export type TransactionPayload = z.infer<typeof transactionPayloadSchema>;

/** One item of a batch: the idempotency key is the transaction's ULID. */
export const batchItemSchema = z.object({
  idempotencyKey: ulidSchema,
  transaction: transactionPayloadSchema,
});
/** One batch item. */
export type BatchItem = z.infer<typeof batchItemSchema>;

/** `POST /v1/transactions:batch` body. */
export const batchUploadRequestSchema = z
  .object({
    kioskId: kioskIdSchema,
    items: z.array(batchItemSchema).min(1).max(MAX_BATCH_ITEMS),
  })
  .meta({ id: 'BatchUploadRequest' });
/** A batch upload. */
export type BatchUploadRequest = z.infer<typeof batchUploadRequestSchema>;

/**
 * The envelope the server parses first: items stay opaque so that one malformed item is rejected alone
 * instead of failing the whole batch.
 */
export const batchEnvelopeSchema = z.object({
  kioskId: kioskIdSchema,
  items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS),
});

/**
 * Per-item outcome of a batch. `duplicate`: the same idempotency key with the same payload (canonical JSON,
 * RFC 8785) was stored before; the item counts as delivered. `conflict`: the key was stored with a DIFFERENT
 * payload — the per-item form of HTTP 409 Conflict; nothing is changed, and resending will never succeed.
 * `rejected`: the item is invalid (see its error).
 */
export const batchItemStatusSchema = z.enum(['stored', 'duplicate', 'conflict', 'rejected']);
/** A per-item outcome. */
export type BatchItemStatus = z.infer<typeof batchItemStatusSchema>;

/** A machine-readable error: a stable code and a message free of personal data. */
export const errorDetailSchema = z
  .object({
    code: z.string().min(1).max(80),
    message: z.string().max(2_000),
  })
  .meta({ id: 'ErrorDetail' });
/** An error detail. */
export type ErrorDetail = z.infer<typeof errorDetailSchema>;

/** Every non-2xx JSON response. */
export const errorResponseSchema = z.object({ error: errorDetailSchema }).meta({ id: 'ErrorResponse' });
/** An error response. */
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** One item's result, in the order of the request's items. */
export const batchItemResultSchema = z.object({
  /** Position of the item in the request. */
  index: z.int().min(0),
  /** The item's idempotency key as sent ("" when it was missing or not a string). */
  idempotencyKey: z.string().max(200),
  status: batchItemStatusSchema,
  /** Present for `rejected` (invalid-item, key-mismatch, kiosk-mismatch) and `conflict` (idempotency-conflict). */
  error: errorDetailSchema.optional(),
});
/** One item's result. */
export type BatchItemResult = z.infer<typeof batchItemResultSchema>;

/** `POST /v1/transactions:batch` 200 body. */
export const batchUploadResponseSchema = z
  .object({ results: z.array(batchItemResultSchema) })
  .meta({ id: 'BatchUploadResponse' });
/** A batch upload's response. */
export type BatchUploadResponse = z.infer<typeof batchUploadResponseSchema>;

/** One peripheral's state as reported in a heartbeat, e.g. `{ state: 'ready' }`, `{ state: 'error', code: 'paper-out' }`. */
export const deviceReportSchema = z.object({
  state: z.string().min(1).max(40),
  code: z.string().min(1).max(80).optional(),
});

/** A kiosk group's id, e.g. "hk-macao-zone" (the catalog's kiosk group slugs). */
export const kioskGroupIdSchema = z
  .string()
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lower-case slug like "hk-macao-zone"')
  .meta({ description: 'A kiosk group id, e.g. "hk-macao-zone".' });

/**
 * The last catalog a kiosk refused, and why: `reason` is one line for people; `code` the kiosk's rejection
 * reason (`bad-signature`, `unknown-key`, `expired`, `not-yet-valid`, `schema`, `rollback`, `audience`,
 * `malformed`, `unsigned`; a string so that a newer kiosk's new reason is not a malformed heartbeat).
 */
export const catalogRejectionReportSchema = z.object({
  version: z.int().min(0).optional(),
  reason: z.string().min(1).max(500),
  code: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .optional(),
});
/** A kiosk's report of a refused catalog. */
export type CatalogRejectionReport = z.infer<typeof catalogRejectionReportSchema>;

/** The kiosk's health figures a heartbeat carries besides devices, catalog and outbox (main/core/health.ts). */
export const heartbeatHealthSchema = z.object({
  mode: z.enum(['demonstration', 'production']),
  uptimeS: z.int().min(0).nullable(),
  diskFreeBytes: z.int().min(0).nullable(),
  memoryRssBytes: z.int().min(0).nullable(),
  outboxLastError: z.string().max(500).nullable(),
  catalogStagedVersion: z.int().min(0).nullable(),
  /** The previous heartbeat's round trip. */
  centralLatencyMs: z.int().min(0).nullable(),
});
/** A heartbeat's health figures. */
export type HeartbeatHealth = z.infer<typeof heartbeatHealthSchema>;

/** `POST /v1/heartbeat` body. */
export const heartbeatRequestSchema = z
  .object({
    kioskId: kioskIdSchema,
    appVersion: z.string().min(1).max(40),
    sentAt: isoDateTimeSchema,
    /** Keyed by device kind, e.g. "idcard", "printer", "scanner". */
    devices: z.record(z.string().min(1).max(40), deviceReportSchema),
    catalogVersion: z.int().min(0).nullable(),
    outbox: z.object({
      depth: z.int().min(0),
      oldestAgeMs: z.int().min(0).nullable(),
    }),
    /** The last catalog the kiosk refused to apply, and why (bad signature, expired, older version...). */
    lastCatalogRejection: catalogRejectionReportSchema.optional(),
    health: heartbeatHealthSchema.optional(),
    /**
     * The kiosk groups this kiosk belongs to (its enrolment's, `booth provision --groups`, or
     * BOOTH_KIOSK_GROUPS): the central server serves it the catalogs published to these groups. Absent from
     * kiosks that predate it (they get catalogs published to every kiosk).
     */
    kioskGroups: z.array(kioskGroupIdSchema).max(50).optional(),
  })
  .meta({ id: 'HeartbeatRequest' });
/** A heartbeat. */
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;

/** The latest published catalog, by version and ETag. */
export const catalogRefSchema = z.object({
  version: z.int().min(0),
  /** The HTTP entity tag, quoted, exactly as `GET /v1/catalog` returns it in `ETag`. */
  etag: z.string().min(1).max(200),
});
/** A catalog reference. */
export type CatalogRef = z.infer<typeof catalogRefSchema>;

/** `POST /v1/heartbeat` 200 body. */
export const heartbeatResponseSchema = z
  .object({
    serverTime: isoDateTimeSchema,
    catalog: catalogRefSchema.nullable(),
  })
  .meta({ id: 'HeartbeatResponse' });
/** A heartbeat's response. */
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

/**
 * The outer shape of a signed catalog document. The server stores and serves it byte for byte and never
 * verifies the signature (kiosks do); unknown keys are kept (loose objects), because the signature covers them.
 */
export const signedCatalogDocumentSchema = z
  .looseObject({
    catalog: z.looseObject({ version: z.int().min(0) }),
    signature: z.looseObject({}),
  })
  .meta({
    id: 'SignedCatalogDocument',
    description: 'A signed service catalog, opaque to the server except for catalog.version.',
  });
/** A signed catalog document (outer shape only). */
export type SignedCatalogDocument = z.infer<typeof signedCatalogDocumentSchema>;

/** `POST /v1/admin/catalog` 200 body. */
export const catalogPublishedSchema = catalogRefSchema.meta({ id: 'CatalogPublished' });
/** A published catalog's reference. */
export type CatalogPublished = z.infer<typeof catalogPublishedSchema>;

/**
 * Processing states of a transaction as the citizen sees them, in their usual order: received (accepted),
 * in progress, ready for pickup (a certificate or document waits at the counter), done. Officers set them in the
 * console (central/console-letters.ts); a demonstration server may also advance the first three on a timer.
 */
export const progressStatusSchema = z.enum(['received', 'in-progress', 'ready-for-pickup', 'done']);
/** A transaction's processing state. */
export type ProgressStatus = z.infer<typeof progressStatusSchema>;

/** `GET /v1/transactions/{number}/progress` 200 body. */
export const transactionProgressSchema = z
  .object({
    number: referenceNumberSchema,
    status: progressStatusSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'TransactionProgress' });
/** A transaction's progress. */
export type TransactionProgress = z.infer<typeof transactionProgressSchema>;

/** States of a mailbox letter. */
export const mailboxStateSchema = z.enum(['received', 'signed', 'answered', 'closed']);
/** A letter's state. */
export type MailboxState = z.infer<typeof mailboxStateSchema>;

/** `GET /v1/mailbox/{trackingNumber}` 200 body. */
export const mailboxStatusSchema = z
  .object({
    trackingNumber: referenceNumberSchema,
    status: mailboxStateSchema,
    signedAt: isoDateTimeSchema.optional(),
    /** When the first reply was sent. */
    answeredAt: isoDateTimeSchema.optional(),
    closedAt: isoDateTimeSchema.optional(),
    /**
     * The officers' latest reply to the citizen and when it was sent. Given only to the kiosk the letter was
     * written at (tracking numbers are sequential; other kiosks see the status alone), which shows it only to
     * the holder of the receipt's QR code.
     */
    reply: z.object({ text: z.string().min(1).max(2000), at: isoDateTimeSchema }).optional(),
  })
  .meta({ id: 'MailboxStatus' });
/** A letter's status. */
export type MailboxStatus = z.infer<typeof mailboxStatusSchema>;

/** `POST /v1/admin/transactions/{number}/progress` body: pins a transaction's status. */
export const progressOverrideSchema = z
  .object({ status: progressStatusSchema })
  .meta({ id: 'ProgressOverride' });
/** `POST /v1/admin/mailbox/{trackingNumber}` body: pins a letter's status. */
export const mailboxOverrideSchema = z.object({ status: mailboxStateSchema }).meta({ id: 'MailboxOverride' });

/** One kiosk in the fleet view. */
export const fleetKioskSchema = z.object({
  kioskId: kioskIdSchema,
  lastHeartbeatAt: isoDateTimeSchema.nullable(),
  appVersion: z.string().nullable(),
  catalogVersion: z.int().min(0).nullable(),
  devices: z.record(z.string(), deviceReportSchema).nullable(),
  outbox: z.object({ depth: z.int().min(0), oldestAgeMs: z.int().min(0).nullable() }).nullable(),
  lastCatalogRejection: z
    .object({ version: z.int().min(0).optional(), reason: z.string(), code: z.string().optional() })
    .nullable(),
  /** The kiosk groups its last heartbeat named ([] for none; null before a heartbeat that carries them). */
  kioskGroups: z.array(z.string()).nullable(),
  /** The health figures of the last heartbeat (null for kiosks that send none). */
  health: heartbeatHealthSchema.nullable(),
  /** Distinct transactions stored from this kiosk. */
  transactions: z.int().min(0),
});
/** One kiosk in the fleet view. */
export type FleetKiosk = z.infer<typeof fleetKioskSchema>;

/** `GET /v1/admin/fleet` 200 body: every configured kiosk and every kiosk that has called in. */
export const fleetResponseSchema = z
  .object({ kiosks: z.array(fleetKioskSchema) })
  .meta({ id: 'FleetResponse' });
/** The fleet view. */
export type FleetResponse = z.infer<typeof fleetResponseSchema>;

/** One stored transaction as an administrator or duty officer reads it back. */
export const adminTransactionSchema = z
  .object({
    kioskId: kioskIdSchema,
    /** When the central server first stored it. */
    receivedAt: isoDateTimeSchema,
    /** The payload as the kiosk uploaded it, without the progress key (which the server never keeps). */
    transaction: transactionPayloadSchema.omit({ progressKey: true }),
  })
  .meta({ id: 'AdminTransaction' });
/** One stored transaction. */
export type AdminTransaction = z.infer<typeof adminTransactionSchema>;

/**
 * `GET /v1/admin/transactions/{number}` 200 body: every stored transaction with that number (numbers are per
 * kiosk, so two kiosks may have used the same one), newest first.
 */
export const adminTransactionsSchema = z
  .object({ items: z.array(adminTransactionSchema).min(1) })
  .meta({ id: 'AdminTransactions' });
/** Stored transactions with one number. */
export type AdminTransactions = z.infer<typeof adminTransactionsSchema>;

/** `GET /v1/admin/stats` 200 body. */
export const statsResponseSchema = z
  .object({
    /** Distinct transactions stored. */
    transactions: z.int().min(0),
    /** Items that repeated an idempotency key already stored, with the same payload. */
    duplicatesIgnored: z.int().min(0),
    /** Items that repeated an idempotency key already stored, with a different payload (answered `conflict`). */
    conflicts: z.int().min(0),
    /** Distinct urgent transactions stored. */
    urgent: z.int().min(0),
    /** Batch requests accepted (200). */
    batches: z.int().min(0),
    /** Kiosks that have uploaded or sent a heartbeat. */
    kiosks: z.int().min(0),
  })
  .meta({ id: 'StatsResponse' });
/** Server counters. */
export type StatsResponse = z.infer<typeof statsResponseSchema>;

/**
 * `GET /v1/urgent-reports/{id}` 200 body: whether a duty officer in the command centre has acknowledged one of
 * the calling kiosk's urgent reports (by transaction id). `waiting`: the central system stored it and no officer
 * has acknowledged it yet. The officer's name stays in the console: the kiosk only learns that and when.
 */
export const urgentReportStatusSchema = z
  .object({
    id: ulidSchema,
    number: referenceNumberSchema,
    status: z.enum(['waiting', 'acknowledged']),
    acknowledgedAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'UrgentReportStatus' });
/** An urgent report's command-centre acknowledgement, as its kiosk sees it. */
export type UrgentReportStatus = z.infer<typeof urgentReportStatusSchema>;
