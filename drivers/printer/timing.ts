import type { PrinterProfile } from './profile.js';

/**
 * How long a job takes to come out of the printer, estimated from the job's own bytes: a host-side walk over
 * the ESC/POS stream that measures the paper it advances (line feeds at the current line spacing, text lines at
 * their character height, raster images, QR codes from their version and module size, feeds before a cut) and
 * counts the cuts. The time is that paper at the profile's speed plus one cutter cycle per cut
 * (drivers/printer/README.md, "Timing model"). It deliberately shares no code with the simulator's parser.
 */

/** Thermal heads of these printers have 203 dpi: 8 dots per millimetre. */
export const DOTS_PER_MM = 8;
/** ESC 2, the power-on line spacing of these printers, in dots (3.75 mm). */
export const DEFAULT_LINE_SPACING_DOTS = 30;
/** Paper fed by GS V 65/66 before the extra n dots: print line to cutter blade (≈ 14.5 mm). */
export const CUTTER_DISTANCE_DOTS = 116;
/** Font A cell: 12 dots wide (24 for a two-byte character), 24 dots tall. */
const FONT_A = { narrow: 12, wide: 24, height: 24 } as const;
/** GS h default bar code height in dots. */
const DEFAULT_BARCODE_HEIGHT = 162;

/** A job's estimated paper use and time. */
export interface PrintTimeEstimate {
  /** Paper advanced, in dots. */
  readonly paperDots: number;
  /** Paper advanced, in mm. */
  readonly paperMm: number;
  /** Cutter cycles. */
  readonly cuts: number;
  /** The whole job at the profile's speed, in ms. */
  readonly ms: number;
  /**
   * The end of the job from the start of its last printed item (last line, image or code, then trailing feeds
   * and cuts), in ms: what is still to print once the last byte has arrived at a printer that was waiting for it.
   */
  readonly tailMs: number;
}

/** Byte-mode capacity of QR versions 1–40 per error correction level (model 2). */
const QR_BYTE_CAPACITY: Readonly<Record<'L' | 'M' | 'Q' | 'H', readonly number[]>> = {
  L: [
    17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792, 858, 929, 1003,
    1091, 1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188, 2303, 2431, 2563, 2699, 2809,
    2953,
  ],
  M: [
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779,
    857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
  ],
  Q: [
    11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364, 394, 442, 482, 509, 565,
    611, 661, 715, 751, 805, 868, 908, 982, 1030, 1112, 1168, 1228, 1283, 1351, 1423, 1499, 1579, 1663,
  ],
  H: [
    7, 14, 24, 34, 44, 58, 64, 84, 98, 119, 137, 155, 177, 194, 220, 250, 280, 310, 338, 382, 403, 439, 461,
    511, 535, 593, 625, 658, 698, 742, 790, 842, 898, 958, 983, 1051, 1093, 1139, 1219, 1273,
  ],
};

/**
 * The smallest QR version (1–40) holding `byteLength` bytes in byte mode at `level`, or null when none does.
 * Byte mode is the widest encoding, so a printer that picks a denser mode prints a symbol no larger than this.
 */
export function qrVersionFor(byteLength: number, level: 'L' | 'M' | 'Q' | 'H'): number | null {
  const v = QR_BYTE_CAPACITY[level].findIndex((cap) => cap >= byteLength);
  return v < 0 ? null : v + 1;
}

/** Side of a QR symbol in modules (without the quiet zone, which these printers do not feed). */
export function qrModules(version: number): number {
  return 17 + 4 * version;
}

/** Converts paper dots at a speed to milliseconds. */
export function paperMs(dots: number, speedMmPerSec: number): number {
  return (dots / DOTS_PER_MM / speedMmPerSec) * 1000;
}

/** The measuring walk's state (the printer modes that change how much paper a byte costs). */
class Measure {
  lineSpacing = DEFAULT_LINE_SPACING_DOTS;
  widthMul = 1;
  heightMul = 1;
  doubleByte = false;
  /** Kanji (FS !) double width/height, applied to two-byte characters only. */
  kanjiWide = false;
  kanjiTall = false;
  qrModule = 3;
  qrLevel: 'L' | 'M' | 'Q' | 'H' = 'L';
  qrBytes = 0;
  barcodeHeight = DEFAULT_BARCODE_HEIGHT;
  hriLines = 0;
  // The line being assembled.
  lineDots = 0;
  lineHeight = 0;
  // Totals.
  dots = 0;
  cuts = 0;
  lastItemDots = 0;
  lastItemCuts = 0;

  constructor(private readonly widthDots: number) {}

