import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { renderDocument } from '../../domain/documents/render.js';
import type { DocumentKind } from '../../domain/documents/render.js';
import {
  differingShare,
  fixture,
  rasterize,
  savePdf,
  snapshotDir,
} from '../../domain/documents/test-support.js';

/**
 * Page 1 of each document, rasterized at 50 dpi, against a committed reference PNG. Set
 * UPDATE_PDF_SNAPSHOTS=1 to (re)write the references after an intended layout change, then look at them.
 */
const cases: ReadonlyArray<readonly [DocumentKind, string]> = [
  ['receipt-80mm', 'receipt.zh-CN'],
  ['receipt-a4', 'receipt.en'],
  ['receipt-a4', 'receipt.zh-HK'],
  ['certificate', 'certificate.household'],
  ['certificate', 'certificate.no-criminal-record'],
  ['letter-copy', 'letter.zh-CN'],
];

/** Share of pixels allowed to differ (anti-aliasing differences between poppler builds). */
const TOLERANCE = 0.005;

describe('PDF snapshots', () => {
  for (const [kind, name] of cases) {
    it(`${kind} ${name} matches its reference image`, async () => {
      const result = await renderDocument(kind, fixture(name));
      if (!result.ok) throw new Error(result.error.message);
      const actual = rasterize(savePdf(result.value, kind), 50);
      const reference = path.join(snapshotDir, `${kind}.${name}.png`);
      if (process.env['UPDATE_PDF_SNAPSHOTS'] === '1') writeFileSync(reference, PNG.sync.write(actual));
      expect(existsSync(reference), `missing reference ${reference}; run with UPDATE_PDF_SNAPSHOTS=1`).toBe(
        true,
      );
      const expected = PNG.sync.read(readFileSync(reference));
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      expect(differingShare(actual, expected)).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('notices a changed document (the comparison can fail)', async () => {
    const data = fixture('certificate.household');
    data['body'] = '本证明内容已被改动，与参考图像不同。'.repeat(6);
    const result = await renderDocument('certificate', data);
    if (!result.ok) throw new Error(result.error.message);
    const actual = rasterize(savePdf(result.value, 'changed'), 50);
    const expected = PNG.sync.read(
      readFileSync(path.join(snapshotDir, 'certificate.certificate.household.png')),
    );
    expect(differingShare(actual, expected)).toBeGreaterThan(TOLERANCE);
  });
});
