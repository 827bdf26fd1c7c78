import { TypedEmitter } from '../common/emitter.js';
import type { ByteTransport } from '../transport/types.js';
import { MemoryTransport } from '../transport/memory.js';
import type { ParsedCommand } from './escpos-parser.js';
import { EscPosParser } from './escpos-parser.js';
import type { EscPosPrinterOptions } from './printer.js';
import { EscPosPrinter } from './printer.js';

/**
 * The device side of an ESC/POS receipt printer: parses the byte stream with its own parser, keeps a virtual
 * paper roll, and answers DLE EOT per scenario. Used by tests, `booth simulate printer` and the on-screen
 * simulation panel.
 */

/** Ready-made behaviours. */
export type SimulatorScenario =
  'ok' | 'paper-near-end' | 'paper-out' | 'cover-open' | 'offline-mid-job' | 'slow' | 'silent';

/** Every scenario, for CLI validation. */
export const SIMULATOR_SCENARIOS: readonly SimulatorScenario[] = [
  'ok',
  'paper-near-end',
  'paper-out',
  'cover-open',
  'offline-mid-job',
  'slow',
  'silent',
];

/** A run of text with one style. */
export interface TextRun {
  readonly text: string;
  /** Per character: printed full width (a two-byte code). */
  readonly wide: readonly boolean[];
  readonly bold: boolean;
  readonly widthMul: number;
  readonly heightMul: number;
}

/** What is on the paper, top to bottom. */
export type PaperItem =
  | {
      readonly kind: 'text';
      readonly align: 'left' | 'center' | 'right';
      readonly runs: readonly TextRun[];
      readonly height: number;
    }
  | { readonly kind: 'feed'; readonly height: number }
  | {
      readonly kind: 'qr';
      readonly align: 'left' | 'center' | 'right';
      readonly payload: Uint8Array;
      /** The payload decoded as UTF-8. */
      readonly text: string;
      readonly moduleSize: number;
      readonly errorCorrection: 'L' | 'M' | 'Q' | 'H';
    }
  | {
      readonly kind: 'image';
      readonly align: 'left' | 'center' | 'right';
      readonly width: number;
      readonly height: number;
      readonly bits: Uint8Array;
    }
  | { readonly kind: 'cut'; readonly mode: 'full' | 'partial' };

/** One job: the paper between two cuts (the last item is the cut). */
export interface PrintedJob {
  readonly items: readonly PaperItem[];
}

/** Simulator options. */
export interface SimulatorOptions {
  readonly scenario?: SimulatorScenario;
  /** Paper width: 58 (384 dots) or 80 (576 dots, default). */
  readonly width?: 58 | 80;
  /** Dots of paper left on the roll (≈ 8 dots per mm); default: a full roll. `paper-out` starts at 0. */
  readonly paperDots?: number;
  /** Below this many dots left the near-end sensor trips (default 1600 ≈ 20 cm). */
  readonly nearEndDots?: number;
  /** `offline-mid-job`: goes offline after this many print bytes (default 64). */
  readonly offlineAfterBytes?: number;
  /** `slow`: delay before each status reply (default 400 ms). */
  readonly replyDelayMs?: number;
}

/** Events: `cut` with the finished job, `status-request` with n, `data` with each received chunk's length. */
export interface SimulatorEvents extends Record<string, unknown> {
  cut: PrintedJob;
  'status-request': number;
  data: number;
}

const FONT_A = { narrow: 12, wide: 24, height: 24 };
const DEFAULT_LINE_SPACING = 30;
const FULL_ROLL_DOTS = 8 * 1000 * 50; // 50 m of paper at 8 dots/mm

/** Bits of the DLE EOT replies, written from the protocol table (not shared with the host-side parser). */
const STATUS_FIXED = 0b0001_0010;

/** A simulated receipt printer. */
export class PrinterSimulator extends TypedEmitter<SimulatorEvents> {
  private readonly parser = new EscPosParser();
  private readonly dots: number;
  private scenario_: SimulatorScenario = 'ok';
  private readonly offlineAfterBytes: number;
  private readonly replyDelayMs: number;
  private readonly nearEndDots: number;

  // Device state the scenarios drive.
  coverOpen = false;
  /** Reported offline (by the scenario or because printing stopped). */
  offline = false;
  silent = false;
  autocutterError = false;
  unrecoverableError = false;
  /** Dots of paper left. */
  paperLeft: number;
  stoppedAtPaperEnd = false;

