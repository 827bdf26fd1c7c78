import type { KioskIdentity } from '../../contract/catalog/signing.js';
import type { Provisioning } from './provisioning.js';

/** The development kiosk id of a demonstration kiosk with nothing configured. */
export const DEV_KIOSK_ID = 'dev-kiosk';

/** Splits `BOOTH_KIOSK_GROUPS` (comma-separated). */
export function kioskGroupsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env.BOOTH_KIOSK_GROUPS ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
}

/**
 * Who this kiosk is: its enrolment (`booth provision`) when it has one, else BOOTH_KIOSK_ID and
 * BOOTH_KIOSK_GROUPS, else the development id. Used for the central API and for catalogs' signed audience.
 */
export function kioskIdentity(
  env: Readonly<Record<string, string | undefined>>,
  provisioning: Provisioning | null,
): KioskIdentity {
  if (provisioning) return { kioskId: provisioning.kioskId, kioskGroups: provisioning.kioskGroups };
  return { kioskId: env.BOOTH_KIOSK_ID ?? DEV_KIOSK_ID, kioskGroups: kioskGroupsFromEnv(env) };
}
