// @ts-check
import { MUTATION_MODULES } from './scripts/mutation-modules.mjs';

/**
 * Stryker for one critical module at a time (MUTATION_MODULE, set by scripts/mutation.mjs; `npm run mutation`).
 * One test process (the machine is small and shared); reports go to reports/mutation/<module>/ (ignored).
 */
const name = process.env.MUTATION_MODULE ?? '';
const selected = /** @type {Record<string, { mutate: string[] }>} */ (MUTATION_MODULES)[name];
if (selected === undefined)
  throw new Error(`MUTATION_MODULE must be one of: ${Object.keys(MUTATION_MODULES).join(', ')}`);
const checker = process.env.MUTATION_TYPECHECK === '1';
// MUTATION_LINES=A-B (scripts/mutation.mjs --lines A-B): only those lines of a one-file module, reported apart.
const lines = process.env.MUTATION_LINES ?? '';
const report = lines ? `reports/mutation/${name}@${lines}` : `reports/mutation/${name}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: lines ? selected.mutate.map((file) => `${file}:${lines}`) : selected.mutate,
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  concurrency: 1,
  ...(checker
    ? {
        checkers: ['typescript'],
        tsconfigFile: 'tsconfig.json',
        typescriptChecker: { prioritizePerformanceOverAccuracy: true },
      }
    : {}),
  reporters: ['json', 'html', 'progress', 'clear-text'],
  jsonReporter: { fileName: `${report}/mutation.json` },
  htmlReporter: { fileName: `${report}/index.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: [
    'dist',
    'release',
    'reports',
    'test/e2e',
    'test-results',
    'playwright-report',
    '.booth-data',
    'renderer',
    'bench',
    'central/console-app',
  ],
  timeoutMS: 20_000,
  timeoutFactor: 2,
  // Incremental mode: a re-run only tests the mutants whose code or covering tests changed since the last run
  // of this module (or of these lines); the file sits next to the report (ignored by git).
  // `npm run mutation -- MODULE --force` re-tests every mutant.
  incremental: true,
  incrementalFile: `${report}/stryker-incremental.json`,
  force: process.env.MUTATION_FORCE === '1',
};
