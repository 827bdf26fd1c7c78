import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import { newProgressKey } from '../../../contract/progress-link.js';
import {
  certificatePhotoSchema,
  centralLocaleSchema,
  citizenSchema,
  letterSchema,
  missingPersonSchema,
  transactionPayloadSchema,
  transactionServiceSchema,
  type TransactionPayload,
} from '../../../contract/central-api.js';
import { TypedEmitter } from '../../../drivers/common/emitter.js';
import type { KioskStore } from '../../store/store.js';
import { StoreError } from '../../store/errors.js';
import { formatTransactionNumber, localDay } from './numbers.js';

/** What the visit flow hands over when a citizen finishes: everything here except service ids is personal. */
export const completeTransactionInputSchema = z.object({
  locale: centralLocaleSchema,
  catalogVersion: z.int().min(0).nullable(),
  citizen: citizenSchema.nullable(),
  services: z
    .array(
      transactionServiceSchema.extend({
        /** From the catalog: a missing-person report is urgent. */
        urgent: z.boolean().default(false),
      }),
    )
    .min(1)
    .max(20),
  /**
   * A letter to the chief's mailbox; without a tracking number it is tracked by the transaction's own number
   * (the one the citizen's receipt and end screen show).
   */
  letter: letterSchema.partial({ trackingNumber: true }).optional(),
  missingPerson: missingPersonSchema.optional(),
  certificatePhoto: certificatePhotoSchema.optional(),
});
/** Input of {@link TransactionService.complete} (before defaults). */
export type CompleteTransactionInput = z.input<typeof completeTransactionInputSchema>;

/**
 * The sealed part of a transaction: the upload payload minus what the row already holds in clear. The progress
 * link key is sealed too (it unlocks the citizen's receipt); rows written before keys existed have none.
 */
const sealedBodySchema = transactionPayloadSchema.pick({
  locale: true,
  catalogVersion: true,
  citizen: true,
  services: true,
  letter: true,
  missingPerson: true,
  certificatePhoto: true,
  progressKey: true,
});
type SealedBody = z.infer<typeof sealedBodySchema>;

/** What completing a transaction returns to the visit flow. */
export interface CompletedTransaction {
  readonly id: string;
  readonly number: string;
  readonly urgent: boolean;
  readonly completedAt: number;
  /**
   * The key of the citizen's progress link (contract/progress-link.ts), for the receipt's QR code only: a
   * credential, never logged, never in an event.
   */
  readonly progressKey: string;
}

/** What the `completed` event carries: the completion without its progress key. */
export type CompletedEvent = Omit<CompletedTransaction, 'progressKey'>;

/** A transaction without its personal data (safe for lists, logs and the technician's screen). */
export interface TransactionSummary {
  readonly id: string;
  readonly number: string;
  readonly serviceIds: readonly string[];
  readonly state: 'completed' | 'acknowledged' | 'rejected';
  readonly urgent: boolean;
  readonly completedAt: number;
  readonly updatedAt: number;
  readonly purged: boolean;
}

/** Events of the transaction service. */
export interface TransactionEvents extends Record<string, unknown> {
  /** A transaction and its outbox row are durable (after COMMIT). */
  completed: CompletedEvent;
  /** Personal data of acknowledged transactions past retention was deleted. */
  purged: { readonly count: number };
}

/** Setting key: days personal data is kept after the central API acknowledged the transaction. */
export const RETENTION_SETTING = 'retention.days';
/** Default retention after acknowledgement. */
export const DEFAULT_RETENTION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

interface TransactionRow {
  id: string;
  number: string;
  services: string;
  state: TransactionSummary['state'];
  urgent: number;
  completed_at: number;
  updated_at: number;
  sealed: Buffer | null;
  purged_at: number | null;
}

function toSummary(row: TransactionRow): TransactionSummary {
  return {
    id: row.id,
    number: row.number,
    serviceIds: z.array(z.string()).parse(JSON.parse(row.services)),
    state: row.state,
    urgent: row.urgent === 1,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
    purged: row.purged_at !== null,
  };
}

/**
 * Completed transactions: writes each one (personal data sealed) together with its outbox row in one sqlite
 * transaction, builds upload payloads, and purges personal data after acknowledgement + retention.
 */
export class TransactionService {
  /** `completed` fires after COMMIT; the uploader listens to it. */
  readonly events = new TypedEmitter<TransactionEvents>();
  private readonly nextId: (seed?: number) => string;

  constructor(private readonly store: KioskStore) {
    this.nextId = monotonicFactory();
  }

