import { urgentReportStatus } from '../console-urgent.js';
import type { CentralDb } from '../db.js';
import { HttpError } from '../http-json.js';
import type { Route } from './route.js';

/** What {@link urgentRoutes} needs. */
export interface UrgentRouteDeps {
  readonly db: CentralDb;
}

/** Urgent reports: a kiosk asks whether a duty officer acknowledged its report. */
export function urgentRoutes(deps: UrgentRouteDeps): Route[] {
  const { db } = deps;
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/urgent-reports\/([0-9A-HJKMNP-TV-Z]{26})$/,
      role: 'kiosk',
      async handle({ params, caller }) {
        // Whether a duty officer acknowledged it: the kiosk's end screen waits for this, polling while it shows.
        // A kiosk sees its own urgent reports only; anything else answers like an unknown id.
        const status =
          caller.role === 'kiosk' ? await urgentReportStatus(db, caller.kioskId, params[0] ?? '') : undefined;
        if (!status) throw new HttpError(404, 'not-found', 'no urgent report with this id');
        return { status: 200, body: status };
      },
    },
  ];
}
