import iconv from 'iconv-lite';

/**
 * Text for a thermal printer: GB18030 encoding with visible replacement of what the printer cannot print, and
 * layout by display width. In double-byte (Chinese) mode a printer prints every one-byte code half width
 * (12 dots in font A) and every two-byte code full width (24 dots), so a character's display width is simply
 * the length of its encoding: CJK, full-width forms, and even GB2312 Latin letters such as `é` count 2.
 */

/** Why a character was replaced. */
export type ReplacementReason = 'four-byte-gb18030' | 'control' | 'not-in-code-page';

/** One character the printer cannot print, and what was printed in its place. */
export interface Replacement {
  /** The original character (a whole code point, so emoji survive intact here). */
  readonly char: string;
  readonly codePoint: number;
  /** Index (in UTF-16 units) of the character in the text passed to the encoder call. */
  readonly index: number;
  /** What was printed instead. */
  readonly replacement: string;
  readonly reason: ReplacementReason;
}

/** A text encoded for the printer, with the replacements made. */
export interface EncodedText {
  readonly bytes: Uint8Array;
  /** The text as it will print (after replacement), for layout. */
  readonly printed: string;
  readonly replacements: Replacement[];
}

/** The default stand-ins: `□` (GB2312 A1F5, full width) in Chinese mode, `?` otherwise. */
export const DEFAULT_REPLACEMENT_CJK = '□';
/** The stand-in when the printer is in single-byte mode. */
export const DEFAULT_REPLACEMENT_ASCII = '?';

const gbCache = new Map<number, Uint8Array>();

/**
 * Characters GB18030 only has as four-byte codes but whose look-alike is in GB2312: printed as the look-alike
 * (not reported as a replacement, since the reader sees the same thing).
 */
const LOOK_ALIKES = new Map<number, number>([
  [0x00a5, 0xffe5], // ¥ → ￥ (prices)
  [0x00a0, 0x0020], // no-break space → space
  [0x2002, 0x0020],
  [0x2003, 0x0020],
  [0x2009, 0x0020],
]);

/** GB18030 bytes of one code point (cached: receipts reuse few distinct characters). */
function gbBytes(codePoint: number): Uint8Array {
  let bytes = gbCache.get(codePoint);
  if (!bytes) {
    const buf = iconv.encode(String.fromCodePoint(codePoint), 'gb18030');
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    if (gbCache.size < 50_000) gbCache.set(codePoint, bytes);
  }
  return bytes;
}

function isControl(cp: number): boolean {
  return cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029;
}

/** Classifies one code point: printable (and how), or why not. */
function classify(
  codePoint: number,
  doubleByte: boolean,
): { bytes: Uint8Array } | { reason: ReplacementReason } {
  const cp = LOOK_ALIKES.get(codePoint) ?? codePoint;
  if (isControl(cp)) return { reason: 'control' };
  // Lone surrogates and the BOM/zero-width joiners print as garbage or nothing: replace them visibly.
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff || cp === 0x200d) return { reason: 'control' };
  if (cp < 0x80) return { bytes: Uint8Array.of(cp) };
  if (!doubleByte) return { reason: 'not-in-code-page' };
  const bytes = gbBytes(cp);
  // Four-byte GB18030 codes (CJK Ext-B, emoji, most of Unicode outside GBK) are not printable on most
  // printers' built-in fonts (drivers/printer/README.md, "Text"), and a printer fed one prints two wrong characters instead.
  if (bytes.length !== 2) return { reason: 'four-byte-gb18030' };
  return { bytes };
}

/**
 * Encodes text for the printer. `\n` is kept as LF (the caller's line break); every other unprintable
 * character is replaced by `replacement` and reported — never dropped silently.
 */
export function encodeText(text: string, doubleByte: boolean, replacement?: string): EncodedText {
  const stand = replacement ?? (doubleByte ? DEFAULT_REPLACEMENT_CJK : DEFAULT_REPLACEMENT_ASCII);
  const standClass = classify(stand.codePointAt(0) ?? 0x3f, doubleByte);
  const standBytes = 'bytes' in standClass ? standClass.bytes : Uint8Array.of(0x3f);
  const standText = 'bytes' in standClass ? stand : '?';
  // Every code point becomes at most 2 bytes (two-byte GB codes and stand-ins), i.e. ≤ 2 per UTF-16 unit.
  const out = new Uint8Array(text.length * 2);
  const replacements: Replacement[] = [];
  let changed = false;
  let printed = '';
  let length = 0;
  let index = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x0a || (cp >= 0x20 && cp < 0x7f)) {
      out[length++] = cp;
      printed += ch;
    } else {
      const c = classify(cp, doubleByte);
      if ('bytes' in c) {
        out.set(c.bytes, length);
        length += c.bytes.length;
        if (LOOK_ALIKES.has(cp)) {
          changed = true;
          printed += String.fromCodePoint(LOOK_ALIKES.get(cp) ?? cp);
        } else printed += ch;
      } else {
        changed = true;
        replacements.push({ char: ch, codePoint: cp, index, replacement: standText, reason: c.reason });
        out.set(standBytes, length);
        length += standBytes.length;
        printed += standText;
      }
    }
    index += ch.length;
  }
  return { bytes: out.subarray(0, length), printed: changed ? printed : text, replacements };
}

