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
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
