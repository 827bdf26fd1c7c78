import type { Locator, Page } from '@playwright/test';
import { signCatalog } from '../../contract/catalog/signing.js';
import { defaultCatalog, demoPrivateKey } from '../fixtures/catalog/helpers.js';
import { expect, test, type KioskUnderTest } from './kiosk-fixture.js';
import { tapPin } from './touch.js';

// The technician PIN is typed on the on-screen digit pad, by touch, as at the kiosk.
test.use({ hasTouch: true });

/** Publishes a signed catalog document to the central server as an administrator would. */
async function publish(kiosk: KioskUnderTest, document: unknown): Promise<number> {
  const res = await fetch(`${kiosk.central.url}/v1/admin/catalog`, {
    method: 'POST',
    headers: { Authorization: 'Bearer e2e-admin', 'Content-Type': 'application/json' },
    body: JSON.stringify(document),
  });
  return res.status;
}

function catalogWithNewService(version: number, name: string) {
  const catalog = defaultCatalog();
  const template = catalog.services.find((s) => s.id === 'violation-query');
  if (!template) throw new Error('template service missing');
  return {
    ...catalog,
    version,
    services: [
      ...catalog.services,
      {
        ...template,
        id: 'e2e-new-service',
        order: 0,
        name: { 'zh-CN': name, 'zh-HK': name, en: name },
      },
    ],
  };
}

async function technicianChecksCatalog(page: Page): Promise<void> {
  await page.getByRole('button', { name: '维护' }).click();
  await tapPin(page, '000000');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('heading', { name: '业务目录' })).toBeVisible();
  await page.getByRole('button', { name: '立即检查目录更新' }).click();
}

/** The catalog version in use, as the technician screen's catalog section says it. */
function catalogInUse(page: Page): Locator {
  return page.locator('dt', { hasText: /^当前版本$/ }).locator('xpath=following-sibling::dd[1]');
}

test.describe('service catalog updates', () => {
  test('a signed catalog published centrally shows its new service on the next visit', async ({
    page,
    kiosk,
  }) => {
    expect(
      await publish(kiosk, signCatalog(catalogWithNewService(2, '演示新增业务'), demoPrivateKey())),
    ).toBe(200);
    await page.goto(kiosk.host.kioskUrl);
    await technicianChecksCatalog(page);
    // The kiosk may already have fetched it on its own (the heartbeat announces new versions); either way the
    // technician sees version 2 in use.
    await expect(page.getByRole('status').filter({ hasText: /applied|not-modified/ })).toBeVisible();
    await expect(catalogInUse(page)).toHaveText('2');
    await page.getByRole('button', { name: '退出维护' }).click();

    await page.getByRole('button', { name: '点击开始办理' }).click();
    await page.getByRole('tab', { name: /交管业务/ }).click();
    await expect(page.getByRole('tabpanel').getByRole('button', { name: /演示新增业务/ })).toBeVisible();
  });

  test('a tampered catalog changes nothing and the technician sees why', async ({ page, kiosk }) => {
    const original = catalogWithNewService(3, '篡改前的业务');
    const signed = signCatalog(original, demoPrivateKey());
    // Altered after signing: the signature no longer matches.
    const tampered = {
      ...signed,
      catalog: {
        ...original,
        services: original.services.map((s) =>
          s.id === 'e2e-new-service'
            ? { ...s, name: { 'zh-CN': '篡改后的业务', 'zh-HK': '篡改後的業務', en: 'Tampered' } }
            : s,
        ),
      },
    };
    expect(await publish(kiosk, tampered)).toBe(200);
    await page.goto(kiosk.host.kioskUrl);
    await technicianChecksCatalog(page);
    await expect(page.locator('.rejection')).toContainText('v3 bad-signature');
    await expect(catalogInUse(page)).toHaveText(/^1/);
    await page.getByRole('button', { name: '退出维护' }).click();

    await page.getByRole('button', { name: '点击开始办理' }).click();
    await page.getByRole('tab', { name: /交管业务/ }).click();
    await expect(
      page
        .getByRole('tabpanel')
        .getByRole('button', { name: /驾驶证遗失补领|驾驶证/ })
        .first(),
    ).toBeVisible();
    await expect(page.getByText('篡改后的业务')).toHaveCount(0);
    await expect(page.getByText('篡改前的业务')).toHaveCount(0);
  });

  test('a wrong technician PIN is refused in words', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '维护' }).click();
    await tapPin(page, '123456');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert')).toContainText('密码错误');
    void kiosk;
  });
});
