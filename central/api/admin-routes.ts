import type { FleetResponse } from '../../contract/central-api.js';
import type { CentralRecords } from './records.js';
import type { Route } from './route.js';

/** What {@link adminRoutes} needs. */
export interface AdminRouteDeps {
  readonly records: Pick<CentralRecords, 'fleet' | 'stats'>;
}

/** The admin API's overview: the fleet and the counters. */
export function adminRoutes(deps: AdminRouteDeps): Route[] {
  const { fleet, stats } = deps.records;
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/fleet$/,
      role: 'admin',
      async handle() {
        const response: FleetResponse = { kiosks: await fleet() };
        return { status: 200, body: response };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/admin\/stats$/,
      role: 'admin',
      async handle() {
        return { status: 200, body: await stats() };
      },
    },
  ];
}
