/**
 * HID POS barcode scanners (usage page 0x8C, usage 0x02). Vendors lay the input report out differently, so
 * the layout is data ({@link HidPosLayout}); the codec ({@link parseHidPosReport}, {@link HidPosAssembler}) is
 * pure, and {@link HidPosScanner} is the facade over a report transport (drivers/transport/hid.ts).
 */
import type { DeviceError, DeviceErrorCode } from '../common/result.js';
import type { ByteTransport } from '../transport/types.js';
import { TransportScanner, type ScannerFacadeOptions } from './base.js';
import { parseAimIdentifier } from './symbology.js';

/** Where the fields of a vendor's HID POS input report sit. Offsets count from the byte after the report ID. */
export interface HidPosLayout {
  readonly name: string;
  /** The report ID carried as the first byte of every report (hidraw keeps it), or null for unnumbered reports. */
  readonly reportId: number | null;
  /** Report size after the report ID, as the descriptor declares it. */
  readonly reportLength: number;
  /** The byte holding how many data bytes this report carries. */
  readonly lengthOffset: number;
  /** Where the three-character AIM identifier sits, or null when the layout has none. */
  readonly symbologyOffset: number | null;
  /** Where data starts. */
  readonly dataOffset: number;
  /** Most data bytes one report can carry. */
  readonly maxDataPerReport: number;
  /** The "more reports follow" flag, or null when every code fits one report. */
  readonly moreFlag: { readonly offset: number; readonly mask: number } | null;
}

/**
 * The common layout: report ID 2, 63 bytes after it; byte 0 = data length in this report, bytes 1–3 the AIM
 * identifier, data from byte 4 (up to 56 bytes), bytes 60–61 vendor specific, byte 62 bit 0 = more follow.
 */
export const COMMON_HID_POS_LAYOUT: HidPosLayout = {
  name: 'common',
  reportId: 2,
  reportLength: 63,
  lengthOffset: 0,
  symbologyOffset: 1,
  dataOffset: 4,
  maxDataPerReport: 56,
  moreFlag: { offset: 62, mask: 0x01 },
};

/** Known layouts by name, for configuration files and the CLI. */
export const HID_POS_LAYOUTS: Readonly<Record<string, HidPosLayout>> = { common: COMMON_HID_POS_LAYOUT };

/** One parsed report. */
export interface HidPosReport {
  readonly data: Uint8Array;
  /** The symbology from the report's AIM field; null when absent, blank or unknown. */
  readonly symbology: string | null;
  readonly more: boolean;
}

/** The result of parsing one report: a report, a report of another ID to ignore, or a typed error. */
export type HidPosParse =
  | { readonly type: 'report'; readonly report: HidPosReport }
  | { readonly type: 'ignored' }
  | { readonly type: 'error'; readonly error: DeviceError };

function badReport(code: DeviceErrorCode, message: string): HidPosParse {
  return { type: 'error', error: { code, recovery: 'retry', message } };
}

/** Parses one input report with a layout. Pure; never throws. */
export function parseHidPosReport(
  raw: Uint8Array,
  layout: HidPosLayout = COMMON_HID_POS_LAYOUT,
): HidPosParse {
  let body = raw;
  if (layout.reportId !== null) {
    if (raw.length === 0) return badReport('hid-truncated-report', 'an empty HID report');
    // Other report IDs are other collections of the same device (status, feature echoes): not ours.
    if (raw[0] !== layout.reportId) return { type: 'ignored' };
    body = raw.subarray(1);
  }
  if (body.length <= layout.lengthOffset)
    return badReport('hid-truncated-report', `a ${raw.length}-byte HID report has no length field`);
  const length = body[layout.lengthOffset] ?? 0;
  if (length > layout.maxDataPerReport) {
    return badReport(
      'hid-bad-report',
      `a HID report claims ${length} data bytes; the layout allows ${layout.maxDataPerReport}`,
    );
  }
  const needed = Math.max(layout.dataOffset + length, layout.moreFlag ? layout.moreFlag.offset + 1 : 0);
  if (body.length < needed) {
    return badReport(
      'hid-truncated-report',
      `a HID report of ${raw.length} bytes is shorter than its fields need`,
    );
  }
  let symbology: string | null = null;
  if (layout.symbologyOffset !== null) {
    const s = body.subarray(layout.symbologyOffset, layout.symbologyOffset + 3);
    symbology = parseAimIdentifier(String.fromCharCode(...s))?.symbology ?? null;
  }
  const more = layout.moreFlag ? ((body[layout.moreFlag.offset] ?? 0) & layout.moreFlag.mask) !== 0 : false;
  return {
    type: 'report',
    report: { data: body.slice(layout.dataOffset, layout.dataOffset + length), symbology, more },
  };
}

/** What the assembler yields. */
export type HidPosAssembly =
  | { readonly type: 'code'; readonly bytes: Uint8Array; readonly symbology: string | null }
  | { readonly type: 'error'; readonly error: DeviceError };

