/**
 * Timed key sequences for testing the keyboard-wedge classifier (renderer/scanner/wedge.ts): what a scanner
 * in keyboard mode types, and what a person types. Deterministic for a seed.
 */

/** A key event as the wedge classifier takes it (`KeyboardEvent.key` and a time in ms). */
export interface SimulatedKey {
  readonly key: string;
  readonly time: number;
}

function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/** Options for {@link scannerKeystrokes}. */
export interface ScannerKeystrokeOptions {
  /** Time of the first key, ms. Default 0. */
  readonly start?: number;
  /** Gap between keys, ms. Default 8 (wedge scanners type every 2–30 ms depending on model and USB polling). */
  readonly gapMs?: number;
  /** Random extra gap up to this many ms per key. Default 0. */
  readonly jitterMs?: number;
  /** The key sent after the code. Default 'Enter'. */
  readonly terminator?: string | null;
  /** Whether to press Shift before upper-case letters, as a wedge emulating a US keyboard does. Default false. */
  readonly shift?: boolean;
  readonly seed?: number;
}

/** The keys a wedge scanner types for `text`, followed by Enter. */
export function scannerKeystrokes(text: string, options: ScannerKeystrokeOptions = {}): SimulatedKey[] {
  const rnd = random(options.seed ?? 7);
  const gap = options.gapMs ?? 8;
  const jitter = options.jitterMs ?? 0;
  const keys: SimulatedKey[] = [];
  let time = options.start ?? 0;
  const press = (key: string): void => {
    if (keys.length > 0) time += gap + rnd() * jitter;
    keys.push({ key, time });
  };
  for (const ch of text) {
    if (options.shift && ch !== ch.toLowerCase()) press('Shift');
    press(ch);
  }
  const terminator = options.terminator === undefined ? 'Enter' : options.terminator;
  if (terminator !== null) press(terminator);
  return keys;
}

/** Options for {@link humanKeystrokes}. */
export interface HumanKeystrokeOptions {
  readonly start?: number;
  /** Shortest gap between keys, ms. Default 90 (fast touch typists average 100–200 ms). */
  readonly minGapMs?: number;
  /** Longest gap, ms. Default 300. */
  readonly maxGapMs?: number;
  /** The key pressed at the end (e.g. 'Enter'), or null. Default null. */
  readonly terminator?: string | null;
  readonly seed?: number;
}

/** The keys a person types for `text`. */
export function humanKeystrokes(text: string, options: HumanKeystrokeOptions = {}): SimulatedKey[] {
  const rnd = random(options.seed ?? 11);
  const min = options.minGapMs ?? 90;
  const max = options.maxGapMs ?? 300;
  const keys: SimulatedKey[] = [];
  let time = options.start ?? 0;
  const press = (key: string): void => {
    if (keys.length > 0) time += min + rnd() * (max - min);
    keys.push({ key, time });
  };
  for (const ch of text) press(ch);
  if (options.terminator) press(options.terminator);
  return keys;
}