  // Print state.
  private bold = false;
  private align: 'left' | 'center' | 'right' = 'left';
  private widthMul = 1;
  private heightMul = 1;
  private lineSpacing = DEFAULT_LINE_SPACING;
  private lineAlign: 'left' | 'center' | 'right' | null = null;
  private runs: TextRun[] = [];
  private lineDots = 0;
  private qrSize = 3;
  private qrLevel: 'L' | 'M' | 'Q' | 'H' = 'L';
  private qrData: Uint8Array | null = null;
  private printBytes = 0;

  /** Everything printed so far (all jobs, including the one in progress). */
  readonly paper: PaperItem[] = [];
  /** Finished jobs (one per cut). */
  readonly jobs: PrintedJob[] = [];
  private jobStart = 0;
  /** Commands the parser did not know (kept for diagnostics). */
  readonly unknown: Uint8Array[] = [];
  private readonly outputs = new Set<(bytes: Uint8Array) => void>();

  constructor(options: SimulatorOptions = {}) {
    super();
    this.dots = options.width === 58 ? 384 : 576;
    this.offlineAfterBytes = options.offlineAfterBytes ?? 64;
    this.replyDelayMs = options.replyDelayMs ?? 400;
    this.nearEndDots = options.nearEndDots ?? 1600;
    this.paperLeft = options.paperDots ?? FULL_ROLL_DOTS;
    this.setScenario(options.scenario ?? 'ok');
    // An explicit roll length wins over the scenario's default (e.g. `ok` with 100 dots left).
    if (options.paperDots !== undefined && this.scenario_ !== 'paper-out') this.paperLeft = options.paperDots;
  }

  /** The current scenario. */
  get scenario(): SimulatorScenario {
    return this.scenario_;
  }

  /** Switches scenario; this sets the device state the scenario implies. */
  setScenario(scenario: SimulatorScenario): void {
    this.scenario_ = scenario;
    this.silent = scenario === 'silent';
    this.coverOpen = scenario === 'cover-open';
    this.offline = false;
    // A scenario describes the whole state: leaving `paper-out` means a roll was loaded.
    if (scenario === 'paper-out') this.paperLeft = 0;
    else if (this.paperLeft <= 0) this.paperLeft = FULL_ROLL_DOTS;
    if (scenario === 'paper-near-end')
      this.paperLeft = Math.min(this.paperLeft, Math.floor(this.nearEndDots / 2));
    if (scenario === 'ok' && this.paperLeft < this.nearEndDots) this.paperLeft = FULL_ROLL_DOTS;
    if (scenario !== 'paper-out') this.stoppedAtPaperEnd = false;
  }

  /** Loads a new roll (clears paper end). */
  refillPaper(dots = FULL_ROLL_DOTS): void {
    this.paperLeft = dots;
    this.stoppedAtPaperEnd = false;
  }

  /** Where replies go; `attach` wires this to a transport. Returns the unsubscribe function. */
  onOutput(listener: (bytes: Uint8Array) => void): () => void {
    this.outputs.add(listener);
    return () => this.outputs.delete(listener);
  }

  /** Connects the simulator to the device end of a transport; returns a function that detaches it. */
  attach(transport: ByteTransport): () => void {
    const offData = transport.onData((chunk) => this.receive(chunk));
    const offOut = this.onOutput((bytes) => {
      if (transport.isOpen) transport.write(bytes).catch(() => undefined);
    });
    return () => {
      offData();
      offOut();
    };
  }

  /** Feeds received bytes (what the host wrote). */
  receive(chunk: Uint8Array): void {
    this.emit('data', chunk.length);
    for (const cmd of this.parser.push(chunk)) this.apply(cmd);
  }

  /** Whether the printer is printing right now (nothing stops it). */
  get canPrint(): boolean {
    return (
      !this.coverOpen &&
      !this.offline &&
      this.paperLeft > 0 &&
      !this.stoppedAtPaperEnd &&
      !this.autocutterError &&
      !this.unrecoverableError
    );
  }

