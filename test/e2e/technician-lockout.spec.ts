import { expect, test } from './kiosk-fixture.js';
import { tapPin } from './touch.js';

// The technician PIN is typed on the on-screen digit pad, by touch, as at the kiosk.
test.use({ hasTouch: true });

test.describe('technician sign-in lockout', () => {
  test('shows the attempts left, then the time the lockout ends; the right PIN waits too', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '维护' }).click();
    const signIn = async (pin: string): Promise<void> => {
      await tapPin(page, pin);
      await page.getByRole('button', { name: '登录' }).click();
    };
    await signIn('123123');
    await expect(page.getByRole('alert')).toHaveText('密码错误。 剩余 4 次尝试');
    for (const left of [3, 2, 1]) {
      await signIn('123123');
      await expect(page.getByRole('alert')).toHaveText(`密码错误。 剩余 ${left} 次尝试`);
    }
    await signIn('123123');
    await expect(page.getByRole('alert')).toHaveText(/^错误次数过多，请稍后再试。 锁定至 \d\d:\d\d$/);
    // The lockout holds for the demonstration PIN as well, and is kept by the core, not the page.
    await page.reload();
    await page.getByRole('button', { name: '维护' }).click();
    await signIn('000000');
    await expect(page.getByRole('alert')).toContainText('锁定至');
    await expect(page.getByRole('heading', { name: '外设状态' })).toHaveCount(0);
  });
});
