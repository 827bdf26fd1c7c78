import type { ByteTransport } from '../transport/types.js';
import { TransportScanner, type ScannerFacadeOptions } from './base.js';
import { LineFramer } from './line-framer.js';
import { splitAimPrefix } from './symbology.js';

/** Options for {@link SerialScanner}. */
export interface SerialScannerOptions extends ScannerFacadeOptions {
  /** Longest line accepted, in bytes. Default 4096. */
  readonly maxLineBytes?: number;
  /**
   * An unfinished line with no new byte for this long is dropped with `scanner-incomplete-code`, so stray
   * bytes never glue themselves to the front of the next code. Default 500 ms (a scanner sends a code in one
   * burst; even 4 KB at 9600 baud keeps bytes flowing every millisecond).
   */
  readonly lineTimeoutMs?: number;
  /** Whether to strip a leading AIM identifier (`]Q1…`) and report its symbology. Default true. */
  readonly aimPrefix?: boolean;
  /** Reported as `source`; 'simulated' for the in-memory simulator. Default 'serial'. */
  readonly source?: 'serial' | 'simulated';
}

/**
 * A serial (RS-232 or USB-CDC) scanner: each code is a line ended by CR or CR LF. Works over any
 * {@link ByteTransport}; reconnects after an unplug (status `no-device`, then `online` again).
 */
export class SerialScanner extends TransportScanner {
  private readonly framer: LineFramer;
  private readonly lineTimeoutMs: number;
  private readonly aimPrefix: boolean;
  private lineTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(transport: ByteTransport, options: SerialScannerOptions = {}) {
    super(transport, options.source ?? 'serial', options);
    this.framer = new LineFramer(options.maxLineBytes ?? 4096);
    this.lineTimeoutMs = options.lineTimeoutMs ?? 500;
    this.aimPrefix = options.aimPrefix ?? true;
  }

  protected handleChunk(chunk: Uint8Array): void {
    for (const frame of this.framer.push(chunk)) {
      if (frame.type === 'overlong') {
        this.emitError({
          code: 'scanner-line-too-long',
          recovery: 'retry',
          message: `a line exceeded ${frame.limit} bytes; dropped up to the next terminator`,
        });
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

  private emitLine(bytes: Uint8Array): void {
    if (!this.aimPrefix || bytes[0] !== 0x5d /* ] */ || bytes.length < 3) {
      this.emitCode(bytes, null);
      return;
    }
    // The identifier is ASCII, so splitting on the first three bytes is safe for any text encoding.
    const { symbology } = splitAimPrefix(String.fromCharCode(bytes[0], bytes[1] ?? 0, bytes[2] ?? 0));
    this.emitCode(symbology ? bytes.subarray(3) : bytes, symbology);
  }

  private armLineTimer(): void {
    if (this.lineTimer) clearTimeout(this.lineTimer);
    this.lineTimer = null;
    if (!this.framer.inLine) return;
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
