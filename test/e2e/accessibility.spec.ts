import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chooseServices, placeCard, readCardToForm } from './citizen.js';
import { expect, test } from './kiosk-fixture.js';
import { recordSpeech, spoken, type SpeechLog } from './speech.js';

// A kiosk has a touchscreen and no keyboard: the citizen taps.
test.use({ hasTouch: true });

// Runs inside the page (Playwright's evaluate); the Node-side type check has no DOM library.
declare function getComputedStyle(element: unknown): { fontSize: string };

test.describe('accessibility and idle handling', () => {
  test('elder mode enlarges the text with one switch', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    const start = page.getByRole('button', { name: '点击开始办理' });
    const before = await start.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await page.getByRole('switch', { name: '长者模式' }).tap();
    await expect(page.getByRole('switch', { name: '长者模式' })).toHaveAttribute('aria-checked', 'true');
    const after = await start.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(after).toBeGreaterThan(before * 1.2);
    expect(before).toBeGreaterThanOrEqual(18);
    void kiosk;
  });

  test('an idle visit warns first, and the citizen can continue', async ({ page, kiosk }) => {
    const url = new URL(kiosk.host.kioskUrl);
    url.search = '?idleSeconds=2';
    await page.goto(url.toString());
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    const warning = page.getByRole('alertdialog', { name: '您还在吗？' });
    await expect(warning).toBeVisible({ timeout: 10_000 });
    await expect(warning).toContainText(/\d+ 秒后将返回首页/);
    await warning.getByRole('button', { name: '继续办理' }).tap();
    await expect(warning).toHaveCount(0);
    await expect(page.getByRole('heading', { name: '请选择要办理的业务（可多选）' })).toBeVisible();
  });

  test('the help control is on every screen and explains how to reach an officer', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '呼叫民警' }).tap();
    await expect(page.getByRole('dialog', { name: '需要帮助？' })).toContainText('110');
    await page.getByRole('button', { name: '关闭' }).tap();
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await expect(page.getByRole('button', { name: '呼叫民警' })).toBeVisible();
    void kiosk;
  });
});

test.describe('elder mode, overlays and wiping', () => {
  test('elder mode doubles the idle time and the grace, with no ticking seconds, and says the warning', async ({
    page,
    kiosk,
  }) => {
    await recordSpeech(page);
    const url = new URL(kiosk.host.kioskUrl);
    url.search = '?idleSeconds=2';
    await page.goto(url.toString());
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    const started = Date.now();
    await page.getByRole('switch', { name: '长者模式' }).tap();
    const warning = page.getByRole('alertdialog', { name: '您还在吗？' });
    await expect(warning).toBeVisible({ timeout: 15_000 });
    // Twice the 2 s idle time, counted from the last touch (the switch): never earlier.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    // Twice the 30 s grace: about a minute, said once, not counted down second by second.
    await expect(warning).toContainText('约 1 分钟内没有操作');
    await expect(warning).not.toContainText(/\d+ 秒/);
    await expect.poll(() => spoken(page)).toContain('您还在吗？');
    await warning.getByRole('button', { name: '继续办理' }).tap();
    await expect(warning).toHaveCount(0);
  });

  test('the help dialog and the scan banner are gone after an idle wipe; nothing greets the next citizen', async ({
    page,
    kiosk,
  }) => {
    const url = new URL(kiosk.host.kioskUrl);
    url.search = '?idleSeconds=1&graceSeconds=1';
    await page.goto(url.toString());
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await page.getByRole('button', { name: '呼叫民警' }).tap();
    await expect(page.getByRole('dialog', { name: '需要帮助？' })).toBeVisible();
    await kiosk.sim.scan('JW-20261129-000123');
    await expect(page.locator('.scan-banner')).toBeVisible();
    // Nobody touches the screen: warning, grace, wipe.
    await expect(page.getByRole('alertdialog', { name: '您还在吗？' })).toBeVisible({ timeout: 10_000 });
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible({ timeout: 10_000 });
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
    await expect(page.locator('.scan-banner')).toHaveCount(0);
  });

  test('elder mode reads the whole screen and every error aloud, with read again and stop', async ({
    page,
    kiosk,
  }) => {
    await recordSpeech(page);
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await page.getByRole('switch', { name: '长者模式' }).tap();
    // Not only the heading: the categories, the services and the buttons are read too.
    await expect.poll(() => spoken(page)).toContain('请选择要办理的业务（可多选）');
    const choose = await spoken(page);
    expect(choose).toContain('户政服务');
    expect(choose).toContain('请至少选择一项业务');
    expect(choose).toContain('下一步');

    await chooseServices(page, [[/户政/, /户籍证明开具/]]);
    await readCardToForm(page, kiosk.sim);
    await page.getByRole('button', { name: '提交办理' }).tap();
    // The error summary is read as soon as it appears.
    await expect.poll(async () => (await spoken(page)).split('\n').at(-1)).toContain('用途：此项必填');

    const count = async (): Promise<number> =>
      page.evaluate(() => (globalThis as unknown as { __speech: SpeechLog }).__speech.spoken.length);
    const before = await count();
    await page.getByRole('button', { name: '再读一遍' }).tap();
    await expect.poll(count).toBeGreaterThan(before);
    expect((await spoken(page)).split('\n').at(-1)).toContain('用途：此项必填');
    const cancels = (): Promise<number> =>
      page.evaluate(() => (globalThis as unknown as { __speech: SpeechLog }).__speech.cancels);
    const cancelsBefore = await cancels();
    await page.getByRole('button', { name: '停止朗读' }).tap();
    await expect.poll(cancels).toBeGreaterThan(cancelsBefore);
    kiosk.sim.removeCard();
  });

  test('elder mode shows fewer, larger service cards a page at a time', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await page.getByRole('tab', { name: /交管/ }).tap();
    const cards = page.getByRole('tabpanel').getByRole('button');
    await expect(cards.first()).toBeVisible();
    const all = await cards.count();
    expect(all).toBeGreaterThan(4);
    const normalHeight = (await cards.first().boundingBox())?.height ?? 0;
    await page.getByRole('switch', { name: '长者模式' }).tap();
    await expect(cards).toHaveCount(4);
    expect((await cards.first().boundingBox())?.height ?? 0).toBeGreaterThan(normalHeight);
    await expect(page.getByText('第 1 页，共 2 页')).toBeVisible();
    await page.getByRole('button', { name: '更多业务' }).tap();
    await expect(cards).toHaveCount(all - 4);
    await expect(page.getByText('第 2 页，共 2 页')).toBeVisible();
    await page.getByRole('button', { name: '上一页' }).tap();
    await expect(cards).toHaveCount(4);
    void kiosk;
  });
});

