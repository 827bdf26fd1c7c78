import { expect, test } from './kiosk-fixture.js';

test.describe('one kiosk window', () => {
  test('a second window takes the session over; the first says so, shows nothing of the visit and does not take it back', async ({
    page,
    context,
    kiosk,
  }) => {
    // The first window's timers run only when the test says so: its reconnect delay can be fast-forwarded.
    await page.clock.install();
    await page.goto(kiosk.host.kioskUrl);
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    const reconnects: string[] = [];
    page.on('websocket', (socket) => reconnects.push(socket.url()));

    const second = await context.newPage();
    await second.goto(kiosk.host.kioskUrl);
    await expect(second.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    await expect(page.getByRole('status')).toHaveText(/此窗口已被另一个警务舱窗口取代/);

    // Far beyond the reconnect delay (1 s) — the first window opens no new connection.
    await page.clock.runFor(30_000);
    expect(reconnects).toEqual([]);
    await expect(page.getByRole('status')).toHaveText(/此窗口已被另一个警务舱窗口取代/);

    // The second window holds the session: a visit with a card read runs there, and nowhere else.
    await second.getByRole('button', { name: '点击开始办理' }).click();
    await second.getByRole('tab', { name: /户政/ }).click();
    await second
      .getByRole('tabpanel')
      .getByRole('button', { name: /户籍证明开具/ })
      .click();
    await second.getByRole('button', { name: '下一步' }).click();
    await expect(second.getByRole('heading', { name: '请将身份证放在读卡区' })).toBeVisible();
    kiosk.sim.placeCard('resident');
    await expect(second.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await expect(second.locator('body')).toContainText('张三');
    await expect(page.locator('body')).not.toContainText('张三');
    await expect(page.getByRole('status')).toHaveText(/此窗口已被另一个警务舱窗口取代/);

    await second.getByRole('button', { name: '取消办理' }).click();
    await expect(second.getByRole('button', { name: '点击开始办理' })).toBeVisible();
  });
});
