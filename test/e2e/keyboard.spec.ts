import type { Locator, Page } from '@playwright/test';
import { expect, test } from './kiosk-fixture.js';
import { readQr } from './citizen.js';
import { onScreenKeyboard, openMailboxForm, tapKeys, tapPinyin } from './touch.js';

// A kiosk has a touchscreen and no keyboard: every step here is a tap on something a person can see.
test.use({ hasTouch: true });

/** The field is entirely on screen and above the keyboard; every key is on screen. */
async function expectFieldAboveKeyboard(page: Page, field: Locator, keyboard: Locator): Promise<void> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('no viewport');
  await expect(async () => {
    const f = await field.boundingBox();
    const k = await keyboard.boundingBox();
    if (!f || !k) throw new Error('field or keyboard not laid out');
    expect(f.y).toBeGreaterThanOrEqual(0);
    expect(f.y + f.height).toBeLessThanOrEqual(k.y + 1);
    expect(k.y + k.height).toBeLessThanOrEqual(viewport.height + 1);
  }).toPass({ timeout: 5000 });
  // Every key on screen and big enough for a finger, measured in one go.
  // (Page-side types: this project's Node typings have no DOM.)
  type Key = {
    getBoundingClientRect(): { left: number; right: number; bottom: number; height: number };
    textContent: string | null;
  };
  const keys = await keyboard.getByRole('button').evaluateAll((buttons) =>
    buttons.map((b) => {
      const key = b as unknown as Key;
      const r = key.getBoundingClientRect();
      return { left: r.left, right: r.right, bottom: r.bottom, height: r.height, name: key.textContent };
    }),
  );
  expect(keys.length).toBeGreaterThan(10);
  for (const key of keys) {
    expect(key.left, String(key.name)).toBeGreaterThanOrEqual(0);
    expect(key.right, String(key.name)).toBeLessThanOrEqual(viewport.width + 1);
    expect(key.bottom, String(key.name)).toBeLessThanOrEqual(viewport.height + 1);
    expect(key.height, String(key.name)).toBeGreaterThanOrEqual(44);
  }
}

