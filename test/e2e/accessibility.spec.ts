import { expect, test } from './kiosk-fixture.js';

// Runs inside the page (Playwright's evaluate); the Node-side type check has no DOM library.
declare function getComputedStyle(element: unknown): { fontSize: string };

test.describe('accessibility and idle handling', () => {
  test('elder mode enlarges the text with one switch', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    const start = page.getByRole('button', { name: '点击开始办理' });
    const before = await start.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await page.getByRole('switch', { name: '长者模式' }).click();
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
    await page.getByRole('button', { name: '点击开始办理' }).click();
    const warning = page.getByRole('alertdialog', { name: '您还在吗？' });
    await expect(warning).toBeVisible({ timeout: 10_000 });
    await expect(warning).toContainText(/\d+ 秒后将返回首页/);
    await warning.getByRole('button', { name: '继续办理' }).click();
    await expect(warning).toHaveCount(0);
    await expect(page.getByRole('heading', { name: '请选择要办理的业务（可多选）' })).toBeVisible();
  });

  test('the help control is on every screen and explains how to reach an officer', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '呼叫民警' }).click();
    await expect(page.getByRole('dialog', { name: '需要帮助？' })).toContainText('110');
    await page.getByRole('button', { name: '关闭' }).click();
    await page.getByRole('button', { name: '点击开始办理' }).click();
    await expect(page.getByRole('button', { name: '呼叫民警' })).toBeVisible();
    void kiosk;
  });
});
