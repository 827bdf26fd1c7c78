import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import { addConsoleUser } from '../../central/console-auth.js';
import { DEFAULT_CONSOLE_DIR } from '../../central/console.js';
import { openCentralDb } from '../../central/db.js';
import { fontsReady, readQr, submitHouseholdCertificate } from './citizen.js';
import { expect, test, type KioskUnderTest } from './kiosk-fixture.js';
import { onScreenKeyboard, openMailboxForm, tapKeys, tapStreetLightLetter } from './touch.js';

/**
 * The chief's mailbox and transactions end to end: a citizen writes a letter at the kiosk by touch, a duty
 * officer signs for it and replies in the console (Chromium at a desk: clicks and typing), and the citizen's
 * look-up at the kiosk follows — the status for the typed number, the reply for the receipt's QR code. Then an
 * officer finds a transaction by number, sets it ready for pickup, and the kiosk's look-up says so.
 */

// The kiosk has a touchscreen: the citizen's steps are taps.
test.use({ hasTouch: true });

declare function getComputedStyle(element: unknown): { backgroundColor: string };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Pictures for people to look at (not compared, not committed). */
const SHOTS = path.join(repoRoot, '.tmp/console-screenshots');
const PASSWORD = 'duty officer password 1';
const REPLY = '您好，已转交交警大队，今天修复路灯。';

test.beforeAll(() => {
  if (!existsSync(path.join(DEFAULT_CONSOLE_DIR, 'index.html')))
    throw new Error('the console is not built: run npm run build:console first');
  mkdirSync(SHOTS, { recursive: true });
});

/** Adds a duty officer to the kiosk's central store, as `npm run central -- user add` would. */
async function addDutyOfficer(kiosk: KioskUnderTest): Promise<void> {
  const db = await openCentralDb(path.join(kiosk.centralDataDir, 'central.sqlite'));
  try {
    await addConsoleUser(db, { name: 'duty1', role: 'duty-officer', password: PASSWORD });
  } finally {
    await db.close();
  }
}

/** An officer's browser at a desk, signed in to the console. */
async function officerConsole(browser: Browser, kiosk: KioskUnderTest): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.goto(`${kiosk.central.url}/console/`);
  await page.getByLabel('用户名 User name').fill('duty1');
  await page.getByLabel('密码 Password').fill(PASSWORD);
  await page.getByRole('button', { name: '登录 Sign in' }).click();
  await expect(page.getByText('值班民警 Duty officer')).toBeVisible();
  return page;
}

/** Looks a number up at the kiosk by typing it on the digit pad (from the attract screen). */
async function typeLookUp(page: Page, number: string): Promise<void> {
  await page.getByRole('button', { name: '查询办理进度' }).tap();
  await page.getByRole('textbox', { name: /业务编号/ }).tap();
  await tapKeys(onScreenKeyboard(page), number.replace(/\D/g, ''));
  await onScreenKeyboard(page).getByRole('button', { name: '收起键盘' }).tap();
  await page.getByRole('button', { name: '查询', exact: true }).tap();
}

