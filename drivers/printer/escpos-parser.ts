import iconv from 'iconv-lite';

/**
 * The simulator's own ESC/POS parser. It is written from the protocol (drivers/printer/README.md), deliberately NOT from
 * the encoder, so a round trip encoder → parser checks the encoder against an independent reading of the
 * bytes. Incremental: bytes may arrive split anywhere (a PTY or TCP delivers arbitrary chunks).
 */

/** One parsed command or text run. */
export type ParsedCommand =
  | { readonly type: 'text'; readonly text: string; readonly wide: readonly boolean[] }
  | { readonly type: 'lf' }
  | { readonly type: 'cr' }
  | { readonly type: 'init' }
  | { readonly type: 'bold'; readonly on: boolean }
  | { readonly type: 'align'; readonly align: 'left' | 'center' | 'right' }
  | { readonly type: 'size'; readonly width: number; readonly height: number }
  | { readonly type: 'line-spacing'; readonly dots: number | null }
  | { readonly type: 'feed'; readonly lines: number }
  | { readonly type: 'feed-dots'; readonly dots: number }
  | { readonly type: 'chinese'; readonly on: boolean }
  | { readonly type: 'qr-model'; readonly model: number }
  | { readonly type: 'qr-module-size'; readonly size: number }
  | { readonly type: 'qr-error-correction'; readonly level: 'L' | 'M' | 'Q' | 'H' }
  | { readonly type: 'qr-store'; readonly data: Uint8Array }
  | { readonly type: 'qr-print' }
  | { readonly type: 'raster'; readonly width: number; readonly height: number; readonly bits: Uint8Array }
  | { readonly type: 'cut'; readonly mode: 'full' | 'partial'; readonly feed: number | null }
  | { readonly type: 'status-request'; readonly n: number }
  | { readonly type: 'transmit-status'; readonly n: number }
  | { readonly type: 'unknown'; readonly bytes: Uint8Array };

const NEED_MORE = -1;

const gbPairs = new Map<number, string>();
/** Decodes one two-byte GB code (cached: a receipt reuses few characters). */
function decodePair(c: number, d: number): string {
  const key = (c << 8) | d;
  let ch = gbPairs.get(key);
  if (ch === undefined) {
    ch = iconv.decode(Buffer.from([c, d]), 'gb18030');
    gbPairs.set(key, ch);
  }
  return ch;
}

/** Parses an ESC/POS byte stream into commands; keeps the double-byte mode flag and any incomplete tail. */
export class EscPosParser {
  private pending: Uint8Array = new Uint8Array(0);
  /** Whether FS & is in effect (two-byte GB codes). */
  doubleByte = false;

  /** Feeds bytes; returns the commands completed by them (an incomplete command waits for more bytes). */
  push(chunk: Uint8Array): ParsedCommand[] {
    const buf = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const out: ParsedCommand[] = [];
    let i = 0;
    while (i < buf.length) {
      const used = this.parseOne(buf, i, out);
      if (used === NEED_MORE) break;
      i += used;
    }
    this.pending = buf.slice(i);
    return out;
  }

