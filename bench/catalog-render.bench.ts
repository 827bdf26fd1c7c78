/**
 * Renderer time to first paint of the service list with a 500-service catalog in Chromium, side by side with
 * the 22-service default: the catalog is signed, applied on a real core, and the list is drawn by the real
 * renderer behind the browser host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { startBrowserHost } from '../main/browser-host/server.js';
import { startKioskCore } from '../main/core/kiosk-core.js';
import { silentLogger } from '../main/core/log.js';
import { resourcesDir } from '../main/core/paths.js';
import { CatalogService } from '../main/services/catalog/catalog-service.js';
import { FileCatalogStore } from '../main/services/catalog/catalog-store.js';
import { loadTrustedKeys, signCatalog } from '../contract/catalog/signing.js';
import { demoPrivateKey } from '../test/fixtures/catalog/helpers.js';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS } from '../test/support/chromium.js';
import { bigCatalog } from './catalog.bench.js';
import type { Benchmark, Figure } from './harness.js';
import { median } from './harness.js';

/** Median ms from pressing start to the first category's service cards painted, over `runs` visits. */
async function timeServiceList(
  services: number | null,
  runs: number,
): Promise<{ ms: number; shown: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'booth-render-bench-'));
  try {
    if (services !== null) {
      // Apply the signed catalog to the kiosk's data directory, as `booth catalog apply` would.
      const catalogs = new CatalogService({
        store: new FileCatalogStore(dataDir),
        trustedKeys: loadTrustedKeys({ shippedDir: path.join(resourcesDir(), 'keys') }),
        isVisitInProgress: () => false,
      });
      await catalogs.init();
      const offered = await catalogs.offer(signCatalog(bigCatalog(services, 50), demoPrivateKey()), 'file');
      if (!offered.ok || offered.value.outcome !== 'applied')
        throw new Error(`catalog not applied: ${JSON.stringify(offered)}`);
    }
    const core = await startKioskCore({ dataDir, mode: 'demonstration', host: 'browser', log: silentLogger });
    const host = await startBrowserHost({
      core,
      staticDir: path.resolve('dist/renderer'),
      port: 0,
      log: silentLogger,
    });
    const browser = await chromium.launch({
      executablePath: CHROMIUM_EXECUTABLE,
      args: [...CHROMIUM_TEST_ARGS],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(host.kioskUrl);
      const samples: number[] = [];
      let shown = 0;
      for (let i = 0; i < runs; i++) {
        await page.getByRole('button', { name: '点击开始办理' }).waitFor();
        const start = Date.now();
        await page.getByRole('button', { name: '点击开始办理' }).click();
        // Painted: the cards are in the DOM and the browser has produced a frame after them.
        // Page-side code as strings: the TypeScript runner's helpers do not exist inside the page.
        await page.waitForFunction('document.querySelectorAll(".service-card").length > 0', undefined, {
          polling: 'raf',
        });
        shown = Number(
          await page.evaluate(
            'new Promise((resolve) => requestAnimationFrame(() => resolve(document.querySelectorAll(".service-card").length)))',
          ),
        );
        samples.push(Date.now() - start);
        await page.getByRole('button', { name: '返回' }).click();
      }
      return { ms: median(samples), shown };
    } finally {
      await browser.close();
      await host.close();
      await core.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The benchmarks of this file. */
export const benchmarks: Benchmark[] = [
  {
    name: 'catalog: service list paint',
    async run(): Promise<Figure[]> {
      const small = await timeServiceList(null, 7);
      const large = await timeServiceList(500, 7);
      return [
        {
          name: `start → first category painted, default catalog (${small.shown} cards)`,
          value: small.ms,
          unit: 'ms',
        },
        {
          name: `start → first category painted, 500 services (${large.shown} cards)`,
          value: large.ms,
          unit: 'ms',
        },
        {
          name: '500-service list against the default',
          value: large.ms / small.ms,
          unit: 'ratio',
        },
      ];
    },
  },
];
