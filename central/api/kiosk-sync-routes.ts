import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  batchEnvelopeSchema,
  batchItemSchema,
  heartbeatRequestSchema,
  transactionPayloadSchema,
  type BatchItemResult,
  type BatchUploadResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type TransactionPayload,
} from '../../contract/central-api.js';
import { catalogForKiosk, recordCatalogReports } from '../catalog-publishing.js';
import type { UrgentDesk } from '../console-urgent.js';
import type { CentralDb } from '../db.js';
import type { CentralRecords } from './records.js';
import { describeIssues, digest, iso, parseJson, parseStored, requireKiosk, type Route } from './route.js';

/** SHA-256 (hex) of a transaction's RFC 8785 canonical JSON: equal payloads hash equal whatever their key order. */
export function payloadHash(transaction: TransactionPayload): string {
  return createHash('sha256')
    .update(canonicalize(transaction) ?? '', 'utf8')
    .digest('hex');
}

/** The hash of a row stored before hashes were kept: from its stored payload (null if it no longer parses). */
function storedPayloadHash(payload: string): string | null {
  const parsed = transactionPayloadSchema.safeParse(parseStored(payload));
  return parsed.success ? payloadHash(parsed.data) : null;
}

/** Whether a raw batch item says it is urgent (a hint to look at the board now; the board reads the store). */
function isUrgentItem(raw: unknown): boolean {
  return urgentItemHint.safeParse(raw).success;
}
const urgentItemHint = z.object({ transaction: z.object({ urgent: z.literal(true) }) });

/** What {@link kioskSyncRoutes} needs. */
export interface KioskSyncRouteDeps {
  readonly db: CentralDb;
  readonly now: () => number;
  readonly records: Pick<CentralRecords, 'bump' | 'seeKiosk'>;
  /** Told when a stored batch holds an urgent report (the console's board looks now). */
  readonly urgentDesk: Pick<UrgentDesk, 'nudge'>;
}

/** The kiosks' sync: `POST /v1/transactions:batch` (idempotent upload) and `POST /v1/heartbeat`. */
export function kioskSyncRoutes(deps: KioskSyncRouteDeps): Route[] {
  const { db, now, urgentDesk } = deps;
  const { bump, seeKiosk } = deps.records;
  return [
    {
      method: 'POST',
      pattern: /^\/v1\/transactions:batch$/,
      role: 'kiosk',
      async handle({ caller, body }) {
        const envelope = parseJson(await body(), batchEnvelopeSchema);
        requireKiosk(caller, envelope.kioskId);
        const receivedAt = now();
        const results = await db.transaction(async () => {
          const out: BatchItemResult[] = [];
          let duplicates = 0;
          let conflicts = 0;
          for (const [index, raw] of envelope.items.entries()) {
            const key =
              typeof raw === 'object' &&
              raw !== null &&
              'idempotencyKey' in raw &&
              typeof raw.idempotencyKey === 'string'
                ? raw.idempotencyKey.slice(0, 200)
                : '';
            const reject = (code: string, message: string): void => {
              out.push({ index, idempotencyKey: key, status: 'rejected', error: { code, message } });
            };
            const parsed = batchItemSchema.safeParse(raw);
            if (!parsed.success) {
              reject('invalid-item', describeIssues(parsed.error));
              continue;
            }
            const { idempotencyKey, transaction } = parsed.data;
            if (idempotencyKey !== transaction.id) {
              reject('key-mismatch', 'idempotencyKey must equal transaction.id');
              continue;
            }
            if (transaction.kioskId !== envelope.kioskId) {
              reject('kiosk-mismatch', 'transaction.kioskId differs from the batch kioskId');
              continue;
            }
            const hash = payloadHash(transaction);
            // The progress key is a credential: only its hash is kept, apart from the stored payload.
            const { progressKey, ...stored } = transaction;
            const { changes } = await db.run(
              `INSERT INTO transactions (idempotency_key, number, kiosk_id, urgent, completed_at, received_at,
                 tracking_number, payload, payload_hash, progress_key_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
              [
                idempotencyKey,
                transaction.number,
                transaction.kioskId,
                transaction.urgent ? 1 : 0,
                transaction.completedAt,
                receivedAt,
                transaction.letter?.trackingNumber ?? null,
                JSON.stringify(stored),
                hash,
                progressKey !== undefined ? digest(progressKey).toString('hex') : null,
              ],
            );
            if (changes > 0) {
              out.push({ index, idempotencyKey, status: 'stored' });
              continue;
            }
            const existing = await db.get<{ payload: string; payload_hash: string | null }>(
              'SELECT payload, payload_hash FROM transactions WHERE idempotency_key = ?',
              [idempotencyKey],
            );
            const existingHash = existing
              ? (existing.payload_hash ?? storedPayloadHash(existing.payload))
              : null;
            if (existingHash === hash) {
              duplicates++;
              out.push({ index, idempotencyKey, status: 'duplicate' });
            } else {
              // The same id with other content (or another kiosk's id): a 409 for this item. Nothing changes,
              // and the kiosk must not count it as delivered.
              conflicts++;
              out.push({
                index,
                idempotencyKey,
                status: 'conflict',
                error: {
                  code: 'idempotency-conflict',
                  message: 'this idempotency key was already stored with a different payload',
                },
              });
            }
          }
          if (duplicates > 0) await bump('duplicates_ignored', duplicates);
          if (conflicts > 0) await bump('conflicts', conflicts);
          await bump('batches', 1);
          await seeKiosk(envelope.kioskId);
          return out;
        });
        // Stored is not acknowledged: an urgent report now waits for a duty officer on the console.
        if (results.some((r) => r.status === 'stored') && envelope.items.some(isUrgentItem))
          urgentDesk.nudge();
        const response: BatchUploadResponse = { results };
        return { status: 200, body: response };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/heartbeat$/,
      role: 'kiosk',
      async handle({ caller, body }) {
        const heartbeat: HeartbeatRequest = parseJson(await body(), heartbeatRequestSchema);
        requireKiosk(caller, heartbeat.kioskId);
        const at = now();
        await db.transaction(async () => {
          await seeKiosk(heartbeat.kioskId);
          await db.run(
            'UPDATE kiosks SET last_heartbeat_at = ?, heartbeat = ?, kiosk_groups = ? WHERE kiosk_id = ?',
            [
              at,
              JSON.stringify(heartbeat),
              heartbeat.kioskGroups ? JSON.stringify(heartbeat.kioskGroups) : null,
              heartbeat.kioskId,
            ],
          );
          await recordCatalogReports(db, heartbeat, at);
        });
        // The newest catalog published to this kiosk's groups (and within its signed audience).
        const latest = await catalogForKiosk(db, {
          kioskId: heartbeat.kioskId,
          groups: heartbeat.kioskGroups ?? [],
        });
        const response: HeartbeatResponse = {
          serverTime: iso(at),
          catalog: latest ? { version: latest.version, etag: latest.etag } : null,
        };
        return { status: 200, body: response };
      },
    },
  ];
}