  reset(): void {
    this.lineSpacing = DEFAULT_LINE_SPACING_DOTS;
    this.widthMul = 1;
    this.heightMul = 1;
    this.doubleByte = false;
    this.kanjiWide = false;
    this.kanjiTall = false;
    this.qrModule = 3;
    this.qrLevel = 'L';
    this.qrBytes = 0;
    this.barcodeHeight = DEFAULT_BARCODE_HEIGHT;
    this.hriLines = 0;
    // ESC @ discards the line buffer.
    this.lineDots = 0;
    this.lineHeight = 0;
  }

  /** Something that prints: remember where it started, for the tail. */
  private item(height: number): void {
    this.lastItemDots = this.dots;
    this.lastItemCuts = this.cuts;
    this.dots += height;
  }

  /** A character (or bit-image column run) in the line; wraps like the printer when it does not fit. */
  glyph(width: number, height: number): void {
    if (this.lineDots > 0 && this.lineDots + width > this.widthDots) this.endLine(true);
    this.lineDots += width;
    this.lineHeight = Math.max(this.lineHeight, height);
  }

  char(wide: boolean): void {
    const w = (wide ? FONT_A.wide : FONT_A.narrow) * this.widthMul * (wide && this.kanjiWide ? 2 : 1);
    const h = FONT_A.height * this.heightMul * (wide && this.kanjiTall ? 2 : 1);
    this.glyph(w, h);
  }

  /** Prints the line buffer: a line with content advances max(its height, the line spacing). */
  endLine(feedIfEmpty: boolean): void {
    if (this.lineHeight > 0) this.item(Math.max(this.lineHeight, this.lineSpacing));
    else if (feedIfEmpty) this.dots += this.lineSpacing;
    this.lineDots = 0;
    this.lineHeight = 0;
  }

  feed(dots: number): void {
    this.endLine(false);
    this.dots += dots;
  }

  block(height: number): void {
    this.endLine(false);
    if (height > 0) this.item(height);
  }

  cut(feedDots: number): void {
    this.endLine(false);
    this.dots += feedDots;
    this.cuts += 1;
  }
}

const u16 = (b: Uint8Array, i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);

/** Bytes taken by an ESC command at `i` (ESC included), applying its effect; 0 = truncated job. */
function esc(b: Uint8Array, i: number, m: Measure): number {
  const op = b[i + 1];
  const n = b[i + 2] ?? 0;
  switch (op) {
    case undefined:
      return 0;
    case 0x40: // ESC @
      m.reset();
      return 2;
    case 0x32: // ESC 2
      m.lineSpacing = DEFAULT_LINE_SPACING_DOTS;
      return 2;
    case 0x3c: // ESC < (return home)
      return 2;
    case 0x33: // ESC 3 n
      m.lineSpacing = n;
      return 3;
    case 0x64: // ESC d n: print and feed n lines
      m.feed(n * m.lineSpacing);
      return 3;
    case 0x4a: // ESC J n: print and feed n dots
      m.feed(n);
      return 3;
    case 0x21: // ESC ! n: bit 4 double height, bit 5 double width
      m.heightMul = n & 0x10 ? 2 : 1;
      m.widthMul = n & 0x20 ? 2 : 1;
      return 3;
    case 0x2a: {
      // ESC * m nL nH d…: a bit-image band (8 or 24 dots tall) in the line.
      const mode = b[i + 2] ?? 0;
      const cols = u16(b, i + 3);
      const tall = mode === 32 || mode === 33;
      m.glyph(mode === 0 || mode === 32 ? cols * 2 : cols, tall ? 24 : 8);
      return 5 + cols * (tall ? 3 : 1);
    }
    case 0x70: // ESC p m t1 t2 (drawer pulse)
      return 5;
    case 0x24: // ESC $ nL nH
    case 0x5c: // ESC \ nL nH
      return 4;
    case 0x63: // ESC c 3/4/5 n
      return 4;
    case 0x44: {
      // ESC D n1 … NUL: tab stops
      let k = i + 2;
      while (k < b.length && b[k] !== 0) k += 1;
      return k - i + 1;
    }
    default:
      // ESC E/G/-/a/M/R/t/SP/V/{/r/=/U n and the like: one parameter byte.
      return 3;
  }
}

/** Bytes taken by a GS ( k QR function (or any GS ( x block) at `i`, applying its effect. */
function gsParen(b: Uint8Array, i: number, m: Measure): number {
  const len = u16(b, i + 3);
  if (b[i + 2] === 0x6b && b[i + 5] === 0x31) {
    const fn = b[i + 6];
    const arg = b[i + 7] ?? 0;
    if (fn === 0x43) m.qrModule = arg;
    else if (fn === 0x45) m.qrLevel = (['L', 'M', 'Q', 'H'] as const)[arg - 48] ?? m.qrLevel;
    else if (fn === 0x50) m.qrBytes = Math.max(0, len - 3);
    else if (fn === 0x51 && m.qrBytes > 0) {
      const version = qrVersionFor(m.qrBytes, m.qrLevel);
      if (version !== null) m.block(qrModules(version) * m.qrModule);
    }
  }
  return 5 + len;
}

