import type { FleetKiosk } from '../contract.js';

/**
 * The fleet page's rules, kept apart from the React code so that they are unit tested: when a kiosk is stale,
 * which devices are at fault, and the group filter.
 */

/** Stale: never heard from, or no heartbeat for longer than `staleAfterMs` (twice the heartbeat period). */
export function isStale(kiosk: FleetKiosk, nowMs: number, staleAfterMs: number): boolean {
  if (kiosk.lastHeartbeatAt === null) return true;
  return nowMs - Date.parse(kiosk.lastHeartbeatAt) > staleAfterMs;
}

/** Devices not `ready`, as `kind: state (code)`. */
export function faultsOf(kiosk: FleetKiosk): string[] {
  return Object.entries(kiosk.devices ?? {})
    .filter(([, report]) => report.state !== 'ready')
    .map(([kind, report]) => `${kind}: ${report.state}${report.code ? ` (${report.code})` : ''}`);
}

/**
 * The group filter. Heartbeats carry no group yet, so a group is a kiosk id prefix (ids are assigned by site,
 * e.g. `bj-dc-01`); case-insensitive, empty shows all.
 */
export function kioskGroupFilter(prefix: string): (kiosk: FleetKiosk) => boolean {
  const wanted = prefix.trim().toLowerCase();
  return (kiosk) => kiosk.kioskId.toLowerCase().startsWith(wanted);
}
