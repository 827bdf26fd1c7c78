import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests: `*.test.ts` next to the code, plus test/integration. The central server's store
 * tests run a second time against PostgreSQL (project `central-postgres`, with a throw-away cluster).
 */
export default defineConfig({
  test: {
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    // Generous: a hang still fails, but a heavy integration test (real PDFs, subprocesses, PTYs) on a loaded
    // 2-core machine does not. Speed is measured by `npm run bench`, never by these limits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    // Each project names its own files (an `include` here would be added to both projects' lists).
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'main/**/*.test.ts',
            'drivers/**/*.test.ts',
            'central/**/*.test.ts',
            'contract/**/*.test.ts',
            'domain/**/*.test.ts',
            'renderer/**/*.test.ts',
            'test/integration/**/*.test.ts',
          ],
          // Needs several central processes on one PostgreSQL database: the central-postgres project runs it.
          exclude: ['node_modules/**', 'dist/**', 'test/integration/central-crash.test.ts'],
        },
      },
      {
        // The renderer's screens with Testing Library, in a DOM (happy-dom); every other test keeps Node's.
        extends: true,
        oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
        test: {
          name: 'renderer-dom',
          include: ['renderer/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['renderer/test-support/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'central-postgres',
          include: [
            'central/db.test.ts',
            'test/integration/central-server.test.ts',
            'test/integration/central-instances.test.ts',
            'test/integration/central-console.test.ts',
            'test/integration/central-crash.test.ts',
            'central/catalog-publishing.test.ts',
            'test/integration/console-catalogs.test.ts',
            'central/console-urgent.test.ts',
            'test/integration/central-urgent.test.ts',
            'test/integration/central-console-letters.test.ts',
            'central/mailbox.test.ts',
          ],
          env: { BOOTH_TEST_CENTRAL_BACKEND: 'postgres' },
          globalSetup: ['test/support/postgres-global-setup.ts'],
        },
      },
    ],
  },
});
