/**
 * Certificate PDFs: pdfkit (cold first document with the font parse, warm documents per second, the parsed
 * font cache's saving) against the same certificate as HTML printed to PDF by headless Chromium.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Benchmark, Figure } from './harness.js';
import { median } from './harness.js';
import { renderDocument } from '../domain/documents/render.js';
import { clearDocumentFontCache } from '../domain/documents/font.js';
import { certificateDataSchema } from '../domain/documents/schemas.js';
import { certificateHtml } from './documents-certificate-html.js';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS } from '../test/support/chromium.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const data: unknown = JSON.parse(
  readFileSync(path.join(here, '../domain/documents/__fixtures__/certificate.household.json'), 'utf8'),
);

async function pdfkitOnce(): Promise<number> {
  const start = performance.now();
  const result = await renderDocument('certificate', data);
  if (!result.ok) throw new Error(result.error.message);
  return performance.now() - start;
}

/** Renders documents back to back for `seconds` (at least `min`); returns documents per second. */
async function throughput(
  once: () => Promise<unknown>,
  seconds: number,
  min: number,
): Promise<{ perSecond: number; n: number }> {
  const start = performance.now();
  let n = 0;
  while (n < min || performance.now() - start < seconds * 1000) {
    await once();
    n += 1;
  }
  return { perSecond: n / ((performance.now() - start) / 1000), n };
}

const certificates: Benchmark = {
  name: 'documents: certificate',
  async run(): Promise<Figure[]> {
    // pdfkit, cold: the first document in this process, font parse included.
    clearDocumentFontCache();
    const cold = await pdfkitOnce();
    for (let i = 0; i < 5; i += 1) await pdfkitOnce(); // let the JIT settle
    const pdfkit = await throughput(pdfkitOnce, 5, 20);
    const warmTimes: number[] = [];
    for (let i = 0; i < 15; i += 1) warmTimes.push(await pdfkitOnce());
    const warmMedian = median(warmTimes);
    // Without the cache: every document parses the font again.
    const uncachedTimes: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      clearDocumentFontCache();
      uncachedTimes.push(await pdfkitOnce());
    }
    const uncached = median(uncachedTimes);

    // Chromium: launch once (reported apart), then setContent + pdf per document on one page.
    const html = await certificateHtml(certificateDataSchema.parse(data));
    const launchStart = performance.now();
    const browser = await chromium.launch({
      executablePath: CHROMIUM_EXECUTABLE,
      args: [...CHROMIUM_TEST_ARGS],
    });
    const page = await browser.newPage();
    const launch = performance.now() - launchStart;
    try {
      const chromiumOnce = async (): Promise<number> => {
        const start = performance.now();
        await page.setContent(html);
        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        if (pdf.length < 1000) throw new Error('chromium produced no PDF');
        return performance.now() - start;
      };
      const chromiumFirst = await chromiumOnce();
      for (let i = 0; i < 3; i += 1) await chromiumOnce();
      const chrome = await throughput(chromiumOnce, 5, 10);
      const ratio = pdfkit.perSecond / chrome.perSecond;
      return [
        { name: 'pdfkit first document, cold (font parse included)', value: cold, unit: 'ms' },
        { name: `pdfkit warm documents per second (n=${pdfkit.n})`, value: pdfkit.perSecond, unit: 'docs/s' },
        { name: 'pdfkit warm document, median', value: warmMedian, unit: 'ms' },
        { name: 'pdfkit document without the parsed-font cache, median', value: uncached, unit: 'ms' },
        { name: 'chromium launch + new page (not per document)', value: launch, unit: 'ms' },
        { name: 'chromium first document', value: chromiumFirst, unit: 'ms' },
        {
          name: `chromium warm documents per second (n=${chrome.n})`,
          value: chrome.perSecond,
          unit: 'docs/s',
        },
        {
          name: 'warm pdfkit / chromium throughput',
          value: ratio,
          unit: 'ratio',
          target: '≥ 10×',
          met: ratio >= 10,
        },
      ];
    } finally {
      await browser.close();
    }
  },
};

/** The documents benchmarks. */
export const benchmarks: Benchmark[] = [certificates];
