/**
 * How long each SAM command may take, derived from the line speed and the frame lengths instead of fixed
 * constants: a 9600-baud reader needs ~1.36 s just to send a 30 01 answer, ~2.43 s for 30 10, so a fixed 2 s read
 * timeout fails it while a 115200-baud reader on the same constant would wait far too long for a dead line.
 *
 * timeout = (request bytes + longest answer bytes) × bits per byte ÷ baud × (1 + wire tolerance)
 *         + the command's processing time (card radio and SAM work) + a fixed latency allowance
 *         + whatever the configuration adds (it can only widen).
 *
 * Pure: no I/O, no timers. The figures are documented in drivers/id-card/README.md ("Timing model").
 */
import { HEADER_LENGTH } from './codec.js';

/** Bits on the wire per byte for 8N1: start bit, eight data bits, stop bit. */
export const BITS_PER_BYTE_8N1 = 10;

/** The baud rate readers ship with when nothing else is configured. */
export const DEFAULT_SAM_BAUD_RATE = 115200;

/** What each timed exchange is, for the purposes of timing. */
export type SamTimedCommand = 'find' | 'select' | 'read' | 'read-fingerprint' | 'sam';

/** Whole frame length (preamble + LEN + body + CHK) for a body of `bodyBytes`. */
function frameBytes(bodyBytes: number): number {
  return HEADER_LENGTH + bodyBytes + 1;
}

/** Every host command is `CMD PARA` (+ one byte for 61 FF): 10 or 11 bytes on the wire. */
export const REQUEST_FRAME_BYTES = frameBytes(2);

/**
 * The longest answer each command can get, as whole frames:
 * - find: SW1 SW2 SW3 + 4 data bytes → 15;
 * - select: SW + 8 data bytes → 19;
 * - read (30 01): SW + 2 lengths + 256 text + 1024 photo → 1295 (LEN 0x0508);
 * - read with fingerprint (30 10): SW + 3 lengths + 256 + 1024 + 1024 → 2321 (LEN 0x090A);
 * - SAM commands: the SAM ID answer, SW + 16 bytes → 27 (status and reset answer 11).
 */
export const RESPONSE_FRAME_BYTES: Readonly<Record<SamTimedCommand, number>> = {
  find: frameBytes(3 + 4),
  select: frameBytes(3 + 8),
  read: frameBytes(3 + 4 + 256 + 1024),
  'read-fingerprint': frameBytes(3 + 6 + 256 + 1024 + 1024),
  sam: frameBytes(3 + 16),
};

/**
 * Time the reader spends before it answers, beyond the wire: searching the field (find), anticollision and
 * selection (select), the card's radio transfer and the SAM's decryption (reads), SAM housekeeping. Chosen so
 * that at 115200 baud the derived timeouts match the readers' documented typical figures (find ≈ 1 s,
 * select ≈ 0.3 s, read up to 2 s); the fingerprint read moves another 1024 bytes over the radio.
 */
export const PROCESSING_MS: Readonly<Record<SamTimedCommand, number>> = {
  find: 950,
  select: 250,
  read: 1830,
  'read-fingerprint': 2230,
  sam: 950,
};

/** Fixed allowance for USB-serial bridge latency timers and scheduling, added once per command. */
export const LATENCY_ALLOWANCE_MS = 50;

/** Extra share of the wire time allowed for clock tolerance and inter-byte gaps of slow bridges. */
export const WIRE_TOLERANCE = 0.1;

/** Per-command timeouts in milliseconds (what the facade waits for one answer). */
export interface SamCommandTimeouts {
  readonly find: number;
  readonly select: number;
  /** The read command in use: 30 01, or 30 10 when the reader is set to read fingerprints. */
  readonly read: number;
  /** SAM status, SAM ID and reset. */
  readonly sam: number;
}

/** What the derivation needs to know about the line and the configuration. */
export interface SamTimingOptions {
  /** Line speed; default 115200. */
  readonly baudRate?: number;
  /** Whether reads use 30 10 (text + photo + fingerprint). */
  readonly readFingerprint?: boolean;
  /** Added to every timeout by configuration, for slow readers or long cables; never negative. */
  readonly extraMs?: number;
}

/** Milliseconds `bytes` take on a line at `baudRate` (8N1). */
export function wireTimeMs(bytes: number, baudRate: number): number {
  return (bytes * BITS_PER_BYTE_8N1 * 1000) / baudRate;
}

/** The wire time of one complete exchange of `command` (request and longest answer). */
export function exchangeWireMs(command: SamTimedCommand, baudRate: number): number {
  return wireTimeMs(REQUEST_FRAME_BYTES + RESPONSE_FRAME_BYTES[command], baudRate);
}

/** The timeout of one command under the timing model (whole milliseconds, rounded up). */
export function samCommandTimeout(command: SamTimedCommand, options: SamTimingOptions = {}): number {
  const baud = options.baudRate ?? DEFAULT_SAM_BAUD_RATE;
  const wire = exchangeWireMs(command, baud) * (1 + WIRE_TOLERANCE);
  const extra = Math.max(0, options.extraMs ?? 0);
  return Math.ceil(wire + PROCESSING_MS[command] + LATENCY_ALLOWANCE_MS + extra);
}

/** Every timeout for a reader on this line and configuration. */
export function deriveSamTimeouts(options: SamTimingOptions = {}): SamCommandTimeouts {
  return {
    find: samCommandTimeout('find', options),
    select: samCommandTimeout('select', options),
    read: samCommandTimeout(options.readFingerprint ? 'read-fingerprint' : 'read', options),
    sam: samCommandTimeout('sam', options),
  };
}

/**
 * How long the line must stay quiet, after a bad frame and with no frame half-received, before the facade
 * accepts that no good frame follows: 32 byte times (a false preamble and a few bytes of slack), at least
 * 40 ms so USB-serial bridges that hold bytes for 16 ms are waited out.
 */
export function quietGapMs(baudRate: number = DEFAULT_SAM_BAUD_RATE): number {
  return Math.max(40, Math.ceil(wireTimeMs(32, baudRate)));
}
