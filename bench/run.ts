import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Benchmark } from './harness.js';
import { formatFigure } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failures = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { benchmarks?: Benchmark[] };
  for (const bench of mod.benchmarks ?? []) {
    try {
      const figures = await bench.run();
      for (const f of figures) console.log(formatFigure(bench.name, f));
    } catch (error) {
      failures += 1;
      console.error(`${bench.name}: failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
if (failures > 0) process.exitCode = 1;
