import { defineConfig } from '@playwright/test';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS } from '../support/chromium.js';

/**
 * End-to-end tests in system Chromium (Playwright's own browser download is not used). One worker: the tests
 * drive simulated hardware and act as one person at one kiosk.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_TEST_ARGS] },
    trace: 'off',
  },
});
