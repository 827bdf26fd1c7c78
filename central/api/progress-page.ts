import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CentralDb } from '../db.js';
import { createProgressPageHandler, type ProgressPageSettings } from '../progress-page.js';
import { clientAddressKey, type RateLimiter } from '../rate-limit.js';
import type { TransactionRow } from './records.js';
import type { StatusReader } from './statuses.js';

/** What {@link progressPageOnStore} needs. */
export interface ProgressPageDeps {
  readonly db: CentralDb;
  readonly settings?: ProgressPageSettings;
  /** Per client address. */
  readonly pageLimiter: RateLimiter;
  readonly statuses: StatusReader;
}

/** The citizens' progress page (central/progress-page.ts) on the central store. */
export function progressPageOnStore(
  deps: ProgressPageDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { db, pageLimiter } = deps;
  const { progressOf, mailboxOf } = deps.statuses;
  // Citizens' progress page (central/progress-page.ts): no bearer token (the link's key is the credential),
  // HTML, never faulted.
  const progressPage = createProgressPageHandler({
    ...deps.settings,
    findCandidates: async (number) =>
      (
        await db.all<{ idempotency_key: string; progress_key_hash: string | null }>(
          'SELECT idempotency_key, progress_key_hash FROM transactions WHERE number = ?',
          [number],
        )
      ).map((row) => ({
        id: row.idempotency_key,
        keyHash: row.progress_key_hash !== null ? Buffer.from(row.progress_key_hash, 'hex') : null,
      })),
    admit: (req) => {
      const decision = pageLimiter.take(clientAddressKey(req.socket.remoteAddress));
      return decision.ok ? null : decision.retryAfterSeconds;
    },
    load: async (id) => {
      const row = await db.get<TransactionRow & { payload: string }>(
        'SELECT * FROM transactions WHERE idempotency_key = ?',
        [id],
      );
      if (!row) return undefined;
      // The page opens only with the receipt's key: a letter's reply may be shown there.
      const letter =
        row.tracking_number !== null ? await mailboxOf(row, row.tracking_number, true) : undefined;
      return { payload: row.payload, progress: progressOf(row), ...(letter ? { letter } : {}) };
    },
  });
  return progressPage;
}
