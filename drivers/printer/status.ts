import type { DeviceResult, RecoveryHint } from '../common/result.js';
import { fail, ok } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import type { StatusQuery } from './encoder.js';

/**
 * DLE EOT (real-time status) and GS r reply parsing (drivers/printer/README.md, "Status"). Every DLE EOT reply is
 * one byte whose bits 1 and 4 are specified as always 1 and bits 0 and 7 as always 0. Replies are decoded by their
 * meaningful bits: a clone that leaves bits 1 and 4 unset is still answering (the condition carries a warning for
 * the technician), whereas a byte with bit 0 or 7 set is not a status reply at all (line noise, a wrong baud rate)
 * and is rejected rather than guessed at.
 */

/** The warning code of a printer whose status replies leave the fixed bits unset. */
export const STATUS_FIXED_BITS_WARNING = 'status-fixed-bits';

/** n = 1: printer status. */
export interface PrinterStatusBits {
  readonly offline: boolean;
  readonly waitingForRecovery: boolean;
  readonly feedButtonPressed: boolean;
}

/** n = 2: offline cause. */
export interface OfflineCauseBits {
  readonly coverOpen: boolean;
  readonly paperFedByButton: boolean;
  readonly stoppedAtPaperEnd: boolean;
  readonly error: boolean;
}

/** n = 3: error cause. */
export interface ErrorCauseBits {
  readonly recoverableError: boolean;
  readonly autocutterError: boolean;
  readonly unrecoverableError: boolean;
  readonly autoRecoverableError: boolean;
}

/** n = 4: paper roll sensor. */
export interface PaperSensorBits {
  readonly paperNearEnd: boolean;
  readonly paperEnd: boolean;
}

/** The parsed reply for each query. */
export interface StatusReplies {
  1: PrinterStatusBits;
  2: OfflineCauseBits;
  3: ErrorCauseBits;
  4: PaperSensorBits;
}

const bit = (byte: number, n: number): boolean => (byte & (1 << n)) !== 0;

/** Whether a byte has all the fixed bits of a DLE EOT reply (bits 1 and 4 set, bits 0 and 7 clear). */
export function isStatusByte(byte: number): boolean {
  return Number.isInteger(byte) && byte >= 0 && byte <= 0xff && (byte & 0x93) === 0x12;
}

/** Whether a byte can be a DLE EOT reply: bits 0 and 7 clear (bits 1 and 4 may be left unset by clones). */
export function isPlausibleStatusByte(byte: number): boolean {
  return Number.isInteger(byte) && byte >= 0 && byte <= 0xff && (byte & 0x81) === 0;
}

/**
 * Parses the reply to DLE EOT n by its meaningful bits; a byte with bit 0 or 7 set is a typed
 * `invalid-status-byte` failure. Use {@link isStatusByte} to tell a standard reply from a clone's.
 */
export function parseStatusByte<N extends StatusQuery>(n: N, byte: number): DeviceResult<StatusReplies[N]> {
  if (!isPlausibleStatusByte(byte)) {
    const shown =
      Number.isInteger(byte) && byte >= 0 && byte <= 0xff
        ? `0x${byte.toString(16).padStart(2, '0')}`
        : String(byte);
    return fail(
      'invalid-status-byte',
      'check-configuration',
      `reply ${shown} to DLE EOT ${n} is not a status byte (check baud rate and printer model)`,
    );
  }
  const parsed: StatusReplies[StatusQuery] =
    n === 1
      ? { offline: bit(byte, 3), waitingForRecovery: bit(byte, 5), feedButtonPressed: bit(byte, 6) }
      : n === 2
        ? {
            coverOpen: bit(byte, 2),
            paperFedByButton: bit(byte, 3),
            stoppedAtPaperEnd: bit(byte, 5),
            error: bit(byte, 6),
          }
        : n === 3
          ? {
              recoverableError: bit(byte, 2),
              autocutterError: bit(byte, 3),
              unrecoverableError: bit(byte, 5),
              autoRecoverableError: bit(byte, 6),
            }
          : // Vendors set both bits of each pair (sensor and its mirror); either one is taken as the condition.
            { paperNearEnd: bit(byte, 2) || bit(byte, 3), paperEnd: bit(byte, 5) || bit(byte, 6) };
  return ok(parsed as StatusReplies[N]);
}

