/**
 * The device side of each scanner protocol, for tests, the CLI (`booth simulate scanner`) and the kiosk's
 * on-screen simulation panel.
 */
import iconv from 'iconv-lite';
import { MemoryTransport } from '../transport/memory.js';
import type { ByteTransport } from '../transport/types.js';
import type { ClassifyOptions } from './classify.js';
import type { PayloadEncoding } from './encoding.js';
import { COMMON_HID_POS_LAYOUT, type HidPosLayout } from './hid-pos.js';
import { SerialScanner } from './serial-scanner.js';
import { aimIdentifierFor } from './symbology.js';
import type { Scanner } from './types.js';

/** How a serial scanner ends a code ('none': no suffix, the host goes by the gap after it). */
export type LineTerminator = 'cr' | 'crlf' | 'lf' | 'none';

const TERMINATORS: Readonly<Record<LineTerminator, Uint8Array>> = {
  cr: Uint8Array.of(0x0d),
  crlf: Uint8Array.of(0x0d, 0x0a),
  lf: Uint8Array.of(0x0a),
  none: new Uint8Array(0),
};

const utf8 = new TextEncoder();

/** The bytes a scanner sends for a text in an encoding (what a code printed by such a system holds). */
export function encodePayload(text: string, encoding: PayloadEncoding = 'utf-8'): Uint8Array {
  return encoding === 'gb18030' ? Uint8Array.from(iconv.encode(text, 'gb18030')) : utf8.encode(text);
}

/** Options for one simulated serial scan. */
export interface SerialScanOptions {
  /** Default 'cr' (the factory setting of most serial scanners). */
  readonly terminator?: LineTerminator;
  /** A symbology name ('QR', 'EAN-13'…): its AIM identifier is sent in front of the data. */
  readonly symbology?: string;
  /** How the text is encoded on the wire; default UTF-8 ('gb18030' for codes from older Chinese systems). */
  readonly encoding?: PayloadEncoding;
}

/** A serial scanner: writes codes as terminated lines to a transport (one end of a PTY pair, or memory). */
export class SerialScannerSimulator {
  constructor(readonly transport: ByteTransport) {}

  /** Opens the transport if it is not open. */
  async open(): Promise<void> {
    if (!this.transport.isOpen) await this.transport.open();
  }

  /** Closes the transport. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  /** Sends one code. Rejects with a TransportError when the port is gone. */
  async scan(text: string, options: SerialScanOptions = {}): Promise<void> {
    const aim = options.symbology ? aimIdentifierFor(options.symbology) : null;
    if (options.symbology && !aim)
      throw new RangeError(`no AIM identifier known for symbology '${options.symbology}'`);
    const payload = encodePayload(text, options.encoding);
    const prefix = utf8.encode(aim ?? '');
    const bytes = new Uint8Array(prefix.length + payload.length);
    bytes.set(prefix);
    bytes.set(payload, prefix.length);
    await this.writeLine(bytes, options.terminator ?? 'cr');
  }

  /** Sends raw bytes followed by a terminator (bytes are sent as given: control bytes, invalid UTF-8…). */
  async writeLine(bytes: Uint8Array, terminator: LineTerminator = 'cr'): Promise<void> {
    const line = new Uint8Array(bytes.length + TERMINATORS[terminator].length);
    line.set(bytes);
    line.set(TERMINATORS[terminator], bytes.length);
    await this.transport.write(line);
  }

  /** Sends bytes exactly as given (no terminator): split chunks, partial lines. */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    await this.transport.write(bytes);
  }

  /** Sends `length` pseudo-random bytes (never CR or LF; deterministic for a seed), then CR. */
  async garbage(length = 32, seed = 1): Promise<void> {
    const bytes = new Uint8Array(length);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < length; i++) {
      // xorshift32: reproducible noise without a dependency.
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      const b = x & 0xff;
      bytes[i] = b === 0x0d || b === 0x0a ? 0x00 : b;
    }
    await this.writeLine(bytes, 'cr');
  }

  /** Sends a line of `length` printable bytes: longer than the scanner accepts when length exceeds its limit. */
  async overlong(length = 5000): Promise<void> {
    await this.writeLine(new Uint8Array(length).fill(0x41), 'cr');
  }
}

