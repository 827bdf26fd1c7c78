import QRCode from 'qrcode';
import { TypedEmitter } from '../common/emitter.js';
import type { ByteTransport } from '../transport/types.js';
import { MemoryTransport } from '../transport/memory.js';
import type { ParsedCommand } from './escpos-parser.js';
import { EscPosParser } from './escpos-parser.js';
import type { EscPosPrinterOptions } from './printer.js';
import { EscPosPrinter } from './printer.js';
import type { PrinterProfile } from './profile.js';
import { PROFILE_80MM } from './profile.js';
import { CUTTER_DISTANCE_DOTS, DEFAULT_LINE_SPACING_DOTS, paperMs } from './timing.js';

/**
 * The device side of an ESC/POS receipt printer: parses the byte stream with its own parser into a buffer, and a
 * print head works through that buffer at the configured paper speed onto a virtual roll (or at once, `instant`,
 * for previews). DLE EOT is answered in real time per scenario; GS r when the head reaches it. When the paper
 * runs out or the printer stops partway through, what is still in the buffer is lost. Used by tests,
 * `booth simulate printer` and the on-screen simulation panel.
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
  /**
   * Paper speed of the print head in mm/s, or `instant` (default): everything lands on paper as it arrives,
   * as a preview needs. With a speed, a job takes its physical time and the paper can run out partway.
   */
  readonly speedMmPerSec?: number | 'instant';
  /** One autocutter cycle at a set speed (default 250 ms). */
  readonly cutMs?: number;
  /** Whether GS r is answered (default true); false models a printer that ignores it. */
  readonly answersGsR?: boolean;
}

/**
 * Events: `cut` with the finished job, `status-request` with n, `data` with each received chunk's length, `lost`
 * with the number of buffered steps discarded when printing stopped, `idle` when the head has caught up.
 */
export interface SimulatorEvents extends Record<string, unknown> {
  cut: PrintedJob;
  'status-request': number;
  data: number;
  lost: number;
  idle: undefined;
}

/** What the print head does next, in buffer order; `at` is when its bytes arrived (performance.now). */
type HeadStep = { readonly at: number } & (
  | { readonly kind: 'paper'; readonly item: PaperItem; readonly dots: number }
  | { readonly kind: 'cut'; readonly mode: 'full' | 'partial' }
  | { readonly kind: 'transmit-status'; readonly n: number }
);

const FONT_A = { narrow: 12, wide: 24, height: 24 };
const DEFAULT_LINE_SPACING = DEFAULT_LINE_SPACING_DOTS;
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
  private readonly speed: number | 'instant';
  private readonly cutMs: number;
  private readonly answersGsR: boolean;
  private readonly queue: HeadStep[] = [];
  private headTimer: NodeJS.Timeout | null = null;
  /**
   * When (performance.now) the head is free: the next step starts then, or when its bytes arrived if later, so
   * neither late timers nor the simulator's own parsing time shift the physical timeline.
   */
  private headClock = 0;
  /** When the chunk being parsed arrived. */
  private arrivedAt = 0;

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
    this.speed = options.speedMmPerSec ?? 'instant';
    this.cutMs = options.cutMs ?? 250;
    this.answersGsR = options.answersGsR ?? true;
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
      // The simulated printer answers into a closing transport: nobody is left to read it.
      if (transport.isOpen) transport.write(bytes).catch(() => undefined);
    });
    return () => {
      offData();
      offOut();
    };
  }

  /** Feeds received bytes (what the host wrote). */
  receive(chunk: Uint8Array): void {
    this.arrivedAt = performance.now();
    this.emit('data', chunk.length);
    for (const cmd of this.parser.push(chunk)) this.apply(cmd);
  }

  /** Whether the printer can print right now (nothing stops it). */
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

  /** Whether the head still has buffered work. */
  get printing(): boolean {
    return this.queue.length > 0 || this.headTimer !== null;
  }

  /** Resolves when the head has caught up with the buffer (at once when it has). */
  whenIdle(): Promise<void> {
    if (!this.printing) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.on('idle', () => {
        off();
        resolve();
      });
    });
  }

  /** Stops the head and drops the buffer (the simulator is being shut down). */
  dispose(): void {
    if (this.headTimer) clearTimeout(this.headTimer);
    this.headTimer = null;
    this.queue.length = 0;
  }

  /** The GS r 1 reply now: bits 0–1 near end, bits 2–3 paper end; bits 4 and 7 fixed 0. */
  paperSensorByte(): number {
    const paperEnd = this.paperLeft <= 0;
    let b = 0;
    if (paperEnd || this.paperLeft < this.nearEndDots) b |= 0b0000_0011;
    if (paperEnd) b |= 0b0000_1100;
    return b;
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
    // A stopped printer does not take data into its buffer in this simulation: nothing lands on paper.
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
      case 'feed-dots':
        this.endLine(false);
        this.consume({ kind: 'feed', height: cmd.dots });
        break;
      case 'transmit-status':
        if (this.answersGsR && cmd.n === 1)
          this.enqueue({ kind: 'transmit-status', n: cmd.n, at: this.arrivedAt });
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
      case 'cut':
        this.endLine(false);
        // GS V 65/66 n feeds the last line past the blade first: the blade's distance plus n dots.
        if (cmd.feed !== null) this.consume({ kind: 'feed', height: CUTTER_DISTANCE_DOTS + cmd.feed });
        this.enqueue({ kind: 'cut', mode: cmd.mode, at: this.arrivedAt });
        break;
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

  /** Queues an item for the print head. */
  private consume(item: PaperItem): void {
    this.enqueue({ kind: 'paper', item, dots: itemHeight(item), at: this.arrivedAt });
  }

  private enqueue(step: HeadStep): void {
    this.queue.push(step);
    this.pump();
  }

  /** How long the head takes for a step (paper up to what is left on the roll). */
  private stepMs(step: HeadStep): number {
    if (this.speed === 'instant') return 0;
    if (step.kind === 'paper') return paperMs(Math.min(step.dots, this.paperLeft), this.speed);
    if (step.kind === 'cut') return this.cutMs;
    return 0;
  }

  /** Works through the buffer: each step takes its physical time (none when instant). */
  private pump(): void {
    if (this.headTimer) return;
    for (let step = this.queue[0]; step !== undefined; step = this.queue[0]) {
      if (!this.canPrint) {
        this.dropBuffer();
        break;
      }
      const end = Math.max(this.headClock, step.at) + this.stepMs(step);
      // A step whose time has already passed (instant, or a timer that fired late) is done now: the paper's
      // timeline stays exact even when the event loop is busy.
      if (end <= performance.now()) {
        this.queue.shift();
        this.headClock = end;
        this.finish(step);
        continue;
      }
      this.headClock = end;
      this.headTimer = setTimeout(
        () => {
          this.headTimer = null;
          this.queue.shift();
          this.finish(step);
          this.pump();
        },
        Math.max(0, this.headClock - performance.now()),
      );
      return;
    }
    this.emit('idle', undefined);
  }

  private dropBuffer(): void {
    const lost = this.queue.length;
    this.queue.length = 0;
    if (lost > 0) this.emit('lost', lost);
  }

  /** A step the head has completed: paper out of the printer, a cut, or a GS r reply. */
  private finish(step: HeadStep): void {
    if (step.kind === 'transmit-status') {
      this.reply(this.paperSensorByte());
      return;
    }
    if (step.kind === 'cut') {
      this.paper.push({ kind: 'cut', mode: step.mode });
      const job: PrintedJob = { items: this.paper.slice(this.jobStart) };
      this.jobStart = this.paper.length;
      this.jobs.push(job);
      this.emit('cut', job);
      return;
    }
    if (step.dots > this.paperLeft) {
      // The roll ends inside this item: the printer stops at paper end and the rest of the buffer is lost.
      this.paperLeft = 0;
      this.stoppedAtPaperEnd = true;
      this.dropBuffer();
      return;
    }
    this.paperLeft -= step.dots;
    this.paper.push(step.item);
  }
}