  /** The four DLE EOT reply bytes as the device would send them now. */
  statusByte(n: number): number | null {
    const paperEnd = this.paperLeft <= 0;
    const nearEnd = paperEnd || this.paperLeft < this.nearEndDots;
    const error = this.autocutterError || this.unrecoverableError;
    let b = STATUS_FIXED;
    if (n === 1) {
      if (!this.canPrint) b |= 1 << 3; // offline
      if (error) b |= 1 << 5; // waiting for online recovery
    } else if (n === 2) {
      if (this.coverOpen) b |= 1 << 2;
      if (this.stoppedAtPaperEnd) b |= 1 << 5;
      if (error) b |= 1 << 6;
    } else if (n === 3) {
      if (this.autocutterError) b |= 1 << 3;
      if (this.unrecoverableError) b |= 1 << 5;
    } else if (n === 4) {
      if (nearEnd) b |= 0b0000_1100;
      if (paperEnd) b |= 0b0110_0000;
    } else return null;
    return b;
  }

  /** The text printed in a job (or all paper), one string per printed line, trailing spaces trimmed. */
  static textLines(items: readonly PaperItem[]): string[] {
    const lines: string[] = [];
    for (const item of items)
      if (item.kind === 'text')
        lines.push(
          item.runs
            .map((r) => r.text)
            .join('')
            .replace(/ +$/, ''),
        );
    return lines;
  }

  /** QR payloads (decoded UTF-8) in a job or the whole paper. */
  static qrPayloads(items: readonly PaperItem[]): string[] {
    return items.flatMap((i) => (i.kind === 'qr' ? [i.text] : []));
  }

  /** Items printed since the last cut (the job in progress). */
  get currentJob(): readonly PaperItem[] {
    return this.paper.slice(this.jobStart);
  }

  private reply(byte: number): void {
    const bytes = Uint8Array.of(byte);
    const send = (): void => {
      for (const l of [...this.outputs]) l(bytes);
    };
    if (this.scenario_ === 'slow') setTimeout(send, this.replyDelayMs);
    else send();
  }

  private apply(cmd: ParsedCommand): void {
    if (cmd.type === 'status-request') {
      // Real-time: answered even while offline or out of paper (that is its purpose).
      this.emit('status-request', cmd.n);
      if (this.silent) return;
      const b = this.statusByte(cmd.n);
      if (b !== null) this.reply(b);
      return;
    }
    if (cmd.type === 'unknown') this.unknown.push(cmd.bytes);
    if (this.scenario_ === 'offline-mid-job' && !this.offline) {
      this.printBytes += commandSize(cmd);
      if (this.printBytes > this.offlineAfterBytes) this.offline = true;
    }
    // A stopped printer keeps data in its buffer and never prints it in this simulation: nothing lands on paper.
    if (!this.canPrint) return;
    switch (cmd.type) {
      case 'init':
        this.bold = false;
        this.align = 'left';
        this.widthMul = 1;
        this.heightMul = 1;
        this.lineSpacing = DEFAULT_LINE_SPACING;
        this.qrSize = 3;
        this.qrLevel = 'L';
        this.qrData = null;
        this.runs = [];
        this.lineDots = 0;
        this.lineAlign = null;
        break;
      case 'bold':
        this.bold = cmd.on;
        break;
      case 'align':
        this.align = cmd.align;
        break;
      case 'size':
        this.widthMul = cmd.width;
        this.heightMul = cmd.height;
        break;
      case 'line-spacing':
        this.lineSpacing = cmd.dots ?? DEFAULT_LINE_SPACING;
        break;
      case 'text':
        this.addText(cmd.text, cmd.wide);
        break;
      case 'lf':
        this.endLine(true);
        break;
      case 'feed':
        this.endLine(false);
        this.consume({ kind: 'feed', height: cmd.lines * this.lineSpacing });
        break;
      case 'qr-module-size':
        this.qrSize = cmd.size;
        break;
      case 'qr-error-correction':
        this.qrLevel = cmd.level;
        break;
      case 'qr-store':
        this.qrData = cmd.data;
        break;
      case 'qr-print':
        if (this.qrData) {
          this.endLine(false);
          const payload = this.qrData;
          this.consume({
            kind: 'qr',
            align: this.align,
            payload,
            text: new TextDecoder().decode(payload),
            moduleSize: this.qrSize,
            errorCorrection: this.qrLevel,
          });
        }
        break;
      case 'raster':
        this.endLine(false);
        this.consume({
          kind: 'image',
          align: this.align,
          width: cmd.width,
          height: cmd.height,
          bits: cmd.bits,
        });
        break;
      case 'cut': {
        this.endLine(false);
        if (cmd.feed) this.consume({ kind: 'feed', height: cmd.feed * this.lineSpacing });
        if (!this.canPrint) break;
        this.paper.push({ kind: 'cut', mode: cmd.mode });
        const job: PrintedJob = { items: this.paper.slice(this.jobStart) };
        this.jobStart = this.paper.length;
        this.jobs.push(job);
        this.emit('cut', job);
        break;
      }
      default:
        break;
    }
  }

