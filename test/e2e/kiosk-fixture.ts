import { test as base } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/server.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';

/** A real kiosk core with simulated peripherals behind a real browser host, per test. */
export interface KioskUnderTest {
  readonly core: KioskCore;
  readonly host: BrowserHost;
  /** The local reference central API the kiosk uploads to. */
  readonly central: CentralServer;
  /** Its sqlite folder (central.sqlite), for a test that adds console users as the CLI would. */
  readonly centralDataDir: string;
  /** The device simulators, driven by the test as hardware would be. */
  readonly sim: NonNullable<KioskCore['devices']['simulation']>;
}

/** Runs one part's close and fails with its name if it takes longer than 15 s (a hang says where it hung). */
async function closeWithin(part: string, close: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`closing ${part} took longer than 15 s`)), 15_000);
  });
  try {
    await Promise.race([close(), overdue]);
  } finally {
    clearTimeout(timer);
  }
}

/** Playwright's `test` with a `kiosk` fixture. */
export const test = base.extend<{ kiosk: KioskUnderTest }>({
  // Its own time for setting up and closing (not the test's), so a slow close on a loaded machine is not
  // counted against the citizen's steps; each part still has 15 s to close.
  kiosk: [
    // Playwright requires the destructuring pattern even when a fixture uses no other fixtures.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-e2e-'));
      const centralDataDir = mkdtempSync(path.join(tmpdir(), 'booth-e2e-central-'));
      const central = await startCentralServer({
        port: 0,
        dataDir: centralDataDir,
        kioskTokens: { 'e2e-kiosk': 'e2e-token' },
        adminToken: 'e2e-admin',
      });
      const core = await startKioskCore({
        dataDir,
        mode: 'demonstration',
        host: 'browser',
        log: silentLogger,
        kioskId: 'e2e-kiosk',
        centralUrl: central.url,
        centralToken: 'e2e-token',
      });
      const host = await startBrowserHost({
        core,
        staticDir: path.resolve('dist/renderer'),
        port: 0,
        log: silentLogger,
      });
      const sim = core.devices.simulation;
      if (!sim) throw new Error('the core did not start with simulated peripherals');
      await use({ core, host, sim, central, centralDataDir });
      await closeWithin('the browser host', () => host.close());
      await closeWithin('the kiosk core', () => core.close());
      await closeWithin('the central server', () => central.close());
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(centralDataDir, { recursive: true, force: true });
    },
    { timeout: 60_000 },
  ],
});

export { expect } from '@playwright/test';
