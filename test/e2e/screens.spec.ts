/**
 * Every citizen screen as a person sees it, compared with committed baselines: three languages, portrait
 * (1080×1920) and landscape (1920×1080), drawn with the font the kiosk ships. A DOM test cannot see a box
 * instead of a character, an overlap or a button pushed off the screen; a picture can.
 *
 * What changes from run to run (transaction numbers, QR codes, due times) is masked. The baselines live in
 * `screens.spec.ts-snapshots/`; after an intended change of the screens, regenerate them with
 * `npx playwright test --config test/e2e/playwright.config.ts screens.spec.ts --update-snapshots` and look at
 * every picture before committing it.
 */
import type { Locator, Page } from '@playwright/test';
import {
  chooseServices,
  compareInEveryLanguage,
  HOUSEHOLD_CERTIFICATE,
  declineFaceCheck,
  pickServices,
  readQr,
  SCREEN_ORIENTATIONS,
} from './citizen.js';
import { expect, test } from './kiosk-fixture.js';

// A kiosk has a touchscreen and no keyboard: the citizen taps.
test.use({ hasTouch: true });

const doneMasks = (page: Page): Locator[] => [
  page.locator('.txn-number'),
  page.locator('.tracking-number'),
  page.locator('.qr img'),
  page.locator('.promise-due'),
];

test.describe('every citizen screen against its baseline', () => {
  for (const orientation of SCREEN_ORIENTATIONS) {
    test(`attract, choose, card, check, form, done and progress (${orientation.name}, 3 languages)`, async ({
      page,
      kiosk,
    }) => {
      test.setTimeout(180_000);
      await page.setViewportSize(orientation.viewport);
      // A weekday morning on the page's clock: services with opening hours show as open whatever the hour the
      // suite runs at (their "outside opening hours" line changed the choose screen after 17:30 and before 08:30).
      await page.clock.setFixedTime(new Date(2026, 11, 1, 10, 0));
      await page.goto(kiosk.host.kioskUrl);
      await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
      await compareInEveryLanguage(page, 'attract', orientation.name);

      await page.getByRole('button', { name: '点击开始办理' }).tap();
      await pickServices(page, [HOUSEHOLD_CERTIFICATE]);
      await compareInEveryLanguage(page, 'choose', orientation.name);

      await chooseServices(page, []);
      await expect(page.getByRole('heading', { name: '请将身份证放在读卡区' })).toBeVisible();
      await compareInEveryLanguage(page, 'card', orientation.name);

      kiosk.sim.placeCard('resident');
      await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
      await compareInEveryLanguage(page, 'check', orientation.name);

      await page.getByRole('button', { name: '下一步' }).tap();
      // The service asks for a face check: its consent screen, then the officer-review route.
      await expect(page.getByRole('heading', { name: '人脸核验' })).toBeVisible();
      await compareInEveryLanguage(page, 'face', orientation.name);
      await declineFaceCheck(page);
      await expect(page.getByRole('heading', { name: '请填写办理信息' })).toBeVisible();
      await page.getByRole('radio', { name: '就业' }).tap();
      await compareInEveryLanguage(page, 'form', orientation.name);

      await page.getByRole('button', { name: '提交办理' }).tap();
      await expect(page.getByRole('heading', { name: '已提交至公安业务系统' })).toBeVisible();
      await expect(page.getByText('回执已打印，请取走回执。')).toBeVisible();
      const receiptQr = await readQr(page);
      await compareInEveryLanguage(page, 'done', orientation.name, doneMasks);

      await page.getByRole('button', { name: '完成' }).tap();
      await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
      kiosk.sim.removeCard();
      await kiosk.sim.scan(receiptQr);
      await expect(page.locator('.progress-result')).toContainText('公安业务系统已收到');
      // The "code recognised" banner goes by itself after a few seconds; the picture is of the screen after.
      await expect(page.locator('.scan-banner')).toHaveCount(0, { timeout: 15_000 });
      await compareInEveryLanguage(page, 'progress', orientation.name, (p) => [
        p.locator('.txn-number'),
        p.locator('.progress-result .completed-at'),
      ]);
    });
  }
});
