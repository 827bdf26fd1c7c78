/**
 * The benchmark harness: `npm run bench` runs every `bench/*.bench.ts` (or those named on the command line)
 * and prints their figures. Each file exports `benchmarks: Benchmark[]`.
 */

/** One figure a benchmark prints, with its unit (e.g. `ms`, `µs`, `ops/s`, `MB`, `ratio`). */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The target, in words, when the issue states one (e.g. `< 1 % of wire time`). */
  readonly target?: string;
  /** Whether the target was met, when there is one. */
  readonly met?: boolean;
}

/** A benchmark: runs once and returns its figures. */
export interface Benchmark {
  readonly name: string;
  run(): Promise<Figure[]>;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Formats a figure as one aligned line. */
export function formatFigure(bench: string, f: Figure): string {
  const value =
    Number.isInteger(f.value) || Math.abs(f.value) >= 1000 ? f.value.toFixed(0) : f.value.toPrecision(4);
  const target = f.target ? `  (target ${f.target}: ${f.met ? 'met' : 'NOT met'})` : '';
  return `${bench.padEnd(28)} ${f.name.padEnd(56)} ${value.padStart(12)} ${f.unit}${target}`;
}
