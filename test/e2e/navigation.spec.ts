import type { Page } from '@playwright/test';
import { declineFaceCheck, placeCard, startVisit } from './citizen.js';
import { expect, test } from './kiosk-fixture.js';

// A kiosk has a touchscreen and no keyboard: the citizen taps.
test.use({ hasTouch: true });

/** The step the indicator marks as current (`aria-current="step"`). */
function currentStep(page: Page): ReturnType<Page['locator']> {
  return page.getByRole('navigation', { name: '办理步骤' }).locator('[aria-current="step"]');
}

test.describe('steps and Back', () => {
  test('every step is marked, and Back at each step keeps the choice, the card and what was entered', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    const steps = page.getByRole('navigation', { name: '办理步骤' }).getByRole('listitem');
    await expect(steps).toHaveCount(5);
    await expect(currentStep(page)).toHaveCount(1);
    await expect(currentStep(page)).toContainText('选择业务');

    await page.getByRole('tab', { name: /户政/ }).tap();
    const service = page.getByRole('tabpanel').getByRole('button', { name: /户籍证明开具/ });
    await service.tap();
    await page.getByRole('button', { name: '下一步' }).tap();
    await expect(page.getByRole('heading', { name: '请将身份证放在读卡区' })).toBeVisible();
    await expect(currentStep(page)).toContainText('读取证件');

    // Back from the first step of the visit: choosing again, with the choice still made.
    await page.getByRole('button', { name: '返回' }).tap();
    await expect(page.getByRole('heading', { name: '请选择要办理的业务（可多选）' })).toBeVisible();
    await expect(service).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText('已选择 1 项')).toBeVisible();
    await page.getByRole('button', { name: '下一步' }).tap();

    kiosk.sim.placeCard('resident');
    await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await expect(currentStep(page)).toContainText('核对信息');
    await page.getByRole('button', { name: '下一步' }).tap();
    // The service asks for a face check: it belongs to checking who the citizen is.
    await expect(page.getByRole('heading', { name: '人脸核验' })).toBeVisible();
    await expect(currentStep(page)).toContainText('核对信息');
    await declineFaceCheck(page);
    await expect(currentStep(page)).toContainText('填写信息');
    await page.getByRole('radio', { name: '就业' }).tap();

    // Back from the form: the card's details are still there…
    await page.getByRole('button', { name: '返回' }).tap();
    await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await expect(page.getByText('张三')).toBeVisible();
    // …and back again: the card read is kept, no need to lift and replace it.
    await page.getByRole('button', { name: '返回' }).tap();
    await expect(page.getByRole('heading', { name: '请将身份证放在读卡区' })).toBeVisible();
    await expect(currentStep(page)).toContainText('读取证件');
    await expect(page.getByText(/已读取证件：张三/)).toBeVisible();
    await page.getByRole('button', { name: '使用此证件继续' }).tap();
    await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await page.getByRole('button', { name: '下一步' }).tap();
    // What was chosen on the form is still chosen.
    await expect(page.getByRole('radio', { name: '就业' })).toBeChecked();
    await expect(page.getByLabel(/姓名/)).toHaveValue('张三');

    await page.getByRole('button', { name: '提交办理' }).tap();
    await expect(
      page.getByRole('heading', { name: /^(已保存，尚未发送|已提交至公安业务系统)$/ }),
    ).toBeVisible();
    await expect(currentStep(page)).toContainText('完成');
    await expect(steps.filter({ hasText: '（已完成）' })).toHaveCount(4);
    await page.getByRole('button', { name: '完成' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: '办理步骤' })).toHaveCount(0);
    kiosk.sim.removeCard();
  });

  test('another card placed after going back replaces the card that was kept', async ({ page, kiosk }) => {
    await startVisit(page, kiosk.host.kioskUrl, [[/户政/, /户籍证明开具/]]);
    await placeCard(page, kiosk.sim);
    await expect(page.getByText('张三')).toBeVisible();
    await page.getByRole('button', { name: '返回' }).tap();
    await expect(page.getByText(/已读取证件：张三/)).toBeVisible();
    // The reader must see the first card go before it reads another, as with a real card lifted and replaced.
    const removed = new Promise<void>((resolve) => {
      const off = kiosk.core.devices.idCard.on('card-removed', () => {
        off();
        resolve();
      });
    });
    kiosk.sim.removeCard();
    await removed;
    kiosk.sim.placeCard('resident-long-term');
    await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await expect(page.getByText('王五')).toBeVisible();
    await expect(page.getByText('张三')).toHaveCount(0);
    kiosk.sim.removeCard();
  });

  test('the seed visit: driving licence replacement and household certificate with one identity step', async ({
    page,
    kiosk,
  }) => {
    await startVisit(page, kiosk.host.kioskUrl, [
      [/交管/, /驾驶证遗失补领/],
      [/户政/, /户籍证明开具/],
    ]);
    await placeCard(page, kiosk.sim);
    // One card read for both services: the indicator has one identity step, and both services are listed.
    await expect(page.getByRole('navigation', { name: '办理步骤' }).getByText('读取证件')).toHaveCount(1);
    await expect(page.getByRole('listitem').filter({ hasText: '驾驶证遗失补领' })).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: '户籍证明开具' })).toBeVisible();
    await page.getByRole('button', { name: '下一步' }).tap();
    await declineFaceCheck(page);
    await expect(page.getByRole('heading', { name: '驾驶证遗失补领' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '户籍证明开具' })).toBeVisible();
    // Both forms took the card's name.
    await expect(page.getByLabel(/^姓名/)).toHaveCount(2);
    for (const name of await page.getByLabel(/^姓名/).all()) await expect(name).toHaveValue('张三');
    // Back to the very start keeps both services chosen.
    for (const heading of ['请核对您的身份信息', '请将身份证放在读卡区', '请选择要办理的业务（可多选）']) {
      await page.getByRole('button', { name: '返回' }).tap();
      await expect(page.getByRole('heading', { name: heading })).toBeVisible();
    }
    await expect(page.getByText('已选择 2 项')).toBeVisible();
    kiosk.sim.removeCard();
  });
});
