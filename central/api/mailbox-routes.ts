import { mailboxOverrideSchema } from '../../contract/central-api.js';
import type { CentralDb } from '../db.js';
import { HttpError } from '../http-json.js';
import type { CentralRecords, TransactionRow } from './records.js';
import { parseJson, pathParam, type Route } from './route.js';
import type { StatusReader } from './statuses.js';

/** What {@link mailboxRoutes} needs. */
export interface MailboxRouteDeps {
  readonly db: CentralDb;
  readonly now: () => number;
  readonly records: Pick<CentralRecords, 'findByTracking'>;
  readonly statuses: Pick<StatusReader, 'mailboxOf'>;
}

/** The chief's mailbox by tracking number: a kiosk's look-up and the admin API's status pin. */
export function mailboxRoutes(deps: MailboxRouteDeps): Route[] {
  const { db, now } = deps;
  const { findByTracking } = deps.records;
  const { mailboxOf } = deps.statuses;
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/mailbox\/([^/]+)$/,
      role: 'kiosk',
      lookup: true,
      async handle({ params, caller }) {
        // Tracking numbers are per kiosk: the calling kiosk's own letter first, else the newest in the fleet
        // (a citizen may ask at any kiosk). Only the kiosk the letter was written at gets the reply's text.
        const tracking = pathParam(params);
        const own =
          caller.role === 'kiosk'
            ? await db.get<TransactionRow>(
                'SELECT * FROM transactions WHERE kiosk_id = ? AND tracking_number = ? ORDER BY received_at DESC LIMIT 1',
                [caller.kioskId, tracking],
              )
            : undefined;
        const row = own ?? (await findByTracking(tracking));
        if (!row) throw new HttpError(404, 'not-found', 'no letter with this tracking number');
        return { status: 200, body: await mailboxOf(row, tracking, own !== undefined) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/admin\/mailbox\/([^/]+)$/,
      role: 'admin',
      async handle({ params, body }) {
        const tracking = pathParam(params);
        const { status } = parseJson(await body(), mailboxOverrideSchema);
        const row = await findByTracking(tracking);
        if (!row) throw new HttpError(404, 'not-found', 'no letter with this tracking number');
        const at = now();
        await db.transaction(() =>
          db.run(
            'UPDATE transactions SET mailbox_override = ?, mailbox_override_at = ? WHERE tracking_number = ?',
            [status, at, tracking],
          ),
        );
        return {
          status: 200,
          body: await mailboxOf({ ...row, mailbox_override: status, mailbox_override_at: at }, tracking),
        };
      },
    },
  ];
}
