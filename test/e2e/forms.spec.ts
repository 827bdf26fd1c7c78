import type { Page } from '@playwright/test';
import { readCardToForm, startVisit } from './citizen.js';
import { expect, test, type KioskUnderTest } from './kiosk-fixture.js';

// A kiosk has a touchscreen and no keyboard: the citizen taps.
test.use({ hasTouch: true });

/** Starts a visit for one service and reads the resident card, up to its form. */
async function openForm(page: Page, kiosk: KioskUnderTest, category: RegExp, service: RegExp): Promise<void> {
  await startVisit(page, kiosk.host.kioskUrl, [[category, service]]);
  await readCardToForm(page, kiosk.sim);
}

test.describe('forms', () => {
  test('a refused form lists every problem at the top by name and takes the citizen to the first', async ({
    page,
    kiosk,
  }) => {
    await openForm(page, kiosk, /求助服务/, /失联人员查找求助/);
    await page.getByRole('button', { name: '提交办理' }).tap();
    const summary = page.getByRole('alert').filter({ hasText: '请修改标红的项目后再提交' });
    await expect(summary).toContainText('（共 7 项）');
    // All seven, by field name, in screen order.
    await expect(summary.getByRole('button')).toHaveText([
      /^联系电话：/,
      /^失联人员姓名：/,
      /^失联人员性别：/,
      /^失联人员年龄：/,
      /^与您的关系：/,
      /^最后联系日期：/,
      /^最后出现地点：/,
    ]);
    // Focus is on the first refused field, scrolled into view.
    const phone = page.getByLabel(/^联系电话/);
    await expect(phone).toBeFocused();
    await expect(phone).toBeInViewport();

    // Each entry takes the citizen to its field.
    await summary.getByRole('button', { name: /^与您的关系：/ }).tap();
    await expect(page.getByRole('radio', { name: '父母' })).toBeFocused();
    await summary.getByRole('button', { name: /^最后联系日期：/ }).tap();
    const date = page.getByRole('button', { name: /^最后联系日期 / });
    await expect(date).toBeFocused();
    await expect(date).toBeInViewport();

    // Corrected fields leave the list.
    await page.getByRole('radio', { name: '父母' }).tap();
    await expect(summary.getByRole('button')).toHaveCount(6);
    await expect(summary).toContainText('（共 6 项）');
  });

  test('dates are picked by taps and read in the kiosk language, never as mm/dd/yyyy', async ({
    page,
    kiosk,
  }) => {
    await openForm(page, kiosk, /求助服务/, /失联人员查找求助/);
    const date = page.getByRole('button', { name: /^最后联系日期/ });
    await expect(date).toContainText('请选择日期');
    await expect(page.getByText(/mm\/dd\/yyyy|年\/月\/日/)).toHaveCount(0);
    await date.tap();
    await expect(date).toHaveAttribute('aria-expanded', 'true');
    const years = page.getByRole('group', { name: '年份' });
    // Page back to 2010 (bounded: the range is 110 years, 12 to a page).
    for (let i = 0; i < 12 && !(await years.getByRole('button', { name: '2010年' }).isVisible()); i++) {
      await years.getByRole('button', { name: '更早的年份' }).tap();
    }
    await years.getByRole('button', { name: '2010年' }).tap();
    await page.getByRole('group', { name: '月份' }).getByRole('button', { name: '6月' }).tap();
    await expect(page.getByText('请选择2010年6月的哪一天')).toBeVisible();
    await page.getByRole('button', { name: '2010年6月15日' }).tap();
    await expect(date).toHaveAttribute('aria-expanded', 'false');
    await expect(date).toHaveAccessibleName('最后联系日期 2010年6月15日');
    await expect(date).toBeFocused();

    // The same date in the other languages.
    await page.getByRole('button', { name: 'English' }).tap();
    await expect(page.getByRole('button', { name: /^Last contact \(date\)/ })).toContainText('15 June 2010');
    await page.getByRole('button', { name: /^Last contact \(date\)/ }).tap();
    await expect(
      page.getByRole('group', { name: 'Month' }).getByRole('button', { name: 'June' }),
    ).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('button', { name: '15 June 2010', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await page.getByRole('button', { name: '繁體中文' }).tap();
    await expect(
      page.getByRole('group', { name: '年份' }).getByRole('button', { name: '2010年' }),
    ).toHaveAttribute('aria-pressed', 'true');
    await page.getByRole('button', { name: '收起' }).tap();
    await expect(page.getByRole('button', { name: /^最後聯絡日期/ })).toContainText('2010年6月15日');
  });

  test("the chief's mailbox letter gets a large box and a character count", async ({ page, kiosk }) => {
    await openForm(page, kiosk, /局长信箱/, /局长信箱/);
    const letter = page.getByRole('textbox', { name: /^来信内容/ });
    await expect(letter).toBeVisible();
    await expect(letter).toHaveAccessibleDescription(/已输入 0 字，最多 2000 字/);
    await expect(page.getByText('0 / 2000')).toBeVisible();
    const box = await letter.boundingBox();
    // At least ten lines of text (20 px type), where it was three before.
    expect(box?.height ?? 0).toBeGreaterThan(300);
  });
});