  private addText(text: string, wide: readonly boolean[]): void {
    let start = 0;
    for (let k = 0; k < text.length; k++) {
      const w = (wide[k] ? FONT_A.wide : FONT_A.narrow) * this.widthMul;
      // The printer wraps by itself when a character does not fit in what is left of the line.
      if (this.lineDots + w > this.dots) {
        this.pushRun(text.slice(start, k), wide.slice(start, k));
        start = k;
        this.endLine(true);
        if (!this.canPrint) return;
      }
      this.lineDots += w;
    }
    this.pushRun(text.slice(start), wide.slice(start));
  }

  private pushRun(text: string, wide: readonly boolean[]): void {
    if (text.length === 0) return;
    if (this.lineAlign === null) this.lineAlign = this.align;
    this.runs.push({ text, wide, bold: this.bold, widthMul: this.widthMul, heightMul: this.heightMul });
  }

  /** Prints the line buffer; with `feedIfEmpty`, an empty line still advances the paper (a bare LF). */
  private endLine(feedIfEmpty: boolean): void {
    if (this.runs.length === 0) {
      if (feedIfEmpty) this.consume({ kind: 'feed', height: this.lineSpacing });
      return;
    }
    const tallest = Math.max(...this.runs.map((r) => r.heightMul * FONT_A.height));
    const item: PaperItem = {
      kind: 'text',
      align: this.lineAlign ?? this.align,
      runs: this.runs,
      height: Math.max(tallest, this.lineSpacing),
    };
    this.runs = [];
    this.lineDots = 0;
    this.lineAlign = null;
    this.consume(item);
  }

  /** Puts an item on paper if there is paper for it; otherwise stops at paper end. */
  private consume(item: PaperItem): void {
    const h = itemHeight(item);
    if (h > this.paperLeft) {
      this.paperLeft = 0;
      this.stoppedAtPaperEnd = true;
      return;
    }
    this.paperLeft -= h;
    this.paper.push(item);
  }
}

/** Paper used by an item, in dots (QR size estimated from the payload length for version ≈ 1–10). */
function itemHeight(item: PaperItem): number {
  switch (item.kind) {
    case 'text':
    case 'feed':
      return item.height;
    case 'qr':
      return (21 + 4 * Math.min(39, Math.ceil(item.payload.length / 16))) * item.moduleSize;
    case 'image':
      return item.height;
    case 'cut':
      return 0;
  }
}

function commandSize(cmd: ParsedCommand): number {
  switch (cmd.type) {
    case 'text':
      return cmd.wide.reduce((n, w) => n + (w ? 2 : 1), 0);
    case 'qr-store':
      return cmd.data.length + 8;
    case 'raster':
      return cmd.bits.length + 8;
    default:
      return 3;
  }
}

/** A printer facade wired to a simulator over an in-memory pipe. */
export interface SimulatedPrinter {
  readonly printer: EscPosPrinter;
  readonly simulator: PrinterSimulator;
  /** The device end, e.g. to `unplug()` it. */
  readonly deviceTransport: MemoryTransport;
  readonly hostTransport: MemoryTransport;
  close(): Promise<void>;
}

/**
 * Creates a simulator and an {@link EscPosPrinter} talking to it through `MemoryTransport.pair()`. The printer
 * is not started: call `printer.start()` (the kiosk core starts all devices together).
 */
export function createSimulatedPrinter(
  options: SimulatorOptions & { printer?: Omit<EscPosPrinterOptions, 'transport'> } = {},
): SimulatedPrinter {
  const [host, device] = MemoryTransport.pair('printer');
  const simulator = new PrinterSimulator(options);
  // MemoryTransport.open() marks the end open synchronously, so the simulator listens before anyone writes.
  device.open().catch(() => undefined);
  const detach = simulator.attach(device);
  const printer = new EscPosPrinter({ ...options.printer, transport: host });
  return {
    printer,
    simulator,
    deviceTransport: device,
    hostTransport: host,
    async close(): Promise<void> {
      await printer.stop();
      detach();
      await device.close();
    },
  };
}
