import {
  adminTransactionSchema,
  progressOverrideSchema,
  type AdminTransaction,
  type AdminTransactions,
} from '../../contract/central-api.js';
import type { CentralDb } from '../db.js';
import { HttpError } from '../http-json.js';
import type { CentralRecords, TransactionRow } from './records.js';
import { iso, parseJson, parseStored, pathParam, type Route } from './route.js';
import type { StatusReader } from './statuses.js';

/** What {@link transactionRoutes} needs. */
export interface TransactionRouteDeps {
  readonly db: CentralDb;
  readonly now: () => number;
  readonly records: Pick<CentralRecords, 'findByNumber'>;
  readonly statuses: Pick<StatusReader, 'progressOf'>;
}

/**
 * Transactions by number: a kiosk's progress look-up (its own only), the admin API's read and its progress pin.
 */
export function transactionRoutes(deps: TransactionRouteDeps): Route[] {
  const { db, now } = deps;
  const { findByNumber } = deps.records;
  const { progressOf } = deps.statuses;
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/transactions\/([^/]+)\/progress$/,
      role: 'kiosk',
      lookup: true,
      async handle({ params, caller }) {
        // Numbers are sequential: a kiosk sees its own transactions only, and another kiosk's number answers
        // exactly like an unknown one.
        const number = pathParam(params);
        const row =
          caller.role === 'kiosk'
            ? await db.get<TransactionRow>(
                'SELECT * FROM transactions WHERE kiosk_id = ? AND number = ? ORDER BY received_at DESC LIMIT 1',
                [caller.kioskId, number],
              )
            : undefined;
        if (!row) throw new HttpError(404, 'not-found', 'no transaction with this number');
        return { status: 200, body: progressOf(row) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/transactions\/([^/]+)$/,
      role: 'admin',
      async handle({ params }) {
        const number = pathParam(params);
        const rows = await db.all<TransactionRow & { payload: string }>(
          'SELECT * FROM transactions WHERE number = ? ORDER BY received_at DESC',
          [number],
        );
        const items = rows.flatMap((row): AdminTransaction[] => {
          // Validated on the way in; a row that no longer parses (edited by hand) is left out, not served raw.
          const parsed = adminTransactionSchema.shape.transaction.safeParse(parseStored(row.payload));
          return parsed.success
            ? [{ kioskId: row.kiosk_id, receivedAt: iso(row.received_at), transaction: parsed.data }]
            : [];
        });
        if (items.length === 0) throw new HttpError(404, 'not-found', 'no transaction with this number');
        const response: AdminTransactions = { items };
        return { status: 200, body: response };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/admin\/transactions\/([^/]+)\/progress$/,
      role: 'admin',
      async handle({ params, body }) {
        const number = pathParam(params);
        const { status } = parseJson(await body(), progressOverrideSchema);
        const row = await findByNumber(number);
        if (!row) throw new HttpError(404, 'not-found', 'no transaction with this number');
        const at = now();
        await db.transaction(() =>
          db.run(
            'UPDATE transactions SET progress_override = ?, progress_override_at = ?, progress_override_by = NULL WHERE number = ?',
            [status, at, number],
          ),
        );
        return {
          status: 200,
          body: progressOf({ ...row, progress_override: status, progress_override_at: at }),
        };
      },
    },
  ];
}
