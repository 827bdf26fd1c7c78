/**
 * Keyboard-wedge scanner detection, pure and DOM-free so a React hook can wrap it and tests can drive it with
 * numbers. A wedge scanner "types" a code far faster than a person (a key every 2–40 ms depending on the model
 * and USB polling, against 100+ ms for people) and ends it with Enter; so a run of at least `minLength`
 * characters with every gap within `maxGapMs`, ended by a terminator within the same gap, is a scan. Anything
 * else is a person typing and is left alone.
 */

/** One key press: `KeyboardEvent.key` and a time in ms (`KeyboardEvent.timeStamp` or `performance.now()`). */
export interface WedgeKey {
  readonly key: string;
  readonly time: number;
}

/** Tuning; gaps vary by scanner model (10–100 ms), so kiosks with slow scanners raise `maxGapMs`. */
export interface WedgeOptions {
  /** Longest gap between two keys of one scan, ms. Default 40. */
  readonly maxGapMs?: number;
  /** Fewest characters a scan has. Default 4. */
  readonly minLength?: number;
  /** Most characters a scan has; a longer burst is dropped. Default 4096. */
  readonly maxLength?: number;
  /** Keys that end a scan. Default ['Enter']. */
  readonly terminators?: readonly string[];
}

/** A completed scan. The text may be personal data: never log it. */
export interface WedgeScan {
  readonly text: string;
  /** Time of the first and the last character key. */
  readonly startedAt: number;
  readonly endedAt: number;
}

// Modifiers a wedge presses itself (Shift for capitals) or a person holds; they neither add nor break a scan.
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Fn']);

/** Tells scanner bursts from people typing, one key at a time. */
export class KeyboardWedgeClassifier {
  private readonly maxGapMs: number;
  private readonly minLength: number;
  private readonly maxLength: number;
  private readonly terminators: ReadonlySet<string>;
  private chars: string[] = [];
  private startedAt = 0;
  private lastAt = 0;
  /** Set when a burst outgrew maxLength: the rest of that burst is dropped, not taken for a new one. */
  private overflowed = false;

  constructor(options: WedgeOptions = {}) {
    this.maxGapMs = options.maxGapMs ?? 40;
    this.minLength = Math.max(1, options.minLength ?? 4);
    this.maxLength = options.maxLength ?? 4096;
    this.terminators = new Set(options.terminators ?? ['Enter']);
  }

  /**
   * Whether a fast run is in progress: a hook may hold back these keys from a focused input until the run
   * either completes (a scan) or turns out to be typing.
   */
  get inBurst(): boolean {
    return this.chars.length > 0 || this.overflowed;
  }

  /** Feeds one key press; returns the scan it completes, or null. Never throws. */
  feed(event: WedgeKey): WedgeScan | null {
    const { key, time } = event;
    if (typeof key !== 'string' || !Number.isFinite(time)) {
      this.reset();
      return null;
    }
    const gap = time - this.lastAt;
    // A backwards clock cannot be reasoned about: start afresh.
    const fast = (this.chars.length > 0 || this.overflowed) && gap >= 0 && gap <= this.maxGapMs;
    if (this.overflowed && !fast) this.overflowed = false;
    if (MODIFIERS.has(key)) {
      if (fast) this.lastAt = time;
      return null;
    }
    if (this.terminators.has(key)) {
      const done = fast && this.chars.length >= this.minLength;
      const scan = done
        ? { text: this.chars.join(''), startedAt: this.startedAt, endedAt: this.lastAt }
        : null;
      this.reset();
      return scan;
    }
    if ([...key].length !== 1) {
      // Backspace, Tab, arrows, Dead, Unidentified…: a person is editing, or the layout is mangling the code.
      this.reset();
      return null;
    }
    if (this.overflowed) {
      this.lastAt = time;
      return null;
    }
    if (!fast) {
      this.chars = [];
      this.startedAt = time;
    }
    this.chars.push(key);
    this.lastAt = time;
    if (this.chars.length > this.maxLength) {
      this.chars = [];
      this.overflowed = true;
    }
    return null;
  }

  /** Forgets the current run (e.g. when focus moves). */
  reset(): void {
    this.chars = [];
    this.overflowed = false;
    this.startedAt = 0;
    this.lastAt = 0;
  }
}
