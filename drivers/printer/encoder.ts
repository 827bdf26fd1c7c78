import { PNG } from 'pngjs';
import type { PrinterProfile } from './profile.js';
import { PROFILE_80MM } from './profile.js';
import type { Align, Replacement } from './text.js';
import { alignText, displayWidth, encodeText, twoColumnRow, wrapText } from './text.js';

/**
 * The project's own ESC/POS encoder (drivers/printer/README.md): a fluent builder that appends commands and returns the
 * bytes plus the list of characters it had to replace. Pure: no I/O, no device state.
 */

export type { PrinterProfile } from './profile.js';
export { PROFILE_58MM, PROFILE_80MM, profileForWidth } from './profile.js';

/** QR error correction level (GS ( k fn 45: 48–51). */
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/** Options for a QR code. */
export interface QrOptions {
  /** Dots per module, 1–16 (default 6). */
  readonly moduleSize?: number;
  /** Default M. */
  readonly errorCorrection?: QrErrorCorrection;
}

/** How to cut: `feed` lines are fed first with GS V 65/66 n (feed-then-cut). */
export interface CutOptions {
  readonly mode?: 'full' | 'partial';
  readonly feed?: number;
}

/** A 1-bit bitmap, rows packed MSB first (bit set = black dot), `ceil(width / 8)` bytes per row. */
export interface MonoBitmap {
  readonly width: number;
  readonly height: number;
  readonly bits: Uint8Array;
}

/** Which DLE EOT status to ask for: 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor. */
export type StatusQuery = 1 | 2 | 3 | 4;

/** A command the encoder refuses to build (bad argument), with a stable code. */
export class EncoderError extends Error {
  constructor(
    readonly code: 'qr-too-long' | 'qr-empty' | 'bad-argument' | 'image-too-wide' | 'bad-image',
    message: string,
  ) {
    super(message);
    this.name = 'EncoderError';
  }
}

