/**
 * Typed results for hardware operations. Hardware state can change at any moment (a card is pulled, a cable
 * is unplugged), so device operations return these instead of throwing.
 */

/** What a technician (or the kiosk itself) should do about a device error; modelled on CEN-XFS actions. */
export type RecoveryHint =
  | 'retry'
  | 'reinsert-card'
  | 'check-cable'
  | 'check-configuration'
  | 'refill-paper'
  | 'close-cover'
  | 'reset-device'
  | 'needs-maintenance'
  | 'unsupported';

/** A device failure: a stable machine-readable code, a recovery hint, and a message free of personal data. */
export interface DeviceError {
  readonly code: string;
  readonly recovery: RecoveryHint;
  readonly message: string;
}

/** Success or a typed device failure. */
export type DeviceResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DeviceError };

/** Builds a successful result. */
export function ok<T>(value: T): DeviceResult<T> {
  return { ok: true, value };
}

/** Builds a failed result. */
export function fail<T = never>(code: string, recovery: RecoveryHint, message: string): DeviceResult<T> {
  return { ok: false, error: { code, recovery, message } };
}