/** Display width of one character in half-width columns (unprintable ones as their `□`/`?` stand-in). */
export function charWidth(ch: string, doubleByte = true): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return cp >= 0x20 && cp !== 0x7f ? 1 : doubleByte ? 2 : 1;
  const c = classify(cp, doubleByte);
  if ('bytes' in c) return c.bytes.length;
  return doubleByte ? 2 : 1;
}

/** Display width of a string in half-width columns (CJK and full-width characters count 2). */
export function displayWidth(text: string, doubleByte = true): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch, doubleByte);
  return w;
}

/** Horizontal alignment. */
export type Align = 'left' | 'center' | 'right';

/** Pads `text` to `width` columns with spaces according to `align` (text wider than width is returned as is). */
export function alignText(text: string, width: number, align: Align, doubleByte = true): string {
  const w = displayWidth(text, doubleByte);
  if (w >= width) return text;
  const gap = width - w;
  if (align === 'left') return text + ' '.repeat(gap);
  if (align === 'right') return ' '.repeat(gap) + text;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + text + ' '.repeat(gap - left);
}

/** Whether a character may start or end a line anywhere (CJK) rather than only at word boundaries. */
function breaksAnywhere(ch: string, doubleByte: boolean): boolean {
  return charWidth(ch, doubleByte) >= 2;
}

/**
 * Wraps text to lines of at most `width` columns: Latin words move whole to the next line when they fit on
 * one, longer words and CJK runs break anywhere. Explicit `\n` starts a new line. Trailing spaces are trimmed.
 */
export function wrapText(text: string, width: number, doubleByte = true): string[] {
  if (width < 2) throw new RangeError('wrap width must be at least 2 columns');
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    // Tokens: a space run, a Latin word, or a single wide character.
    const tokens: string[] = [];
    let word = '';
    let spaces = '';
    for (const ch of paragraph) {
      if (ch === ' ' || ch === '\t') {
        if (word) {
          tokens.push(word);
          word = '';
        }
        spaces += ' ';
      } else {
        if (spaces) {
          tokens.push(spaces);
          spaces = '';
        }
        if (breaksAnywhere(ch, doubleByte)) {
          if (word) {
            tokens.push(word);
            word = '';
          }
          tokens.push(ch);
        } else word += ch;
      }
    }
    if (word) tokens.push(word);
    if (spaces) tokens.push(spaces);

    let line = '';
    let lineWidth = 0;
    const flush = (): void => {
      out.push(line.replace(/ +$/, ''));
      line = '';
      lineWidth = 0;
    };
    for (const token of tokens) {
      const tw = displayWidth(token, doubleByte);
      if (token.startsWith(' ')) {
        if (lineWidth === 0) continue; // no leading spaces on a wrapped line
        if (lineWidth + tw >= width) {
          flush();
          continue;
        }
        line += token;
        lineWidth += tw;
        continue;
      }
      if (lineWidth + tw <= width) {
        line += token;
        lineWidth += tw;
        continue;
      }
      if (tw <= width && lineWidth > 0) {
        flush();
        line = token;
        lineWidth = tw;
        continue;
      }
      // A word longer than the line (or a wide char that does not fit): break character by character.
      for (const ch of token) {
        const cw = charWidth(ch, doubleByte);
        if (lineWidth + cw > width) flush();
        line += ch;
        lineWidth += cw;
      }
    }
    if (line.length > 0 || lineWidth === 0) flush();
  }
  return out;
}

/**
 * Lays out a two-column row: label on the left, value on the right, on one line when both fit with at least
 * one space between them; otherwise the label wraps and the value goes right-aligned under it.
 */
export function twoColumnRow(label: string, value: string, width: number, doubleByte = true): string[] {
  const lw = displayWidth(label, doubleByte);
  const vw = displayWidth(value, doubleByte);
  if (lw + 1 + vw <= width) return [label + ' '.repeat(width - lw - vw) + value];
  const lines = wrapText(label, width, doubleByte);
  const last = lines[lines.length - 1] ?? '';
  const lastWidth = displayWidth(last, doubleByte);
  if (lastWidth + 1 + vw <= width) {
    lines[lines.length - 1] = last + ' '.repeat(width - lastWidth - vw) + value;
    return lines;
  }
  for (const v of wrapText(value, width, doubleByte)) lines.push(alignText(v, width, 'right', doubleByte));
  return lines;
}
