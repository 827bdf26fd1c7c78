import type { ByteTransport } from '../transport/types.js';
import { TransportScanner, type ScannerFacadeOptions } from './base.js';
import { LineFramer } from './line-framer.js';
import { AIM_IDENTIFIER_LENGTH, splitAimPrefix } from './symbology.js';

/** Options for {@link SerialScanner}. */
export interface SerialScannerOptions extends ScannerFacadeOptions {
  /** Longest code accepted, in payload bytes (an AIM identifier in front does not count). Default 4096. */
  readonly maxLineBytes?: number;
  /**
   * An unfinished line with no new byte for this long is dropped with `scanner-incomplete-code`, so stray
   * bytes never glue themselves to the front of the next code. Default 500 ms (a scanner sends a code in one
   * burst; even 4 KB at 9600 baud keeps bytes flowing every millisecond). Not used with `codeGapMs`.
   */
  readonly lineTimeoutMs?: number;
  /**
   * For a scanner set to send no suffix: a code is complete once no byte has come for this long, and is
   * delivered then (a CR or LF still ends a code at once). Unset (the default): codes must end with CR / LF.
   * Choose it above the scanner's largest gap inside one code and below the time between two scans; at slow
   * baud rates keep it well above a few character times (≈ 1 ms a byte at 9600 baud).
   */
  readonly codeGapMs?: number;
  /** Whether to strip a leading AIM identifier (`]Q1…`) and report its symbology. Default true. */
  readonly aimPrefix?: boolean;
  /** Reported as `source`; 'simulated' for the in-memory simulator. Default 'serial'. */
  readonly source?: 'serial' | 'simulated';
}

/**
 * A serial (RS-232 or USB-CDC) scanner: each code is a line ended by CR or CR LF, or (with `codeGapMs`) a
 * burst followed by silence. Works over any {@link ByteTransport}; reconnects after an unplug (status
 * `no-device`, then `online` again).
 */
export class SerialScanner extends TransportScanner {
  private readonly framer: LineFramer;
  private readonly maxPayloadBytes: number;
  private readonly lineTimeoutMs: number;
  private readonly codeGapMs: number | null;
  private readonly aimPrefix: boolean;
  private lineTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(transport: ByteTransport, options: SerialScannerOptions = {}) {
    super(transport, options.source ?? 'serial', options);
    this.maxPayloadBytes = options.maxLineBytes ?? 4096;
    this.aimPrefix = options.aimPrefix ?? true;
    // The limit is on the payload: leave room for the identifier in front, checked again once it is split off.
    this.framer = new LineFramer(this.maxPayloadBytes + (this.aimPrefix ? AIM_IDENTIFIER_LENGTH : 0));
    this.lineTimeoutMs = options.lineTimeoutMs ?? 500;
    this.codeGapMs = options.codeGapMs ?? null;
  }

  protected handleChunk(chunk: Uint8Array): void {
    for (const frame of this.framer.push(chunk)) {
      if (frame.type === 'overlong') {
        this.tooLong();
        continue;
      }
      this.emitLine(frame.bytes);
    }
    this.armLineTimer();
  }

  protected resetFraming(): void {
    if (this.lineTimer) clearTimeout(this.lineTimer);
    this.lineTimer = null;
    this.framer.reset();
  }

  private tooLong(): void {
    this.emitError({
      code: 'scanner-line-too-long',
      recovery: 'retry',
      message: `a code exceeded ${this.maxPayloadBytes} bytes; dropped up to the next terminator`,
    });
  }

  private emitLine(bytes: Uint8Array): void {
    let payload = bytes;
    let symbology: string | null = null;
    if (this.aimPrefix && bytes[0] === 0x5d /* ] */ && bytes.length >= AIM_IDENTIFIER_LENGTH) {
      // The identifier is ASCII, so splitting on the first three bytes is safe for any text encoding.
      symbology = splitAimPrefix(String.fromCharCode(bytes[0], bytes[1] ?? 0, bytes[2] ?? 0)).symbology;
      if (symbology) payload = bytes.subarray(AIM_IDENTIFIER_LENGTH);
    }
    if (payload.length > this.maxPayloadBytes) {
      this.tooLong();
      return;
    }
    this.emitCode(payload, symbology);
  }

  private armLineTimer(): void {
    if (this.lineTimer) clearTimeout(this.lineTimer);
    this.lineTimer = null;
    if (!this.framer.inLine) return;
    if (this.codeGapMs !== null) {
      this.lineTimer = setTimeout(() => {
        this.lineTimer = null;
        const bytes = this.framer.takePending();
        if (bytes) this.emitLine(bytes);
      }, this.codeGapMs);
      return;
    }
    this.lineTimer = setTimeout(() => {
      this.lineTimer = null;
      const dropped = this.framer.reset();
      this.emitError({
        code: 'scanner-incomplete-code',
        recovery: 'retry',
        message: `${dropped} bytes arrived without a line terminator within ${this.lineTimeoutMs} ms; dropped`,
      });
    }, this.lineTimeoutMs);
  }
}
