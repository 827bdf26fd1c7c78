import type { FleetKiosk } from '../../contract/central-api.js';

/**
 * The fleet page's rules, kept apart from the React code so that they are unit tested: when a kiosk is stale,
 * which devices are at fault, and the kiosk id and group filters.
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

/** The kiosk id filter: ids starting with `prefix` (ids are assigned by site, e.g. `bj-dc-01`), case-insensitive. */
export function kioskIdFilter(prefix: string): (kiosk: FleetKiosk) => boolean {
  const wanted = prefix.trim().toLowerCase();
  return (kiosk) => kiosk.kioskId.toLowerCase().startsWith(wanted);
}

/** The group filter's "kiosks in no group" choice. */
export const NO_GROUP = '(none)';

/**
 * The group filter, by the groups each kiosk's heartbeat names: '' shows all, {@link NO_GROUP} the kiosks that
 * name none (or have not said yet), any other value that group's members.
 */
export function kioskGroupFilter(group: string): (kiosk: FleetKiosk) => boolean {
  if (group === '') return () => true;
  if (group === NO_GROUP) return (kiosk) => (kiosk.kioskGroups ?? []).length === 0;
  return (kiosk) => kiosk.kioskGroups?.includes(group) ?? false;
}

/** Every group some kiosk names, sorted (the group filter's choices). */
export function fleetGroups(kiosks: readonly FleetKiosk[]): string[] {
  return [...new Set(kiosks.flatMap((kiosk) => kiosk.kioskGroups ?? []))].sort();
}