/** Options for {@link hidReportsFor}. */
export interface HidReportOptions {
  readonly layout?: HidPosLayout;
  /** Symbology name for the AIM field ('QR' by default); null leaves the field zeroed. */
  readonly symbology?: string | null;
}

/** Splits a code into HID POS input reports per a layout, as a scanner sends them. */
export function hidReportsFor(code: string | Uint8Array, options: HidReportOptions = {}): Uint8Array[] {
  const layout = options.layout ?? COMMON_HID_POS_LAYOUT;
  const data = typeof code === 'string' ? utf8.encode(code) : code;
  const symbology = options.symbology === undefined ? 'QR' : options.symbology;
  const aim = symbology === null ? null : aimIdentifierFor(symbology);
  if (symbology !== null && aim === null)
    throw new RangeError(`no AIM identifier known for symbology '${symbology}'`);
  if (data.length > layout.maxDataPerReport && !layout.moreFlag) {
    throw new RangeError(`layout '${layout.name}' carries at most ${layout.maxDataPerReport} bytes`);
  }
  const idBytes = layout.reportId === null ? 0 : 1;
  const reports: Uint8Array[] = [];
  for (let start = 0; start < data.length || reports.length === 0; start += layout.maxDataPerReport) {
    const part = data.subarray(start, start + layout.maxDataPerReport);
    const report = new Uint8Array(idBytes + layout.reportLength);
    if (layout.reportId !== null) report[0] = layout.reportId;
    const body = report.subarray(idBytes);
    body[layout.lengthOffset] = part.length;
    if (aim && layout.symbologyOffset !== null) body.set(utf8.encode(aim), layout.symbologyOffset);
    body.set(part, layout.dataOffset);
    if (layout.moreFlag && start + layout.maxDataPerReport < data.length) {
      body[layout.moreFlag.offset] = (body[layout.moreFlag.offset] ?? 0) | layout.moreFlag.mask;
    }
    reports.push(report);
  }
  return reports;
}

/** The simulation controls the kiosk's on-screen panel and tests use. */
export interface ScannerSimulationControls {
  /** Scans a code (with an AIM identifier when a symbology name is given). */
  scan(text: string, symbology?: string): Promise<void>;
  /** Pulls the scanner's cable: status goes `no-device` until {@link replug}. */
  unplug(): void;
  /** Plugs it back in; the facade reconnects on its next attempt. */
  replug(): void;
}

/** A simulated scanner: the facade, its controls, and a close for both. */
export interface SimulatedScanner {
  readonly scanner: Scanner;
  readonly simulator: ScannerSimulationControls;
  close(): Promise<void>;
}

/** Options for {@link createSimulatedScanner}. */
export interface SimulatedScannerOptions {
  readonly classify?: ClassifyOptions;
  /** Reconnect interval after a simulated unplug, ms. Default 200. */
  readonly reconnectIntervalMs?: number;
}

/**
 * A serial scanner facade wired to a simulator over an in-memory pipe, reporting `source: 'simulated'`.
 * Call `scanner.start()` as with a real one.
 */
export function createSimulatedScanner(options: SimulatedScannerOptions = {}): SimulatedScanner {
  const [host, device] = MemoryTransport.pair('scanner-sim');
  const scanner = new SerialScanner(host, {
    source: 'simulated',
    reconnectIntervalMs: options.reconnectIntervalMs ?? 200,
    ...(options.classify ? { classify: options.classify } : {}),
  });
  const sim = new SerialScannerSimulator(device);
  return {
    scanner,
    simulator: {
      async scan(text: string, symbology?: string): Promise<void> {
        await sim.open();
        await sim.scan(text, symbology ? { symbology } : {});
      },
      unplug(): void {
        host.unplug();
      },
      replug(): void {
        host.replug();
      },
    },
    async close(): Promise<void> {
      await scanner.stop();
      await sim.close();
    },
  };
}
