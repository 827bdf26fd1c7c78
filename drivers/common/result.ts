/**
 * Typed results for hardware operations. Hardware state can change at any moment (a card is pulled, a cable
 * is unplugged), so device operations return these instead of throwing.
 */
import type { Err, Result } from '../../contract/result.js';
import { err, ok } from '../../contract/result.js';

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

/** SAM status codes (SW3) that are failures; docs/ARCHITECTURE.md and drivers/id-card/codec.ts list their meaning. */
export type SamStatusCode =
  | 'no-content'
  | 'host-checksum-error'
  | 'host-length-error'
  | 'bad-command'
  | 'unauthorised'
  | 'unrecognised-error'
  | 'card-auth-sam-failed'
  | 'sam-auth-card-failed'
  | 'info-check-failed'
  | 'unknown-card-type'
  | 'card-read-failed'
  | 'random-number-failed'
  | 'sam-self-test-failed'
  | 'sam-not-authorised'
  | 'no-card'
  | 'select-failed'
  | 'communication-fault'
  /** A success status where the command expects another one (90 answering a find). */
  | 'unexpected-sam-status'
  /** An SW3 byte the protocol does not define, in hex. */
  | `unknown-sw3-${string}`;

/** Why a device operation failed: one stable code per cause, shared by every driver. */
export type DeviceErrorCode =
  // the link to the device
  | 'timeout'
  | 'closed'
  | 'no-device'
  | 'stopped'
  | 'internal'
  | 'port-io'
  | 'port-permission'
  | 'port-busy'
  // ID card reader frames and answers
  | 'frame-checksum'
  | 'frame-length'
  | 'frame-oversized'
  | 'frame-truncated'
  | 'read-payload-length'
  | 'sam-id-length'
  | 'text-block-length'
  | 'photo-not-simulated'
  | 'photo-decoder-unavailable'
  | 'photo-invalid'
  | 'photo-decode-failed'
  | SamStatusCode
  // printer
  | 'invalid-status-byte'
  // scanners
  | 'scanner-permission-denied'
  | 'scanner-port-busy'
  | 'scanner-empty-code'
  | 'scanner-line-too-long'
  | 'scanner-incomplete-code'
  | 'scanner-bad-encoding'
  | 'scanner-encoding-unsupported'
  | 'hid-code-too-long'
  | 'hid-incomplete-code'
  | 'hid-truncated-report'
  | 'hid-bad-report';

/** A device failure: a stable machine-readable code, a recovery hint, and a message free of personal data. */
export interface DeviceError {
  readonly code: DeviceErrorCode;
  readonly recovery: RecoveryHint;
  readonly message: string;
}

/** Success or a typed device failure: the project's one {@link Result} with a {@link DeviceError}. */
export type DeviceResult<T> = Result<T, DeviceError>;

export { ok };

/** Builds a failed device result. */
export function fail(code: DeviceErrorCode, recovery: RecoveryHint, message: string): Err<DeviceError> {
  return err({ code, recovery, message });
}
