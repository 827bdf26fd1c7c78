import {
  declineFaceCheck,
  HOUSEHOLD_CERTIFICATE,
  MISSING_PERSON_REPORT,
  placeCard,
  startVisit,
} from './citizen.js';
import { expect, test } from './kiosk-fixture.js';
import { onScreenKeyboard, tapKeys, tapMissingPersonReport } from './touch.js';

// A kiosk has a touchscreen: citizens' text goes in on the on-screen keyboard.
test.use({ hasTouch: true });

test.describe('complete visits', () => {
  test('a missing-person report goes to the central system at once and the screen says it arrived, waiting for the command centre', async ({
    page,
    kiosk,
  }) => {
    await startVisit(page, kiosk.host.kioskUrl, [MISSING_PERSON_REPORT]);
    await placeCard(page, kiosk.sim);
    await page.getByRole('button', { name: '下一步' }).tap();

    // Typed key by key on the on-screen keyboard (the wedge-scanner listener must not swallow it); an age out
    // of range first.
    await tapMissingPersonReport(page, '200', true);
    const keyboard = onScreenKeyboard(page);
    await page.getByRole('button', { name: '提交办理' }).tap();
    // An age out of range is refused in words.
    await expect(page.getByText('不能大于 130', { exact: true })).toBeVisible();
    await page.getByLabel(/^失联人员年龄/).tap();
    await keyboard.getByRole('button', { name: '清空' }).tap();
    await tapKeys(keyboard, '78');
    await expect(page.getByLabel(/^失联人员年龄/)).toHaveValue('78');
    await page.getByRole('button', { name: '提交办理' }).tap();

    // Stored by the central system is not acknowledged by the command centre (a duty officer does that).
    await expect(page.getByRole('heading', { name: '已送达公安业务系统，等待指挥中心确认' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByText('正在等待指挥中心值班民警确认')).toBeVisible();
    await expect(page.getByRole('heading', { name: '指挥中心已确认您的紧急报告' })).toHaveCount(0);
    const number = (await page.locator('.txn-number').textContent()) ?? '';
    const stats = await (
      await fetch(`${kiosk.central.url}/v1/admin/stats`, { headers: { Authorization: 'Bearer e2e-admin' } })
    ).json();
    expect(stats).toMatchObject({ transactions: 1, urgent: 1 });
    expect(number).toMatch(/^JW-/);
    // No officer has acknowledged it: finishing asks about 110 first.
    await page.getByRole('button', { name: '完成' }).tap();
    const confirm = page.getByRole('alertdialog', { name: '指挥中心尚未确认，确定要结束吗？' });
    await confirm.getByRole('button', { name: '我已知晓，结束' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    await expect(page.locator('body')).not.toContainText('李四');
  });

  test('with the printer out of paper the citizen still completes and gets the QR code instead', async ({
    page,
    kiosk,
  }) => {
    kiosk.sim.setPaper('out');
    await startVisit(page, kiosk.host.kioskUrl, [HOUSEHOLD_CERTIFICATE]);
    kiosk.sim.placeCard('resident');
    await page.getByRole('button', { name: '下一步' }).tap();
    // The service asks for a face check; this citizen takes the officer-review route.
    await declineFaceCheck(page);
    await page.getByRole('radio', { name: '就业' }).tap();
    await page.getByRole('button', { name: '提交办理' }).tap();
    await expect(
      page.getByRole('heading', { name: /^(已保存，尚未发送|已提交至公安业务系统)$/ }),
    ).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('回执未能打印');
    await expect(page.getByRole('alert')).toContainText('打印机缺纸');
    await expect(page.getByRole('img', { name: '扫码查询办理进度、下载电子回执' })).toBeVisible();
  });

  test('a keyboard-wedge scan is told from a person typing', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    // A person typing: well over the 40 ms a scanner needs between keys.
    await page.keyboard.type('JW-20261129-000123', { delay: 120 });
    await page.keyboard.press('Enter');
    await expect(page.locator('.scan-banner')).toHaveCount(0);
    // A scanner: a burst of key events, then Enter. Sent from inside the page in one go, because key presses
    // sent one by one from the test can arrive over 40 ms apart on a loaded machine and look like typing.
    await page.evaluate((text) => {
      // Page-side types: this project's Node typings have no DOM.
      const page = globalThis as unknown as {
        dispatchEvent(event: unknown): boolean;
        KeyboardEvent: new (type: string, init: object) => unknown;
      };
      for (const key of [...text, 'Enter'])
        page.dispatchEvent(new page.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }, 'JW-20261129-000123');
    await expect(page.locator('.scan-banner')).toContainText('办理进度查询码');
    void kiosk;
  });
});