/** Paper used by an item, in dots (QR size estimated from the payload length for version ≈ 1–10). */
function itemHeight(item: PaperItem): number {
  switch (item.kind) {
    case 'text':
    case 'feed':
      return item.height;
    case 'qr':
      return qrSide(item) * item.moduleSize;
    case 'image':
      return item.height;
    case 'cut':
      return 0;
  }
}

const qrSides = new Map<string, number>();
/**
 * Modules per side of the symbol the printer draws (byte mode, as the preview renders it). In byte mode the size
 * depends only on the length and the level, so it is cached by those.
 */
function qrSide(item: Extract<PaperItem, { kind: 'qr' }>): number {
  const key = `${item.errorCorrection}${item.payload.length}`;
  let side = qrSides.get(key);
  if (side === undefined) {
    side = QRCode.create([{ data: Buffer.from(item.payload), mode: 'byte' }], {
      errorCorrectionLevel: item.errorCorrection,
    }).modules.size;
    qrSides.set(key, side);
  }
  return side;
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
 * Creates a simulator and an {@link EscPosPrinter} talking to it through `MemoryTransport.pair()`. Both follow
 * one printer profile (default 80 mm at 150 mm/s): the simulator prints at the profile's speed unless
 * `speedMmPerSec` says otherwise. The printer is not started: call `printer.start()` (the kiosk core starts all
 * devices together).
 */
export function createSimulatedPrinter(
  options: SimulatorOptions & {
    profile?: PrinterProfile;
    printer?: Omit<EscPosPrinterOptions, 'transport' | 'profile'>;
  } = {},
): SimulatedPrinter {
  const profile = options.profile ?? PROFILE_80MM;
  const [host, device] = MemoryTransport.pair('printer');
  const simulator = new PrinterSimulator({
    width: profile.widthMm,
    speedMmPerSec: profile.speedMmPerSec,
    cutMs: profile.cutMs,
    ...options,
  });
  // MemoryTransport.open() marks the end open synchronously, so the simulator listens before anyone writes.
  device.open().catch(() => undefined);
  const detach = simulator.attach(device);
  const printer = new EscPosPrinter({ ...options.printer, profile, transport: host });
  return {
    printer,
    simulator,
    deviceTransport: device,
    hostTransport: host,
    async close(): Promise<void> {
      await printer.stop();
      detach();
      simulator.dispose();
      await device.close();
    },
  };
}