  /** Bytes received but not yet forming a whole command. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  private parseOne(b: Uint8Array, i: number, out: ParsedCommand[]): number {
    const at = (k: number): number | undefined => b[i + k];
    const have = (n: number): boolean => i + n <= b.length;
    const c = b[i] ?? 0;
    switch (c) {
      case 0x0a:
        out.push({ type: 'lf' });
        return 1;
      case 0x0d:
        out.push({ type: 'cr' });
        return 1;
      case 0x10: // DLE
        if (!have(3)) return NEED_MORE;
        if (at(1) === 0x04) {
          out.push({ type: 'status-request', n: at(2) ?? 0 });
          return 3;
        }
        out.push({ type: 'unknown', bytes: b.slice(i, i + 1) });
        return 1;
      case 0x1b: // ESC
        return this.esc(b, i, out);
      case 0x1c: // FS
        if (!have(2)) return NEED_MORE;
        if (at(1) === 0x26 || at(1) === 0x2e) {
          this.doubleByte = at(1) === 0x26;
          out.push({ type: 'chinese', on: this.doubleByte });
          return 2;
        }
        out.push({ type: 'unknown', bytes: b.slice(i, i + 2) });
        return 2;
      case 0x1d: // GS
        return this.gs(b, i, out);
      default:
        if (c < 0x20 || c === 0x7f) {
          out.push({ type: 'unknown', bytes: b.slice(i, i + 1) });
          return 1;
        }
        return this.text(b, i, out);
    }
  }

  private esc(b: Uint8Array, i: number, out: ParsedCommand[]): number {
    if (i + 2 > b.length) return NEED_MORE;
    const op = b[i + 1];
    const arg = b[i + 2];
    const needArg = (): boolean => i + 3 <= b.length;
    switch (op) {
      case 0x40:
        this.doubleByte = false;
        out.push({ type: 'init' });
        return 2;
      case 0x32:
        out.push({ type: 'line-spacing', dots: null });
        return 2;
      case 0x45:
        if (!needArg()) return NEED_MORE;
        out.push({ type: 'bold', on: ((arg ?? 0) & 1) === 1 });
        return 3;
      case 0x61: {
        if (!needArg()) return NEED_MORE;
        const n = (arg ?? 0) % 48; // 0/48 left, 1/49 centre, 2/50 right
        out.push({ type: 'align', align: n === 1 ? 'center' : n === 2 ? 'right' : 'left' });
        return 3;
      }
      case 0x33:
        if (!needArg()) return NEED_MORE;
        out.push({ type: 'line-spacing', dots: arg ?? 0 });
        return 3;
      case 0x64:
        if (!needArg()) return NEED_MORE;
        out.push({ type: 'feed', lines: arg ?? 0 });
        return 3;
      case 0x4a:
        if (!needArg()) return NEED_MORE;
        out.push({ type: 'feed-dots', dots: arg ?? 0 });
        return 3;
      default:
        out.push({ type: 'unknown', bytes: b.slice(i, i + 2) });
        return 2;
    }
  }

  private gs(b: Uint8Array, i: number, out: ParsedCommand[]): number {
    if (i + 2 > b.length) return NEED_MORE;
    const op = b[i + 1];
    switch (op) {
      case 0x21: {
        if (i + 3 > b.length) return NEED_MORE;
        const n = b[i + 2] ?? 0;
        out.push({ type: 'size', width: ((n >> 4) & 7) + 1, height: (n & 7) + 1 });
        return 3;
      }
      case 0x72: {
        // GS r n: status sent when the printer reaches it in its buffer (not real time).
        if (i + 3 > b.length) return NEED_MORE;
        out.push({ type: 'transmit-status', n: (b[i + 2] ?? 0) % 48 });
        return 3;
      }
      case 0x56: {
        if (i + 3 > b.length) return NEED_MORE;
        const m = b[i + 2] ?? 0;
        if (m === 0 || m === 48) out.push({ type: 'cut', mode: 'full', feed: null });
        else if (m === 1 || m === 49) out.push({ type: 'cut', mode: 'partial', feed: null });
        else if (m === 65 || m === 66) {
          if (i + 4 > b.length) return NEED_MORE;
          out.push({ type: 'cut', mode: m === 65 ? 'full' : 'partial', feed: b[i + 3] ?? 0 });
          return 4;
        } else out.push({ type: 'unknown', bytes: b.slice(i, i + 3) });
        return 3;
      }
      case 0x28: {
        // GS ( k pL pH cn fn [params]: the length covers cn, fn and the parameters.
        if (i + 5 > b.length) return NEED_MORE;
        const len = (b[i + 3] ?? 0) | ((b[i + 4] ?? 0) << 8);
        if (i + 5 + len > b.length) return NEED_MORE;
        const body = b.subarray(i + 5, i + 5 + len);
        if (b[i + 2] === 0x6b && body[0] === 0x31) out.push(this.qr(body));
        else out.push({ type: 'unknown', bytes: b.slice(i, i + 5 + len) });
        return 5 + len;
      }
      case 0x76: {
        // GS v 0 m xL xH yL yH data: x = bytes per row, y = rows.
        if (i + 8 > b.length) return NEED_MORE;
        if (b[i + 2] !== 0x30) {
          out.push({ type: 'unknown', bytes: b.slice(i, i + 3) });
          return 3;
        }
        const xBytes = (b[i + 4] ?? 0) | ((b[i + 5] ?? 0) << 8);
        const rows = (b[i + 6] ?? 0) | ((b[i + 7] ?? 0) << 8);
        const size = xBytes * rows;
        if (i + 8 + size > b.length) return NEED_MORE;
        out.push({ type: 'raster', width: xBytes * 8, height: rows, bits: b.slice(i + 8, i + 8 + size) });
        return 8 + size;
      }
      default:
        out.push({ type: 'unknown', bytes: b.slice(i, i + 2) });
        return 2;
    }
  }

  private qr(body: Uint8Array): ParsedCommand {
    const fn = body[1];
    if (fn === 0x41) return { type: 'qr-model', model: (body[2] ?? 0x32) - 0x30 };
    if (fn === 0x43) return { type: 'qr-module-size', size: body[2] ?? 3 };
    if (fn === 0x45) {
      const level = (['L', 'M', 'Q', 'H'] as const)[(body[2] ?? 48) - 48] ?? 'L';
      return { type: 'qr-error-correction', level };
    }
    if (fn === 0x50) return { type: 'qr-store', data: body.slice(3) };
    if (fn === 0x51) return { type: 'qr-print' };
    return { type: 'unknown', bytes: body.slice() };
  }

  /** A run of printable bytes up to the next control byte, decoded per the current mode. */
  private text(b: Uint8Array, i: number, out: ParsedCommand[]): number {
    let j = i;
    let text = '';
    const wide: boolean[] = [];
    while (j < b.length) {
      const c = b[j] ?? 0;
      if (c < 0x20 || c === 0x7f) break;
      if (this.doubleByte && c >= 0x81 && c <= 0xfe) {
        if (j + 1 >= b.length) {
          if (j === i) return NEED_MORE;
          break; // finish this run; the lead byte waits for its partner
        }
        const d = b[j + 1] ?? 0;
        if (d >= 0x40 && d <= 0xfe && d !== 0x7f) {
          text += decodePair(c, d);
          wide.push(true);
          j += 2;
          continue;
        }
        // Not a valid two-byte code (e.g. the first half of a four-byte GB18030 sequence): a printer
        // prints garbage here; the simulator shows U+FFFD so tests notice.
        text += '\ufffd';
        wide.push(true);
        j += 1;
        continue;
      }
      text += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
      wide.push(false);
      j += 1;
    }
    out.push({ type: 'text', text, wide });
    return j - i;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