  /**
   * Durably records a completed transaction and queues it for upload, atomically (transactional outbox):
   * either both rows exist or neither does. Resolves only after COMMIT (synchronous=FULL: on disk).
   */
  async complete(input: CompleteTransactionInput): Promise<CompletedTransaction> {
    const parsed = completeTransactionInputSchema.parse(input);
    const now = this.store.now();
    const id = this.nextId(now);
    const urgent = parsed.services.some((s) => s.urgent) || parsed.missingPerson !== undefined;
    // 128 bits from the CSPRNG, drawn here and nowhere else: unrelated to the id, the number and the clock.
    const progressKey = newProgressKey();
    const bodyFor = (num: string): SealedBody => ({
      locale: parsed.locale,
      catalogVersion: parsed.catalogVersion,
      citizen: parsed.citizen,
      services: parsed.services.map(({ urgent: _urgent, ...service }) => service),
      ...(parsed.letter
        ? { letter: { ...parsed.letter, trackingNumber: parsed.letter.trackingNumber ?? num } }
        : {}),
      ...(parsed.missingPerson ? { missingPerson: parsed.missingPerson } : {}),
      ...(parsed.certificatePhoto ? { certificatePhoto: parsed.certificatePhoto } : {}),
      progressKey,
    });
    const serviceIds = JSON.stringify(parsed.services.map((s) => s.serviceId));
    const day = localDay(now);
    const number = await this.store.db.transaction(async (tx) => {
      const seq = await tx.get<{ last: number }>(
        `INSERT INTO daily_sequence (day, last) VALUES (?, 1)
         ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last`,
        [day],
      );
      if (!seq) throw new StoreError('io', 'the daily sequence did not return a value');
      const num = formatTransactionNumber(day, seq.last);
      // Sealed once the number is known: a letter is tracked by it.
      const sealed = this.store.sealer.sealJson(bodyFor(num), id);
      await tx.run(
        `INSERT INTO transactions (id, number, services, state, urgent, created_at, completed_at, updated_at, sealed)
         VALUES (?, ?, ?, 'completed', ?, ?, ?, ?, ?)`,
        [id, num, serviceIds, urgent ? 1 : 0, now, now, now, sealed],
      );
      await tx.run(
        `INSERT INTO outbox (transaction_id, idempotency_key, lane, enqueued_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?)`,
        [id, id, urgent ? 'urgent' : 'normal', now, now],
      );
      return num;
    });
    this.events.emit('completed', { id, number, urgent, completedAt: now });
    return { id, number, urgent, completedAt: now, progressKey };
  }

  /** The non-personal record of a transaction. */
  async get(id: string): Promise<TransactionSummary | undefined> {
    const row = await this.store.db.get<TransactionRow>('SELECT * FROM transactions WHERE id = ?', [id]);
    return row ? toSummary(row) : undefined;
  }

  /** The non-personal record of a transaction by its human number. */
  async getByNumber(number: string): Promise<TransactionSummary | undefined> {
    const row = await this.store.db.get<TransactionRow>('SELECT * FROM transactions WHERE number = ?', [
      number,
    ]);
    return row ? toSummary(row) : undefined;
  }

  /** How many transactions were ever completed on this kiosk. */
  async count(): Promise<number> {
    const row = await this.store.db.get<{ n: number }>('SELECT count(*) AS n FROM transactions');
    return row?.n ?? 0;
  }

  /**
   * Builds the upload payload of a transaction, unsealing its personal data. Throws `decrypt-failed` if the
   * blob does not open, and `io` if it was already purged.
   */
  async payload(id: string, kioskId: string): Promise<TransactionPayload> {
    const row = await this.store.db.get<TransactionRow>('SELECT * FROM transactions WHERE id = ?', [id]);
    if (!row) throw new StoreError('io', `transaction ${id} does not exist`);
    return this.payloadFromRow(row, kioskId);
  }

  /** Builds a payload from a row already read (the uploader reads pages of rows). */
  payloadFromRow(
    row: { id: string; number: string; urgent: number; completed_at: number; sealed: Buffer | null },
    kioskId: string,
  ): TransactionPayload {
    if (row.sealed === null)
      throw new StoreError('io', `transaction ${row.id} has no personal data left (purged)`);
    const body = sealedBodySchema.parse(this.store.sealer.openJson(row.sealed, row.id));
    return {
      id: row.id,
      number: row.number,
      kioskId,
      completedAt: new Date(row.completed_at).toISOString(),
      urgent: row.urgent === 1,
      ...body,
    };
  }

  /** Days personal data is kept after acknowledgement (setting `retention.days`, default 7). */
  async retentionDays(): Promise<number> {
    return this.store.settings.get(RETENTION_SETTING, z.number().min(0).max(3650), DEFAULT_RETENTION_DAYS);
  }

  /**
   * Deletes the sealed personal data of transactions the central API acknowledged more than the retention
   * window ago; the non-personal record stays. secure_delete is on, so the freed pages are zeroed. Rejected
   * transactions keep their data: nobody outside the kiosk has it yet, and a person must look at them.
   */
  async purgeExpired(): Promise<number> {
    const now = this.store.now();
    const cutoff = now - (await this.retentionDays()) * DAY_MS;
    const result = await this.store.db.run(
      `UPDATE transactions SET sealed = NULL, purged_at = ?
       WHERE purged_at IS NULL AND state = 'acknowledged' AND updated_at <= ?`,
      [now, cutoff],
    );
    if (result.changes > 0) {
      await this.store.audit.append('personal-data.purged', 'system', { count: result.changes });
      this.events.emit('purged', { count: result.changes });
    }
    return result.changes;
  }

  /**
   * Runs the purge now and then every `intervalMs` (default hourly); returns a stop function. A failed run
   * (disk full, say) is retried at the next tick.
   */
  startPurgeSchedule(
    intervalMs = 60 * 60 * 1000,
    onError: (error: unknown) => void = () => undefined,
  ): () => void {
    const tick = (): void => {
      this.purgeExpired().catch(onError);
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
