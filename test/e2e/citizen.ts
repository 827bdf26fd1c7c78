/**
 * What a citizen does again and again in the e2e tests, by taps only: choose services, have the card read, reach
 * the form. Texts are the Simplified Chinese interface's, as a first-time citizen sees it.
 */
import { PNG } from 'pngjs';
import jsQRModule from 'jsqr';
import type { Locator, Page } from '@playwright/test';
import { expect } from './kiosk-fixture.js';

// jsqr's CommonJS default export is typed as a namespace under NodeNext (as in documents.test.ts).
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

/** Reads the QR code the done screen shows, as a phone (or the kiosk's scanner) would. */
export async function readQr(page: Page): Promise<string> {
  const src = await page.getByRole('img', { name: '扫码查询办理进度、下载电子回执' }).getAttribute('src');
  const png = PNG.sync.read(Buffer.from((src ?? '').replace(/^data:image\/png;base64,/, ''), 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!code) throw new Error('no QR code on the screen');
  return code.data;
}

/** A service as the citizen finds it: its category tab, then its card. */
export type ServicePick = readonly [category: RegExp, service: RegExp];

/** Picks each service on the choose screen (already shown). */
export async function pickServices(page: Page, picks: readonly ServicePick[]): Promise<void> {
  for (const [category, service] of picks) {
    await page.getByRole('tab', { name: category }).tap();
    await page.getByRole('tabpanel').getByRole('button', { name: service }).tap();
  }
}

/** Chooses each service on the choose screen (already shown) and taps "next". */
export async function chooseServices(page: Page, picks: readonly ServicePick[]): Promise<void> {
  await pickServices(page, picks);
  await page.getByRole('button', { name: '下一步' }).tap();
}

/** The household certificate, the simplest service (one choice on its form). */
export const HOUSEHOLD_CERTIFICATE: ServicePick = [/户政/, /户籍证明开具/];

/** The urgent missing-person report (help services). */
export const MISSING_PERSON_REPORT: ServicePick = [/求助服务/, /失联人员查找求助/];

/** The kiosk's three languages, by the button that switches to each. */
export const KIOSK_LANGUAGES = [
  { locale: 'zh-CN', button: '简体中文' },
  { locale: 'zh-HK', button: '繁體中文' },
  { locale: 'en', button: 'English' },
] as const;

/** The two screen shapes kiosks are built with. */
export const SCREEN_ORIENTATIONS = [
  { name: 'portrait', viewport: { width: 1080, height: 1920 } },
  { name: 'landscape', viewport: { width: 1920, height: 1080 } },
] as const;

/** Waits until every font face the page asked for has loaded (no fallback glyphs in a picture). */
export async function fontsReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // Page-side types: this project's Node typings have no DOM.
    await (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts
      .ready;
  });
}

/** From a fresh page: start, choose the services, and arrive at the card step. */
export async function startVisit(page: Page, kioskUrl: string, picks: readonly ServicePick[]): Promise<void> {
  await page.goto(kioskUrl);
  await page.getByRole('button', { name: '点击开始办理' }).tap();
  await chooseServices(page, picks);
}

/** Places a card on the (simulated) reader and waits for the citizen to be asked to check it. */
export async function placeCard(
  page: Page,
  sim: { placeCard(fixture: string): boolean },
  fixture = 'resident',
): Promise<void> {
  sim.placeCard(fixture);
  await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
}

/** On the face check's consent screen: takes the officer-review route and goes on to the forms. */
export async function declineFaceCheck(page: Page): Promise<void> {
  await page.getByRole('button', { name: '不进行人脸核验，由民警人工核验' }).tap();
  await page.getByRole('button', { name: '继续填写' }).tap();
}

/**
 * Places the card, checks it, and arrives at the form; a face check on the way (services that ask for one) is
 * declined — the face check's own tests go through it.
 */
export async function readCardToForm(
  page: Page,
  sim: { placeCard(fixture: string): boolean },
): Promise<void> {
  await placeCard(page, sim);
  await page.getByRole('button', { name: '下一步' }).tap();
  const face = page.getByRole('heading', { name: '人脸核验' });
  const form = page.getByRole('heading', { name: '请填写办理信息' });
  await expect(face.or(form)).toBeVisible();
  if (await face.isVisible()) await declineFaceCheck(page);
  await expect(form).toBeVisible();
}

/**
 * The screen in each language, compared with its baseline; ends in Simplified Chinese again. `unmaskedDir`, when
 * given, also gets each picture without the masks (for a person to look at what the masks hide).
 */
export async function compareInEveryLanguage(
  page: Page,
  screen: string,
  orientation: string,
  mask: (page: Page) => Locator[] = () => [],
  unmaskedDir?: string,
): Promise<void> {
  for (const { locale, button } of KIOSK_LANGUAGES) {
    await page.getByRole('button', { name: button }).tap();
    await expect(page.locator(`.lang-switch button[lang="${locale}"]`)).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await fontsReady(page);
    await expect(page).toHaveScreenshot(`${screen}-${locale}-${orientation}.png`, {
      mask: mask(page),
      maxDiffPixels: 20,
    });
    if (unmaskedDir) await page.screenshot({ path: `${unmaskedDir}/${screen}-${locale}-${orientation}.png` });
  }
  await page.getByRole('button', { name: '简体中文' }).tap();
}

/**
 * A household certificate from the attract screen to the end screen by taps (the face check declined, purpose
 * 就业); the number shown once the police system has it.
 */
export async function submitHouseholdCertificate(
  page: Page,
  kioskUrl: string,
  sim: { placeCard(fixture: string): boolean },
): Promise<string> {
  await startVisit(page, kioskUrl, [HOUSEHOLD_CERTIFICATE]);
  sim.placeCard('resident');
  await page.getByRole('button', { name: '下一步' }).tap();
  await declineFaceCheck(page);
  await page.getByRole('radio', { name: '就业' }).tap();
  await page.getByRole('button', { name: '提交办理' }).tap();
  await expect(page.getByRole('heading', { name: '已提交至公安业务系统' })).toBeVisible();
  return (await page.locator('.txn-number').textContent()) ?? '';
}