/** The encoder's output. */
export interface EncodedJob {
  readonly bytes: Uint8Array;
  readonly replacements: Replacement[];
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const EOT = 0x04;
const LF = 0x0a;

/** Byte-mode QR capacity of version 40 at each level; more cannot be stored as one symbol. */
const QR_CAPACITY: Record<QrErrorCorrection, number> = { L: 2953, M: 2331, Q: 1663, H: 1273 };

/** The raw ESC/POS command bytes, one function per command: the golden bytes the tests pin down. */
export const Commands = {
  init: (): Uint8Array => Uint8Array.of(ESC, 0x40),
  chineseOn: (): Uint8Array => Uint8Array.of(FS, 0x26),
  chineseOff: (): Uint8Array => Uint8Array.of(FS, 0x2e),
  bold: (on: boolean): Uint8Array => Uint8Array.of(ESC, 0x45, on ? 1 : 0),
  align: (a: Align): Uint8Array => Uint8Array.of(ESC, 0x61, a === 'left' ? 0 : a === 'center' ? 1 : 2),
  /** GS ! n: high nibble width − 1, low nibble height − 1 (each 1–8). */
  size: (width: number, height: number): Uint8Array =>
    Uint8Array.of(GS, 0x21, ((width - 1) << 4) | (height - 1)),
  lineSpacing: (dots: number): Uint8Array => Uint8Array.of(ESC, 0x33, dots),
  defaultLineSpacing: (): Uint8Array => Uint8Array.of(ESC, 0x32),
  feed: (lines: number): Uint8Array => Uint8Array.of(ESC, 0x64, lines),
  cut: (mode: 'full' | 'partial'): Uint8Array => Uint8Array.of(GS, 0x56, mode === 'full' ? 0x00 : 0x01),
  feedCut: (mode: 'full' | 'partial', lines: number): Uint8Array =>
    Uint8Array.of(GS, 0x56, mode === 'full' ? 0x41 : 0x42, lines),
  status: (n: StatusQuery): Uint8Array => Uint8Array.of(DLE, EOT, n),
  qrModel2: (): Uint8Array => Uint8Array.of(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00),
  qrModuleSize: (n: number): Uint8Array => Uint8Array.of(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, n),
  qrErrorCorrection: (ec: QrErrorCorrection): Uint8Array =>
    Uint8Array.of(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 48 + 'LMQH'.indexOf(ec)),
  /** fn 50 store: pL/pH count the data's encoded BYTES plus the 3 bytes `31 50 30`. */
  qrStore: (data: Uint8Array): Uint8Array => {
    const n = data.length + 3;
    const out = new Uint8Array(8 + data.length);
    out.set([GS, 0x28, 0x6b, n & 0xff, (n >> 8) & 0xff, 0x31, 0x50, 0x30]);
    out.set(data, 8);
    return out;
  },
  qrPrint: (): Uint8Array => Uint8Array.of(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30),
  /** GS v 0 m xL xH yL yH d…: x in bytes per row, y in rows. */
  raster: (bytesPerRow: number, rows: number, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(8 + data.length);
    out.set([GS, 0x76, 0x30, 0x00, bytesPerRow & 0xff, bytesPerRow >> 8, rows & 0xff, rows >> 8]);
    out.set(data, 8);
    return out;
  },
} as const;

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EncoderError('bad-argument', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Options for the builder. */
export interface EncoderOptions {
  /** Overrides the stand-in for unprintable characters (default `□` in Chinese mode, `?` otherwise). */
  readonly replacement?: string;
}

/**
 * A fluent ESC/POS builder. `init()` also switches double-byte (Chinese) mode on explicitly, because some
 * models power up in it and some do not. Layout helpers (`wrapped`, `row`, `separator`) measure by display
 * width at the current character width multiplier.
 */
export class EscPosEncoder {
  private readonly chunks: Uint8Array[] = [];
  private readonly replacements_: Replacement[] = [];
  private doubleByte = false;
  private widthMul = 1;
  private align_: Align = 'left';
  private length = 0;

  constructor(
    readonly profile: PrinterProfile = PROFILE_80MM,
    private readonly options: EncoderOptions = {},
  ) {}

  /** Appends raw bytes (for commands the builder does not know). */
  raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  /**
   * ESC @ then FS & (double-byte mode on, GB18030 two-byte codes) or FS . — by default per the profile's code
   * page.
   */
  init(options: { chinese?: boolean } = {}): this {
    this.raw(Commands.init());
    this.widthMul = 1;
    this.align_ = 'left';
    this.doubleByte = false;
    return this.chinese(options.chinese ?? this.profile.codePage === 'gb18030');
  }

  /** FS & (on) or FS . (off). Off, non-ASCII text is replaced by `?`. */
  chinese(on: boolean): this {
    this.doubleByte = on;
    return this.raw(on ? Commands.chineseOn() : Commands.chineseOff());
  }

  /** ESC E n. */
  bold(on: boolean): this {
    return this.raw(Commands.bold(on));
  }

  /** ESC a n (takes effect at the start of a line). */
  align(a: Align): this {
    this.align_ = a;
    return this.raw(Commands.align(a));
  }

  /** GS ! n: character width and height multipliers, 1–8 each. */
  size(width: number, height = width): this {
    checkInt('width multiplier', width, 1, 8);
    checkInt('height multiplier', height, 1, 8);
    this.widthMul = width;
    return this.raw(Commands.size(width, height));
  }

  /** ESC 3 n (dots), or ESC 2 (the default) when `dots` is null. */
  lineSpacing(dots: number | null): this {
    if (dots === null) return this.raw(Commands.defaultLineSpacing());
    checkInt('line spacing', dots, 0, 255);
    return this.raw(Commands.lineSpacing(dots));
  }

  /** Text as is (no line feed); unprintable characters are replaced and recorded. */
  text(text: string): this {
    const enc = encodeText(text, this.doubleByte, this.options.replacement);
    this.replacements_.push(...enc.replacements);
    return this.raw(enc.bytes);
  }

  /** Text then LF. */
  line(text = ''): this {
    return this.text(text).raw(Uint8Array.of(LF));
  }

  /** Columns available at the current width multiplier. */
  get columns(): number {
    return Math.floor(this.profile.columns / this.widthMul);
  }

  /**
   * Wraps text to the paper width by display width and prints each line; with `align`, the lines are aligned
   * by the printer (ESC a) and the previous alignment is restored after them.
   */
  wrapped(text: string, align?: Align): this {
    const previous = this.align_;
    if (align && align !== previous) this.align(align);
    for (const l of wrapText(this.printable(text), this.columns, this.doubleByte)) this.line(l);
    if (align && align !== previous) this.align(previous);
    return this;
  }

  /** One line padded with spaces to `align` within the columns (for printers or spots where ESC a is unwanted). */
  padded(text: string, align: Align): this {
    const t = this.printable(text);
    return this.line(alignText(t, this.columns, align, this.doubleByte).replace(/ +$/, ''));
  }

  /** A two-column row: label left, value right (wraps when both do not fit on one line). */
  row(label: string, value: string): this {
    for (const l of twoColumnRow(
      this.printable(label),
      this.printable(value),
      this.columns,
      this.doubleByte,
    )) {
      this.line(l);
    }
    return this;
  }

  /** A full-width separator line of `ch` (a one-column character). */
  separator(ch = '-'): this {
    const w = Math.max(1, displayWidth(ch, this.doubleByte));
    return this.line(ch.repeat(Math.floor(this.columns / w)));
  }

  /** ESC d n: prints the buffer and feeds n lines. */
  feed(lines = 1): this {
    checkInt('feed lines', lines, 0, 255);
    return this.raw(Commands.feed(lines));
  }

  /**
   * A QR code (model 2) of `data`, stored as its UTF-8 bytes: the store command's length is the encoded byte
   * length + 3, not the JS string length (12 Chinese characters are 36 bytes).
   */
  qr(data: string | Uint8Array, options: QrOptions = {}): this {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const ec = options.errorCorrection ?? 'M';
    const moduleSize = options.moduleSize ?? 6;
    checkInt('QR module size', moduleSize, 1, 16);
    if (bytes.length === 0) throw new EncoderError('qr-empty', 'QR data is empty');
    if (bytes.length > QR_CAPACITY[ec]) {
      throw new EncoderError(
        'qr-too-long',
        `QR data is ${bytes.length} bytes; level ${ec} holds at most ${QR_CAPACITY[ec]}`,
      );
    }
    return this.raw(Commands.qrModel2())
      .raw(Commands.qrModuleSize(moduleSize))
      .raw(Commands.qrErrorCorrection(ec))
      .raw(Commands.qrStore(bytes))
      .raw(Commands.qrPrint());
  }

  /** GS v 0 raster image from a 1-bit bitmap (at most the profile's dots wide), in bands of ≤ 255 rows. */
  image(bitmap: MonoBitmap): this {
    const bytesPerRow = Math.ceil(bitmap.width / 8);
    if (bitmap.width < 1 || bitmap.height < 1 || bitmap.bits.length !== bytesPerRow * bitmap.height) {
      throw new EncoderError(
        'bad-image',
        `bitmap ${bitmap.width}x${bitmap.height} has ${bitmap.bits.length} bytes`,
      );
    }
    if (bitmap.width > this.profile.dots) {
      throw new EncoderError(
        'image-too-wide',
        `image is ${bitmap.width} dots wide; ${this.profile.name} paper has ${this.profile.dots}`,
      );
    }
    // Some printers buffer only a limited raster height; bands keep each command small.
    for (let y = 0; y < bitmap.height; y += 255) {
      const rows = Math.min(255, bitmap.height - y);
      this.raw(
        Commands.raster(bytesPerRow, rows, bitmap.bits.subarray(y * bytesPerRow, (y + rows) * bytesPerRow)),
      );
    }
    return this;
  }

  /** GS V: full or partial cut; with `feed`, feeds to the cutter plus n lines first (GS V 65/66 n). */
  cut(options: CutOptions = {}): this {
    const mode = options.mode ?? 'partial';
    if (options.feed === undefined) return this.raw(Commands.cut(mode));
    checkInt('cut feed', options.feed, 0, 255);
    return this.raw(Commands.feedCut(mode, options.feed));
  }

  /** DLE EOT n, a real-time status request (normally sent by the facade, not inside a job). */
  statusQuery(n: StatusQuery): this {
    return this.raw(Commands.status(n));
  }

  /** The characters replaced so far. */
  get replacements(): readonly Replacement[] {
    return this.replacements_;
  }

  /** The bytes and replacements. */
  encode(): EncodedJob {
    const bytes = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      bytes.set(c, offset);
      offset += c.length;
    }
    return { bytes, replacements: [...this.replacements_] };
  }

  /**
   * Layout must measure what will actually print, so layout helpers replace unprintable characters first
   * (and record them), then `line()` encodes the already printable text.
   */
  private printable(text: string): string {
    const enc = encodeText(text, this.doubleByte, this.options.replacement);
    this.replacements_.push(...enc.replacements);
    return enc.printed;
  }
}

/** Options for {@link bitmapFromPng}. */
export interface PngBitmapOptions {
  /** Luminance (0–255) below which a pixel is black; default 128. Transparent pixels count as white. */
  readonly threshold?: number;
  /** Invert black and white. */
  readonly invert?: boolean;
}

/** Converts a PNG (e.g. the police logo) to a 1-bit bitmap for {@link EscPosEncoder.image}. */
export function bitmapFromPng(png: Uint8Array, options: PngBitmapOptions = {}): MonoBitmap {
  let decoded: PNG;
  try {
    decoded = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (error) {
    throw new EncoderError(
      'bad-image',
      `not a readable PNG: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const threshold = options.threshold ?? 128;
  const { width, height, data } = decoded;
  const bytesPerRow = Math.ceil(width / 8);
  const bits = new Uint8Array(bytesPerRow * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const a = (data[i + 3] ?? 255) / 255;
      // Composite over white paper, then Rec. 601 luma.
      const lum =
        (0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0)) * a +
        255 * (1 - a);
      const black = lum < threshold !== (options.invert ?? false);
      const at = y * bytesPerRow + (x >> 3);
      if (black) bits[at] = (bits[at] ?? 0) | (0x80 >> (x & 7));
    }
  }
  return { width, height, bits };
}
