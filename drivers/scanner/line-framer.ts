/** Pure framing of a serial scanner's byte stream into CR, CR LF (or bare LF) terminated lines. */

/** What {@link LineFramer.push} yields. */
export type LineFrame =
  | { readonly type: 'line'; readonly bytes: Uint8Array }
  /** A line grew past the limit; its bytes up to the next terminator are dropped (resync on the terminator). */
  | { readonly type: 'overlong'; readonly limit: number };

const CR = 0x0d;
const LF = 0x0a;

/** Splits a byte stream into lines; bounded memory; empty lines are skipped. */
export class LineFramer {
  private readonly buffer: Uint8Array;
  private length = 0;
  private discarding = false;
  private afterCr = false;

  constructor(readonly maxLineBytes = 4096) {
    this.buffer = new Uint8Array(maxLineBytes);
  }

  /** Bytes of an unfinished line held right now (0 when between lines). */
  get pendingBytes(): number {
    return this.length;
  }

  /** Whether a line has started and not yet ended (including an overlong one being dropped). */
  get inLine(): boolean {
    return this.length > 0 || this.discarding;
  }

  /** Feeds a chunk (any split: a terminator may arrive in the next chunk). */
  push(chunk: Uint8Array): LineFrame[] {
    const out: LineFrame[] = [];
    for (const b of chunk) {
      // CR LF: the LF right after a CR belongs to the same terminator, even across chunks.
      if (this.afterCr) {
        this.afterCr = false;
        if (b === LF) continue;
      }
      if (b === CR || b === LF) {
        this.afterCr = b === CR;
        if (this.discarding) this.discarding = false;
        else if (this.length > 0) out.push({ type: 'line', bytes: this.buffer.slice(0, this.length) });
        this.length = 0;
        continue;
      }
      if (this.discarding) continue;
      if (this.length === this.maxLineBytes) {
        out.push({ type: 'overlong', limit: this.maxLineBytes });
        this.discarding = true;
        this.length = 0;
        continue;
      }
      this.buffer[this.length++] = b;
    }
    return out;
  }

  /**
   * Takes the unfinished line as a complete one (a scanner that sends no terminator, after its gap); null when
   * there is none, or when an overlong line is being dropped (already reported).
   */
  takePending(): Uint8Array | null {
    const bytes = this.length > 0 && !this.discarding ? this.buffer.slice(0, this.length) : null;
    this.reset();
    return bytes;
  }

  /** Drops the unfinished line; returns how many bytes were dropped. */
  reset(): number {
    const dropped = this.length;
    this.length = 0;
    this.discarding = false;
    this.afterCr = false;
    return dropped;
  }
}