/** Bytes taken by a GS command at `i` (GS included), applying its effect. */
function gs(b: Uint8Array, i: number, m: Measure): number {
  const op = b[i + 1];
  const n = b[i + 2] ?? 0;
  switch (op) {
    case undefined:
      return 0;
    case 0x21: // GS ! n
      m.widthMul = ((n >> 4) & 7) + 1;
      m.heightMul = (n & 7) + 1;
      return 3;
    case 0x28:
      return gsParen(b, i, m);
    case 0x76: {
      // GS v 0 m xL xH yL yH d…
      const rows = u16(b, i + 6);
      m.block(rows);
      return 8 + u16(b, i + 4) * rows;
    }
    case 0x56: // GS V m [n]
      if (n === 65 || n === 66 || n === 97 || n === 98 || n === 103 || n === 104) {
        m.cut(CUTTER_DISTANCE_DOTS + (b[i + 3] ?? 0));
        return 4;
      }
      m.cut(0);
      return 3;
    case 0x68: // GS h n: bar code height
      m.barcodeHeight = n;
      return 3;
    case 0x48: // GS H n: HRI above (1), below (2), both (3)
      m.hriLines = n % 48 === 3 ? 2 : n % 48 === 0 ? 0 : 1;
      return 3;
    case 0x6b: {
      // GS k m d… NUL (m 0–6) or GS k m n d… (m 65–73)
      let used: number;
      if (n <= 6) {
        let k = i + 3;
        while (k < b.length && b[k] !== 0) k += 1;
        used = k - i + 1;
      } else used = 4 + (b[i + 3] ?? 0);
      m.block(m.barcodeHeight + m.hriLines * FONT_A.height);
      return used;
    }
    case 0x4c: // GS L nL nH
    case 0x57: // GS W nL nH
    case 0x50: // GS P x y
      return 4;
    default:
      // GS B/f/w/r/a/I/b n and the like: one parameter byte.
      return 3;
  }
}

/** Bytes taken by an FS command at `i` (FS included), applying its effect. */
function fs(b: Uint8Array, i: number, m: Measure): number {
  const op = b[i + 1];
  const n = b[i + 2] ?? 0;
  switch (op) {
    case undefined:
      return 0;
    case 0x26: // FS &
      m.doubleByte = true;
      return 2;
    case 0x2e: // FS .
      m.doubleByte = false;
      return 2;
    case 0x21: // FS ! n: bit 2 double width, bit 3 double height (two-byte characters)
      m.kanjiWide = (n & 0x04) !== 0;
      m.kanjiTall = (n & 0x08) !== 0;
      return 3;
    case 0x53: // FS S n1 n2
    case 0x70: // FS p n m
      return 4;
    default:
      return 3;
  }
}

/** Estimates the paper and time of an ESC/POS job for a printer profile. */
export function estimatePrintTime(bytes: Uint8Array, profile: PrinterProfile): PrintTimeEstimate {
  const m = new Measure(profile.dots);
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i] ?? 0;
    let used: number;
    if (c === 0x0a) {
      m.endLine(true);
      used = 1;
    } else if (c === 0x1b) used = esc(bytes, i, m);
    else if (c === 0x1d) used = gs(bytes, i, m);
    else if (c === 0x1c) used = fs(bytes, i, m);
    else if (c === 0x10)
      used = 3; // DLE EOT n / DLE ENQ n: real-time, no paper
    else if (c < 0x20 || c === 0x7f)
      used = 1; // CR, HT and other controls: no paper of their own
    else if (m.doubleByte && c >= 0x81 && c <= 0xfe) {
      // A two-byte GB code; a lead byte without a valid partner still prints one full-width cell.
      const d = bytes[i + 1] ?? 0;
      m.char(true);
      used = d >= 0x40 && d <= 0xfe && d !== 0x7f ? 2 : 1;
    } else {
      m.char(false);
      used = 1;
    }
    if (used <= 0) break;
    i += used;
  }
  // A line left in the buffer is not printed until something ends it, so it costs nothing yet.
  const ms = (dots: number, cuts: number): number =>
    paperMs(dots, profile.speedMmPerSec) + cuts * profile.cutMs;
  return {
    paperDots: m.dots,
    paperMm: m.dots / DOTS_PER_MM,
    cuts: m.cuts,
    ms: ms(m.dots, m.cuts),
    tailMs: ms(m.dots - m.lastItemDots, m.cuts - m.lastItemCuts),
  };
}