/** Options for {@link HidPosAssembler}. */
export interface HidPosAssemblerOptions {
  readonly layout?: HidPosLayout;
  /** Largest code accepted, in bytes. Default 4096. */
  readonly maxCodeBytes?: number;
  /** A multi-report code whose next report does not come within this many ms is dropped. Default 250. */
  readonly continuationTimeoutMs?: number;
}

/**
 * Reassembles codes split over several reports. Pure: time is passed in, so the facade drives the timeout
 * with a timer and tests drive it with numbers.
 */
export class HidPosAssembler {
  readonly layout: HidPosLayout;
  readonly maxCodeBytes: number;
  readonly continuationTimeoutMs: number;
  private parts: Uint8Array[] = [];
  private size = 0;
  private symbology: string | null = null;
  private lastAt = 0;
  /** Set after an oversize code: drop reports until its last one. */
  private discarding = false;

  constructor(options: HidPosAssemblerOptions = {}) {
    this.layout = options.layout ?? COMMON_HID_POS_LAYOUT;
    this.maxCodeBytes = options.maxCodeBytes ?? 4096;
    this.continuationTimeoutMs = options.continuationTimeoutMs ?? 250;
  }

  /** Whether a multi-report code (or the tail of an oversize one) is waiting for its next report. */
  get pending(): boolean {
    return this.parts.length > 0 || this.discarding;
  }

  /** Feeds one report received at `now` (ms). */
  push(raw: Uint8Array, now: number): HidPosAssembly[] {
    const out: HidPosAssembly[] = [];
    const expired = this.expire(now);
    if (expired) out.push(expired);
    const parsed = parseHidPosReport(raw, this.layout);
    if (parsed.type === 'ignored') return out;
    if (parsed.type === 'error') {
      // A broken report may have been part of the pending code: that code cannot be trusted any more.
      this.clear();
      out.push(parsed);
      return out;
    }
    const { report } = parsed;
    this.lastAt = now;
    if (this.discarding) {
      if (!report.more) this.discarding = false;
      return out;
    }
    if (this.parts.length === 0) this.symbology = report.symbology;
    if (this.size + report.data.length > this.maxCodeBytes) {
      this.clear();
      this.discarding = report.more;
      out.push({
        type: 'error',
        error: {
          code: 'hid-code-too-long',
          recovery: 'retry',
          message: `a HID code exceeded ${this.maxCodeBytes} bytes; dropped`,
        },
      });
      return out;
    }
    this.parts.push(report.data);
    this.size += report.data.length;
    if (report.more) return out;
    const bytes = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      bytes.set(p, at);
      at += p.length;
    }
    out.push({ type: 'code', bytes, symbology: this.symbology });
    this.clear();
    return out;
  }

  /** Drops a pending code whose continuation is overdue at `now`; returns the typed error, or null. */
  expire(now: number): HidPosAssembly | null {
    if (!this.pending || now - this.lastAt <= this.continuationTimeoutMs) return null;
    const hadData = this.parts.length > 0;
    this.clear();
    if (!hadData) return null; // the tail of an oversize code, already reported
    return {
      type: 'error',
      error: {
        code: 'hid-incomplete-code',
        recovery: 'retry',
        message: `a multi-report HID code got no continuation within ${this.continuationTimeoutMs} ms; dropped`,
      },
    };
  }

  /** Drops everything pending. */
  clear(): void {
    this.parts = [];
    this.size = 0;
    this.symbology = null;
    this.discarding = false;
  }
}

/** Options for {@link HidPosScanner}. */
export interface HidPosScannerOptions extends ScannerFacadeOptions, HidPosAssemblerOptions {}

/**
 * A HID POS scanner. The transport must deliver one input report per data chunk (drivers/transport/hid.ts
 * does; so does a MemoryTransport written one report at a time).
 */
export class HidPosScanner extends TransportScanner {
  private readonly assembler: HidPosAssembler;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(transport: ByteTransport, options: HidPosScannerOptions = {}) {
    super(transport, 'hid', options);
    this.assembler = new HidPosAssembler(options);
  }

  protected handleChunk(chunk: Uint8Array): void {
    this.deliver(this.assembler.push(chunk, this.now()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.assembler.pending) {
      // The timer is re-armed on every report, so when it fires the continuation is overdue by definition:
      // expire unconditionally rather than trust a clock that may have ticked coarsely.
      this.timer = setTimeout(() => {
        this.timer = null;
        const expired = this.assembler.expire(Number.POSITIVE_INFINITY);
        if (expired) this.deliver([expired]);
      }, this.assembler.continuationTimeoutMs);
    }
  }

  protected resetFraming(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.assembler.clear();
  }

  private deliver(items: readonly HidPosAssembly[]): void {
    for (const item of items) {
      if (item.type === 'code') this.emitCode(item.bytes, item.symbology);
      else this.emitError(item.error);
    }
  }
}