/** axe-core's serious and critical findings on the page as it is now (evaluated past the page's CSP). */
async function axeFindings(page: Page): Promise<string[]> {
  const source = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(options: unknown): Promise<{
            violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

test.describe('axe-core on the visit screens', () => {
  test('no serious or critical findings on the steps, the error summary, the date picker and elder mode', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    expect(await axeFindings(page)).toEqual([]);
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    expect(await axeFindings(page)).toEqual([]);
    await chooseServices(page, [[/求助服务/, /失联人员查找求助/]]);
    await placeCard(page, kiosk.sim);
    expect(await axeFindings(page)).toEqual([]);
    await page.getByRole('button', { name: '返回' }).tap();
    await expect(page.getByText(/已读取证件/)).toBeVisible();
    expect(await axeFindings(page)).toEqual([]);
    await page.getByRole('button', { name: '使用此证件继续' }).tap();
    await page.getByRole('button', { name: '下一步' }).tap();
    await page.getByRole('button', { name: '提交办理' }).tap();
    await expect(page.getByRole('alert')).toBeVisible();
    await page.getByRole('button', { name: /^最后联系日期 / }).tap();
    expect(await axeFindings(page)).toEqual([]);
    await page.getByRole('switch', { name: '长者模式' }).tap();
    expect(await axeFindings(page)).toEqual([]);
    await page.getByRole('button', { name: '呼叫民警' }).tap();
    expect(await axeFindings(page)).toEqual([]);
    kiosk.sim.removeCard();
  });

  test('no serious or critical findings on the face check’s consent and outcome screens', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await chooseServices(page, [[/户政/, /户籍证明开具/]]);
    await placeCard(page, kiosk.sim);
    await page.getByRole('button', { name: '下一步' }).tap();
    await expect(page.getByRole('heading', { name: '人脸核验' })).toBeVisible();
    expect(await axeFindings(page)).toEqual([]);
    await page.getByRole('button', { name: '不进行人脸核验，由民警人工核验' }).tap();
    await expect(page.getByRole('button', { name: '继续填写' })).toBeVisible();
    expect(await axeFindings(page)).toEqual([]);
    kiosk.sim.removeCard();
  });
});