/**
 * Whether a byte can be the reply to GS r 1 rather than to DLE EOT: its bit 4 is fixed 0 where a standard DLE EOT
 * reply has 1, and bit 7 is 0. Only meaningful for a printer whose DLE EOT replies are standard.
 */
export function isPaperSensorReply(byte: number): boolean {
  return (byte & 0x90) === 0;
}

/** Every detail of the four replies together. */
export type PrinterConditionDetails = PrinterStatusBits & OfflineCauseBits & ErrorCauseBits & PaperSensorBits;

/** The printer's condition from one full DLE EOT 1–4 round. */
export interface PrinterCondition {
  readonly online: boolean;
  readonly coverOpen: boolean;
  readonly paperEnd: boolean;
  readonly paperNearEnd: boolean;
  /** Any error reported (n2 bit 6 or an error cause in n3). */
  readonly error: boolean;
  /** Some reply left the fixed bits unset (a clone): decoded all the same, shown to technicians as a warning. */
  readonly nonStandardFixedBits: boolean;
  readonly details: PrinterConditionDetails;
}

/** Combines the four parsed replies; `nonStandardFixedBits` when any of them left the fixed bits unset. */
export function combineCondition(
  s1: PrinterStatusBits,
  s2: OfflineCauseBits,
  s3: ErrorCauseBits,
  s4: PaperSensorBits,
  nonStandardFixedBits: boolean,
): PrinterCondition {
  const details: PrinterConditionDetails = { ...s1, ...s2, ...s3, ...s4 };
  return {
    online: !s1.offline,
    coverOpen: s2.coverOpen,
    paperEnd: s4.paperEnd || s2.stoppedAtPaperEnd,
    paperNearEnd: s4.paperNearEnd,
    error:
      s2.error ||
      s3.autocutterError ||
      s3.unrecoverableError ||
      s3.recoverableError ||
      s3.autoRecoverableError,
    nonStandardFixedBits,
    details,
  };
}

/** Parses the four reply bytes (to DLE EOT 1, 2, 3, 4 in that order) into a condition. */
export function parseCondition(
  bytes: readonly [number, number, number, number],
): DeviceResult<PrinterCondition> {
  const r1 = parseStatusByte(1, bytes[0]);
  if (!r1.ok) return r1;
  const r2 = parseStatusByte(2, bytes[1]);
  if (!r2.ok) return r2;
  const r3 = parseStatusByte(3, bytes[2]);
  if (!r3.ok) return r3;
  const r4 = parseStatusByte(4, bytes[3]);
  if (!r4.ok) return r4;
  return ok(combineCondition(r1.value, r2.value, r3.value, r4.value, !bytes.every((b) => isStatusByte(b))));
}

/** The blocking problem in a condition, most actionable first, or null when the printer can print. */
export function conditionProblem(c: PrinterCondition): {
  code: 'cover-open' | 'paper-end' | 'cutter-error' | 'unrecoverable' | 'error' | 'offline';
  recovery: RecoveryHint;
  message: string;
} | null {
  // A printer with its cover open or out of paper also reports itself offline: name the cause, not the symptom.
  if (c.coverOpen) return { code: 'cover-open', recovery: 'close-cover', message: 'printer cover is open' };
  if (c.paperEnd) return { code: 'paper-end', recovery: 'refill-paper', message: 'printer is out of paper' };
  if (c.details.autocutterError)
    return { code: 'cutter-error', recovery: 'reset-device', message: 'autocutter error (paper jam?)' };
  if (c.details.unrecoverableError)
    return { code: 'unrecoverable', recovery: 'needs-maintenance', message: 'unrecoverable printer error' };
  if (c.error) return { code: 'error', recovery: 'retry', message: 'printer reports a recoverable error' };
  if (!c.online) return { code: 'offline', recovery: 'retry', message: 'printer is offline' };
  return null;
}

/** The kiosk-wide DeviceStatus for a condition, with a recovery hint and any warning for technicians. */
export function conditionToDeviceStatus(c: PrinterCondition): DeviceStatus {
  const warning = c.nonStandardFixedBits ? { warning: STATUS_FIXED_BITS_WARNING } : {};
  const p = conditionProblem(c);
  if (!p) return { state: 'online', ...warning };
  if (p.code === 'offline') return { state: 'offline', reason: p.message, ...warning };
  return { state: 'error', code: p.code, recovery: p.recovery, message: p.message, ...warning };
}
