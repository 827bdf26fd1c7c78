import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';

/**
 * Acting as a person at the kiosk does, by touch: typing on the on-screen keyboard, each key found by its
 * accessible name (its character) and tapped. Tests (and benchmarks) that use these run with `hasTouch`.
 */

/** From the attract screen to the chief's-mailbox form by taps; `placeCard` puts the ID card on the reader. */
export async function openMailboxForm(page: Page, placeCard: () => void): Promise<void> {
  await page.getByRole('button', { name: '点击开始办理' }).tap();
  await page.getByRole('tab', { name: /局长信箱/ }).tap();
  await page
    .getByRole('tabpanel')
    .getByRole('button', { name: /局长信箱/ })
    .tap();
  await page.getByRole('button', { name: '下一步' }).tap();
  placeCard();
  await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
  await page.getByRole('button', { name: '下一步' }).tap();
  await expect(page.getByRole('heading', { name: '请填写办理信息' })).toBeVisible();
}

/** The on-screen keyboard, by its name in the kiosk's language. */
export function onScreenKeyboard(page: Page, name: string | RegExp = '屏幕键盘'): Locator {
  return page.getByRole('group', { name });
}

/** Taps keys one by one, each found by its accessible name (its character). */
export async function tapKeys(keyboard: Locator, keys: string): Promise<void> {
  for (const key of keys) await keyboard.getByRole('button', { name: key, exact: true }).tap();
}

/** Spells pinyin and taps the candidate, turning to the next page of candidates until it shows. */
export async function tapPinyin(
  keyboard: Locator,
  pinyin: string,
  character: string,
  nextPage: string | RegExp = /^下一[页頁]候[选選]字$/,
): Promise<void> {
  await tapKeys(keyboard, pinyin);
  // The candidate bar is filled before looking through it (the dictionary loads after first paint).
  await expect(keyboard.locator('.osk-candidate').first()).toBeVisible();
  const candidate = keyboard.getByRole('button', { name: character, exact: true });
  for (let page = 0; page < 5 && !(await candidate.isVisible()); page += 1) {
    await keyboard.getByRole('button', { name: nextPage }).tap();
  }
  await candidate.tap();
}

/** Types a technician PIN on the digit pad the PIN field opens. */
export async function tapPin(page: Page, pin: string): Promise<void> {
  await page.getByLabel('维护密码').tap();
  await tapKeys(onScreenKeyboard(page), pin);
}

/** Opens the kiosk and signs in to technician mode with the demonstration PIN, by touch. */
export async function signInAsTechnician(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: '维护' }).tap();
  await tapPin(page, '000000');
  await page.getByRole('button', { name: '登录' }).tap();
  await expect(page.getByRole('heading', { name: '外设状态' })).toBeVisible();
}

/**
 * Fills the missing-person report by touch (the form is shown): phone, name 李四 in pinyin, sex, the age given,
 * relation, last contact today on the kiosk's date picker, the last place (公园, or 公园东门 with `longPlace`).
 */
export async function tapMissingPersonReport(page: Page, age: string, longPlace = false): Promise<void> {
  const keyboard = onScreenKeyboard(page);
  await page.getByLabel(/^联系电话/).tap();
  await tapKeys(keyboard, '13800138000');
  await expect(page.getByLabel(/^联系电话/)).toHaveValue('13800138000');
  await page.getByLabel(/^失联人员姓名/).tap();
  await tapPinyin(keyboard, 'li', '李');
  await tapPinyin(keyboard, 'si', '四');
  await page.getByRole('radio', { name: '男' }).tap();
  await page.getByLabel(/^失联人员年龄/).tap();
  await tapKeys(keyboard, age);
  await page.getByRole('radio', { name: '父母' }).tap();
  // The kiosk's own date picker, by taps.
  await page.getByLabel(/^最后联系日期/).tap();
  await page.getByRole('button', { name: '今天', exact: true }).tap();
  await page.getByLabel(/^最后出现地点/).tap();
  const place = [
    ['gong', '公'],
    ['yuan', '园'],
    ...(longPlace
      ? ([
          ['dong', '东'],
          ['men', '门'],
        ] as const)
      : []),
  ] as const;
  for (const [pinyin, character] of place) await tapPinyin(keyboard, pinyin, character);
}

/**
 * Writes a chief's-mailbox letter by touch (the form is shown): a suggestion titled 路灯, the letter
 * 路口的灯坏了一周了。 in pinyin, and a phone number on the digit pad.
 */
export async function tapStreetLightLetter(page: Page): Promise<void> {
  await page.getByRole('radio', { name: '建议' }).tap();
  const keyboard = onScreenKeyboard(page);
  await page.getByLabel(/^标题/).tap();
  await tapPinyin(keyboard, 'lu', '路');
  await tapPinyin(keyboard, 'deng', '灯');
  // At least 10 characters: 路口的灯坏了一周了。
  await page.getByLabel(/^来信内容/).tap();
  for (const [pinyin, character] of [
    ['lu', '路'],
    ['kou', '口'],
    ['de', '的'],
    ['deng', '灯'],
    ['huai', '坏'],
    ['le', '了'],
    ['yi', '一'],
    ['zhou', '周'],
    ['le', '了'],
  ] as const)
    await tapPinyin(keyboard, pinyin, character);
  await tapKeys(keyboard, '。');
  await page.getByLabel(/^联系电话/).tap();
  await tapKeys(keyboard, '13800138000');
}