test.describe('the on-screen keyboard', () => {
  test('a chief’s-mailbox letter written in pinyin and a phone number on the digit pad, sent by touch', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await openMailboxForm(page, () => kiosk.sim.placeCard('resident'));
    const keyboard = onScreenKeyboard(page);
    await expect(keyboard).toHaveCount(0);
    await page.getByRole('radio', { name: '建议' }).tap();

    // The subject: a text field in Chinese opens the pinyin keyboard.
    const subject = page.getByLabel(/^标题/);
    await subject.tap();
    await expect(keyboard).toBeVisible();
    await expect(subject).toBeFocused();
    await tapPinyin(keyboard, 'lu', '路');
    await tapPinyin(keyboard, 'deng', '灯');
    await expect(subject).toHaveValue('路灯');

    // The letter: n-i-h-a-o offers 你, then 好 for what is left; space takes the first candidate.
    const body = page.getByLabel(/^来信内容/);
    await body.tap();
    await expectFieldAboveKeyboard(page, body, keyboard);
    await tapKeys(keyboard, 'nihao');
    await expect(keyboard.getByText("ni'hao")).toBeVisible();
    await expect(body).toHaveValue('');
    await keyboard.getByRole('button', { name: '你', exact: true }).tap();
    await keyboard.getByRole('button', { name: '好', exact: true }).tap();
    await tapKeys(keyboard, '，');
    for (const syllable of ['lu', 'kou', 'de']) {
      await tapKeys(keyboard, syllable);
      await keyboard.getByRole('button', { name: '空格' }).tap();
    }
    await tapPinyin(keyboard, 'deng', '灯');
    await tapPinyin(keyboard, 'huai', '坏');
    await tapPinyin(keyboard, 'le', '了');
    // A slip corrected: a wrong letter taken back before choosing, a wrong character deleted after.
    await tapKeys(keyboard, 'x');
    await keyboard.getByRole('button', { name: '删除' }).tap();
    await tapPinyin(keyboard, 'ma', '吗');
    await keyboard.getByRole('button', { name: '删除' }).tap();
    await tapKeys(keyboard, '。');
    await expect(body).toHaveValue('你好，路口的灯坏了。');
    await expect(body).toBeFocused();

    // The phone number: a tel field opens the digit pad (no letters on it).
    const phone = page.getByLabel(/^联系电话/);
    await phone.tap();
    await expect(keyboard.getByRole('button', { name: 'a', exact: true })).toHaveCount(0);
    await expectFieldAboveKeyboard(page, phone, keyboard);
    await tapKeys(keyboard, '13800138001');
    await keyboard.getByRole('button', { name: '删除' }).tap();
    await tapKeys(keyboard, '0');
    await expect(phone).toHaveValue('13800138000');

    await keyboard.getByRole('button', { name: '收起键盘' }).tap();
    await expect(keyboard).toHaveCount(0);
    await page.getByRole('button', { name: '提交办理' }).tap();
    await expect(page.getByRole('heading', { name: '已提交至公安业务系统' })).toBeVisible();
    const number = (await page.locator('.txn-number').textContent()) ?? '';
    expect(number).toMatch(/^JW-\d{8}-\d{6}$/);
    await expect(page.locator('.tracking-number')).toHaveText(number);
    const receiptQr = await readQr(page);
    await page.getByRole('button', { name: '完成' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    await expect(page.locator('body')).not.toContainText('路口的灯');
    kiosk.sim.removeCard();

    // Later, the receipt's QR code held to the kiosk's scanner looks the letter up.
    await kiosk.sim.scan(receiptQr);
    await expect(page.getByRole('heading', { name: '办理进度' })).toBeVisible();
    const result = page.locator('.progress-result');
    await expect(result.locator('.txn-number')).toHaveText(number);
    await expect(result).toContainText('局长信箱');
    await expect(result).toContainText('公安业务系统已收到');
    await expect(result).not.toContainText('路口的灯');
  });

  test('the technician PIN on a fixed digit pad', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '维护' }).tap();
    await page.getByLabel('维护密码').tap();
    const keyboard = onScreenKeyboard(page);
    const digits = await keyboard.getByRole('button', { name: /^\d$/ }).allTextContents();
    expect(digits.join('')).toBe('1234567890');
    await tapKeys(keyboard, '000000');
    await expect(page.getByLabel('维护密码')).toHaveValue('000000');
    await page.screenshot({ path: test.info().outputPath('keyboard-pin.png') });
    await page.getByRole('button', { name: '登录' }).tap();
    await expect(page.getByRole('heading', { name: '外设状态' })).toBeVisible();
    void kiosk;
  });

  test('繁體中文 offers Traditional candidates; English opens on Latin letters with a switch to pinyin', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '繁體中文' }).tap();
    await page.getByRole('button', { name: '點擊開始辦理' }).tap();
    await page.getByRole('tab', { name: /求助服務/ }).tap();
    await page
      .getByRole('tabpanel')
      .getByRole('button', { name: /失聯人士/ })
      .tap();
    await page.getByRole('button', { name: '下一步' }).tap();
    kiosk.sim.placeCard('resident');
    await page.getByRole('button', { name: '下一步' }).tap();
    const keyboard = onScreenKeyboard(page, '屏幕鍵盤');
    const place = page.getByLabel(/^最後出現地點/);
    await place.tap();
    await tapKeys(keyboard, 'fa');
    await expect(keyboard.getByRole('button', { name: '發', exact: true })).toBeVisible();
    await expect(keyboard.getByRole('button', { name: '髮', exact: true })).toBeVisible();
    await expect(keyboard.getByRole('button', { name: '发', exact: true })).toHaveCount(0);
    await keyboard.getByRole('button', { name: '清除' }).tap();
    await tapPinyin(keyboard, 'gong', '公');
    await tapPinyin(keyboard, 'yuan', '園');
    await expect(place).toHaveValue('公園');

    await page.getByRole('button', { name: 'English' }).tap();
    await expect(keyboard).toHaveCount(0);
    const appearance = page.getByLabel(/^Appearance/);
    await appearance.tap();
    const en = onScreenKeyboard(page, 'On-screen keyboard');
    // A Chinese-text field still opens in pinyin; the switch offers Latin letters, named in English.
    await en.getByRole('button', { name: 'ABC letters' }).tap();
    await tapKeys(en, 'red');
    await en.getByRole('button', { name: 'Space' }).tap();
    await en.getByRole('button', { name: 'Capitals' }).tap();
    await tapKeys(en, 'T');
    await en.getByRole('button', { name: 'Pinyin' }).tap();
    await tapPinyin(en, 'xu', '恤', 'More characters');
    await expect(appearance).toHaveValue('red T恤');
  });

  test('a physical keyboard still types into a field while the on-screen keyboard is open', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await openMailboxForm(page, () => kiosk.sim.placeCard('resident'));
    const subject = page.getByLabel(/^标题/);
    await subject.tap();
    await expect(onScreenKeyboard(page)).toBeVisible();
    await page.keyboard.type('Lamp', { delay: 60 });
    await tapPinyin(onScreenKeyboard(page), 'deng', '灯');
    await expect(subject).toHaveValue('Lamp灯');
  });

  test('fits at 1080×1920, 1920×1080 and 1280×800, in elder mode too, and never hides the focused field', async ({
    page,
    kiosk,
  }) => {
    // One visit through four screen shapes: longer than one form, shorter than four visits.
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1080, height: 1920 });
    await page.goto(kiosk.host.kioskUrl);
    await openMailboxForm(page, () => kiosk.sim.placeCard('resident'));
    const keyboard = onScreenKeyboard(page);
    const phone = page.getByLabel(/^联系电话/);
    await phone.tap();
    await tapKeys(keyboard, '1');
    for (const [name, viewport, elder] of [
      ['portrait', { width: 1080, height: 1920 }, false],
      ['landscape', { width: 1920, height: 1080 }, false],
      ['1280x800', { width: 1280, height: 800 }, false],
      ['1280x800-elder', { width: 1280, height: 800 }, true],
    ] as const) {
      await page.setViewportSize(viewport);
      if (elder) await page.getByRole('switch', { name: '长者模式' }).tap();
      // Down to the last field of the form, where a docked keyboard would cover it if nothing made room.
      for (const label of [/^标题/, /^来信内容/, /^联系电话/]) {
        const field = page.getByLabel(label);
        await field.tap();
        await expect(field).toBeFocused();
        await expectFieldAboveKeyboard(page, field, keyboard);
      }
      // The tap that opened the keyboard typed nothing, wherever the keys appeared under the finger.
      await expect(phone).toHaveValue('1');
      // A picture of the form with the keyboard open and pinyin composed, kept with the test's results.
      await page.getByLabel(/^来信内容/).tap();
      await tapKeys(keyboard, 'nihao');
      await expect(keyboard.getByRole('button', { name: '你', exact: true })).toBeVisible();
      await page.screenshot({ path: test.info().outputPath(`keyboard-${name}.png`) });
      await keyboard.getByRole('button', { name: '清空' }).tap();
    }
  });
});
