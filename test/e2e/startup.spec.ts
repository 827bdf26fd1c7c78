import type { ScreenShown } from '../../main/core/kiosk-core.js';
import { createWaiter } from '../support/wait.js';
import { expect, test } from './kiosk-fixture.js';

// A kiosk has a touchscreen and no keyboard: the citizen taps.
test.use({ hasTouch: true });

test('the first screen reports itself drawn once per page load, after its fonts, and the core times it', async ({
  page,
  kiosk,
}) => {
  const reports: ScreenShown[] = [];
  const waiter = createWaiter();
  kiosk.core.onScreenShown((shown) => {
    reports.push(shown);
    waiter.poke();
  });

  await page.goto(kiosk.host.kioskUrl);
  await waiter.until('the attract screen reported drawn', () => reports.length === 1);
  // The report comes after the shipped font has loaded: the characters on the glass are not boxes or a fallback.
  const fontLoaded = await page.evaluate(() => {
    // The page's globals (this project's tests compile without the DOM library).
    const { document } = globalThis as unknown as {
      document: { fonts: { check: (font: string, text: string) => boolean } };
    };
    return document.fonts.check('32px "Booth Sans"', '点击开始办理');
  });
  expect(fontLoaded).toBe(true);
  const [first] = reports;
  expect(first?.screen).toBe('attract');
  expect(first?.navigationMs).toBeGreaterThan(0);
  expect(first?.sinceCoreStartMs).toBeGreaterThanOrEqual(first?.navigationMs ?? Infinity);

  // Coming back to the attract screen after a visit is not a start-up: no second report.
  await page.getByRole('button', { name: '点击开始办理' }).tap();
  await expect(page.getByRole('heading', { name: '请选择要办理的业务（可多选）' })).toBeVisible();
  await page.getByRole('button', { name: '返回' }).tap();
  await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
  // A reload is a new page load: it reports again. The second report is the reloaded page's (timed from a
  // navigation that began after the reload was asked for), so the return above sent none.
  const reloadAskedAt = Date.now();
  await page.reload();
  await waiter.until('the reloaded page reported drawn', () => reports.length >= 2);
  const sinceReload = Date.now() - reloadAskedAt;
  expect(reports.map((r) => r.screen)).toEqual(['attract', 'attract']);
  expect(reports[1]?.navigationMs).toBeLessThanOrEqual(sinceReload);
});
