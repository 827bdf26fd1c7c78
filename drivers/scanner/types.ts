import type { DeviceError } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import type { PayloadEncoding } from './encoding.js';
import type { Gs1Element } from './gs1.js';

/**
 * What a scanned code means to the kiosk (see classify.ts for the exact formats):
 * - `appointment`: an appointment code (`YY` + date + sequence + check digit);
 * - `progress`: a transaction number, bare or inside a progress URL on the kiosk's progress host;
 * - `url`: any other http/https URL;
 * - `unknown`: anything else, including hostile or malformed input.
 */
export type CodeKind = 'appointment' | 'progress' | 'url' | 'unknown';

/** Where a code came from. */
export type ScanSource = 'hid' | 'serial' | 'wedge' | 'simulated';

/** One scanned code, sanitised and classified. May carry personal data: never log `text`. */
export interface ScannedCode {
  /**
   * The decoded text, control characters stripped (except GS, U+001D, the GS1 separator, which is data) and
   * length bounded (see classify.ts).
   */
  readonly text: string;
  /** The symbology named by the AIM identifier (`]xy`) when the scanner sent one, e.g. 'QR', 'Code128'. */
  readonly symbology: string | null;
  readonly kind: CodeKind;
  /**
   * The reference the kind refers to: the appointment code, the transaction number (also when it came inside a
   * progress URL), the normalised URL; null for `unknown`.
   */
  readonly reference: string | null;
  /** The GS1 Application Identifiers the code carries (GS1 symbologies, or any code with GS1 fields); else null. */
  readonly gs1: readonly Gs1Element[] | null;
  /** How the payload bytes were decoded: UTF-8, or GB18030 (older Chinese systems; detected or configured). */
  readonly encoding: PayloadEncoding;
  readonly source: ScanSource;
  /** Epoch milliseconds when the code was complete. */
  readonly at: number;
}

/** Events a scanner facade emits. */
export interface ScannerEvents extends Record<string, unknown> {
  scanned: ScannedCode;
  status: DeviceStatus;
  /** Bytes arrived that did not make a code (overlong, truncated, incomplete, empty): typed, no scanned data. */
  'scan-error': DeviceError;
}

/** What the kiosk core needs of a barcode/QR scanner, whatever its transport. */
export interface Scanner {
  readonly status: DeviceStatus;
  /** Opens the device and starts listening. Never rejects: failures become status, and it keeps reconnecting. */
  start(): Promise<void>;
  /** Stops listening and closes the device. */
  stop(): Promise<void>;
  on<K extends keyof ScannerEvents>(event: K, listener: (payload: ScannerEvents[K]) => void): () => void;
}