test('a letter written at the kiosk is signed for and answered in the console, and the look-up follows', async ({
  page,
  kiosk,
  browser,
}) => {
  await addDutyOfficer(kiosk);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(kiosk.host.kioskUrl);
  await openMailboxForm(page, () => kiosk.sim.placeCard('resident'));
  await tapStreetLightLetter(page);
  await page.getByRole('button', { name: '提交办理' }).tap();
  await expect(page.getByRole('heading', { name: '已提交至公安业务系统' })).toBeVisible();
  const number = (await page.locator('.tracking-number').textContent()) ?? '';
  expect(number).toMatch(/^JW-\d{8}-\d{6}$/);
  const receiptQr = await readQr(page);
  await page.getByRole('button', { name: '完成' }).tap();
  await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
  kiosk.sim.removeCard();

  // The letter arrived 15 minutes ago as far as the clocks go (the signing clock is then overdue).
  const db = await openCentralDb(path.join(kiosk.centralDataDir, 'central.sqlite'));
  try {
    await db.run('UPDATE transactions SET received_at = received_at - ? WHERE tracking_number = ?', [
      15 * 60_000,
      number,
    ]);
  } finally {
    await db.close();
  }

  const officer = await officerConsole(browser, kiosk);
  await officer.getByRole('button', { name: "局长信箱 Chief's mailbox" }).click();
  const row = officer.getByRole('row', { name: new RegExp(number) });
  await expect(row).toContainText('路灯');
  await expect(row).toContainText('待签收 To sign for');
  // The 10-minute clock is overdue and highlighted; the 30-minute one still counts down.
  await expect(row).toHaveAttribute('data-overdue', 'true');
  await expect(row.locator('.clock.overdue')).toHaveCount(1);
  await expect(row.locator('.clock.overdue')).toContainText(/超时 overdue 5:\d\d/);
  await expect(row.locator('.clock.running').first()).toContainText(/剩余 left 1[45]:\d\d/);
  const background = await row.evaluate((tr) => getComputedStyle(tr).backgroundColor);
  expect(background).not.toBe('rgba(0, 0, 0, 0)');
  await row.getByRole('button', { name: number }).click();
  const detail = officer.getByRole('complementary', { name: new RegExp(number) });
  await expect(detail).toContainText('路口的灯坏了一周了。');
  await expect(detail).toContainText('张*');
  await fontsReady(officer);
  await officer.screenshot({ path: path.join(SHOTS, 'console-mailbox-received.png') });

  await detail.getByRole('button', { name: '签收 Sign for' }).click();
  await expect(row).toContainText('已签收 Signed for');
  await expect(row.locator('.clock.met-late')).toContainText('duty1');
  await detail.getByLabel(/答复内容/).fill(REPLY);
  await detail.getByRole('button', { name: '发送答复 Send reply' }).click();
  await expect(row).toContainText('已答复 Answered');
  await expect(row.locator('.clock.met')).toHaveCount(1);
  await expect(detail).toContainText(REPLY);
  await expect(detail.getByRole('button', { name: '办结 Close' })).toBeVisible();
  await officer.screenshot({ path: path.join(SHOTS, 'console-mailbox-answered.png') });

  // The citizen types the number: the status, and that a reply waits behind the receipt's QR code.
  await typeLookUp(page, number);
  const result = page.locator('.progress-result');
  await expect(result.locator('.txn-number')).toHaveText(number);
  await expect(result).toContainText('已答复');
  await expect(result).toContainText('签收时间');
  await expect(result).not.toContainText('交警');
  await expect(page.getByText('已有答复。请将回执上的二维码对准扫码口查看答复内容。')).toBeVisible();
  await fontsReady(page);
  await page.screenshot({ path: path.join(SHOTS, 'kiosk-lookup-letter-typed-zh-CN-landscape.png') });
  await page.getByRole('button', { name: '返回' }).tap();

  // The same QR code on the citizen's phone: the progress page, opened by its key, shows the reply too.
  const phone = await browser.newPage();
  await phone.goto(receiptQr);
  await expect(phone.locator('.letter')).toContainText('已答复');
  await expect(phone.locator('.letter')).toContainText(REPLY);
  await phone.close();

  // The receipt's QR code at the scanner: the reply itself, in each of the kiosk's languages.
  await kiosk.sim.scan(receiptQr);
  await expect(result).toContainText(REPLY);
  await expect(result).toContainText('答复内容');
  await fontsReady(page);
  await page.screenshot({ path: path.join(SHOTS, 'kiosk-lookup-letter-zh-CN-landscape.png') });
  await page.getByRole('button', { name: 'English' }).tap();
  await expect(result).toContainText('Answered');
  await expect(result).toContainText('Reply');
  await page.getByRole('button', { name: '繁體中文' }).tap();
  await expect(result).toContainText('已答覆');
  await expect(result).toContainText('答覆內容');
  await page.setViewportSize({ width: 1080, height: 1920 });
  await fontsReady(page);
  await page.screenshot({ path: path.join(SHOTS, 'kiosk-lookup-letter-zh-HK-portrait.png') });
  await page.getByRole('button', { name: '简体中文' }).tap();
  await page.getByRole('button', { name: '返回' }).tap();

  // Closed in the console: the look-up says so.
  await detail.getByRole('button', { name: '办结 Close' }).click();
  await expect(row).toContainText('已办结 Closed');
  await kiosk.sim.scan(receiptQr);
  await expect(result).toContainText('已办结');
  await expect(result).toContainText('办结时间');
  await officer.context().close();
});

test('an officer finds a transaction by number, sets it ready for pickup, and the kiosk’s look-up follows', async ({
  page,
  kiosk,
  browser,
}) => {
  await addDutyOfficer(kiosk);
  const number = await submitHouseholdCertificate(page, kiosk.host.kioskUrl, kiosk.sim);
  await page.getByRole('button', { name: '完成' }).tap();
  await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
  kiosk.sim.removeCard();

  const officer = await officerConsole(browser, kiosk);
  await officer.getByRole('button', { name: '业务查询 Transactions' }).click();
  await officer.getByLabel('业务编号 Transaction number').fill(number);
  await officer.getByRole('button', { name: '查询 Search' }).click();
  const card = officer.getByRole('article', { name: new RegExp(number) });
  await expect(card).toContainText('户籍证明开具');
  await expect(card).not.toContainText('household-certificate');
  await expect(card).toContainText('e2e-kiosk');
  await expect(card).toContainText('张*');
  // The ID number only masked.
  await expect(card.locator('.id-number')).toHaveText(/^\d{4}\*+\d{3}[\dX]$/);
  await expect(card.locator('.progress-now')).toContainText('已受理 Accepted');
  await card.getByRole('button', { name: '待领取 Ready for pickup' }).click();
  await expect(card.locator('.progress-now')).toContainText('待领取 Ready for pickup');
  await expect(card.locator('.progress-now')).toContainText('duty1');
  await expect(card.getByRole('button', { name: '待领取 Ready for pickup' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await fontsReady(officer);
  await officer.screenshot({ path: path.join(SHOTS, 'console-transactions.png') });

  await page.setViewportSize({ width: 1920, height: 1080 });
  await typeLookUp(page, number);
  const result = page.locator('.progress-result');
  await expect(result.locator('.txn-number')).toHaveText(number);
  await expect(result).toContainText('待领取（请到窗口领取）');
  await fontsReady(page);
  await page.screenshot({ path: path.join(SHOTS, 'kiosk-lookup-pickup-zh-CN-landscape.png') });
  await page.setViewportSize({ width: 1080, height: 1920 });
  await page.getByRole('button', { name: 'English' }).tap();
  await expect(result).toContainText('Ready for pickup at the counter');
  await fontsReady(page);
  await page.screenshot({ path: path.join(SHOTS, 'kiosk-lookup-pickup-en-portrait.png') });
  await officer.context().close();
});
