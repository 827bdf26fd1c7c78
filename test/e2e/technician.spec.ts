import { expect, test } from './kiosk-fixture.js';
import { tapPin } from './touch.js';

// The technician PIN is typed on the on-screen digit pad, by touch, as at the kiosk.
test.use({ hasTouch: true });

test.describe('technician checks', () => {
  test('prints a test page, tests the card reader, and sees a paper-out with its recovery hint', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '维护' }).click();
    await tapPin(page, '000000');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('heading', { name: '外设状态' })).toBeVisible();

    await page.getByRole('button', { name: '打印测试页' }).click();
    await expect(page.locator('.device-test p')).toHaveText('测试页已打印');
    await expect(page.getByRole('img', { name: '测试页预览' })).toBeVisible();

    await page.getByRole('button', { name: '读卡测试' }).click();
    await expect(page.locator('.device-test')).toContainText('请在 15 秒内放置证件');
    kiosk.sim.placeCard('resident-invalid-check');
    await expect(page.locator('.device-test')).toContainText('居民身份证');
    await expect(page.locator('.device-test')).toContainText('校验位错误');
    await expect(page.locator('.device-test')).not.toContainText('19491231');
    // The reader sees the card go before the next one is placed.
    const lifted = new Promise<void>((resolve) => {
      const off = kiosk.core.devices.idCard.on('card-removed', () => (off(), resolve()));
    });
    kiosk.sim.removeCard();
    await lifted;
    // A 15-character permit number has no check digit: neither right nor wrong.
    await page.getByRole('button', { name: '读卡测试' }).click();
    await expect(page.locator('.device-test')).toContainText('请在 15 秒内放置证件');
    kiosk.sim.placeCard('foreigner');
    await expect(page.locator('.device-test')).toContainText('此类证件号码无校验位');
    await expect(page.locator('.device-test')).not.toContainText('校验位错误');
    kiosk.sim.removeCard();

    kiosk.sim.setPaper('out');
    await expect(page.getByRole('row', { name: /打印机/ })).toContainText('请更换打印纸', {
      timeout: 15_000,
    });
    await page.getByRole('button', { name: '打印测试页' }).click();
    await expect(page.locator('.device-test p')).toHaveText('测试页未打印：缺纸');

    await page.getByRole('button', { name: '退出维护' }).click();
    // The test card did not become the next citizen's card.
    await page.getByRole('button', { name: '点击开始办理' }).click();
    await page.getByRole('tab', { name: /户政/ }).click();
    await page
      .getByRole('tabpanel')
      .getByRole('button', { name: /户籍证明开具/ })
      .click();
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByRole('heading', { name: '请将身份证放在读卡区' })).toBeVisible();
  });
});
