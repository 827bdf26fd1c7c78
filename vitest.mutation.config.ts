import { defineConfig } from 'vitest/config';
// @ts-expect-error: a plain .mjs module shared with scripts/mutation.mjs (no types needed for one object).
import { MUTATION_MODULES } from './scripts/mutation-modules.mjs';

/**
 * Vitest under Stryker (`npm run mutation`): only the unit tests of the module being mutated
 * (MUTATION_MODULE, set by scripts/mutation.mjs), never the end-to-end or PostgreSQL suites.
 */
const name = process.env['MUTATION_MODULE'] ?? '';
const modules = MUTATION_MODULES as Record<string, { tests: string[] }>;
const selected = modules[name];
if (selected === undefined)
  throw new Error(`MUTATION_MODULE must be one of: ${Object.keys(modules).join(', ')}`);

export default defineConfig({
  test: {
    include: selected.tests,
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
