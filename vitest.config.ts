import { defineConfig } from 'vitest/config';

/** Unit and integration tests: `*.test.ts` next to the code, plus test/integration. */
export default defineConfig({
  test: {
    include: [
      'main/**/*.test.ts',
      'drivers/**/*.test.ts',
      'central/**/*.test.ts',
      'renderer/**/*.test.ts',
      'renderer/**/*.test.tsx',
      'test/integration/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    // Generous: a hang still fails, but a heavy integration test (real PDFs, subprocesses, PTYs) on a loaded
    // 2-core machine does not. Speed is measured by `npm run bench`, never by these limits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
