/**
 * The certificate photo screens against their baselines, in three languages, portrait (1080×1920) and landscape
 * (1920×1080), as screens.spec.ts does for the other citizen screens: the consent, the shot to check (masked:
 * it is cut from a live frame), and the two outcomes; the live preview is in photo-capture-screens.spec.ts.
 * Unmasked copies go to test-results/photo-screens/ for a person to look at.
 */
import path from 'node:path';
import { compareInEveryLanguage, SCREEN_ORIENTATIONS } from './citizen.js';
import { cameraLaunch, toPhotoConsent } from './face-steps.js';
import { expect, test } from './kiosk-fixture.js';

const UNMASKED = path.resolve('test-results/photo-screens');

test.use({ hasTouch: true, launchOptions: cameraLaunch('photo-studio') });

test.describe('certificate photo screens, a sitter before a light backdrop', () => {
  for (const orientation of SCREEN_ORIENTATIONS) {
    test(`consent, shot to check, saved and declined (${orientation.name}, 3 languages)`, async ({
      page,
      kiosk,
    }) => {
      test.setTimeout(300_000);
      await toPhotoConsent(page, kiosk, orientation.viewport);
      await compareInEveryLanguage(page, 'photo-consent', orientation.name, () => [], UNMASKED);
      await page.getByRole('button', { name: '同意，开始拍摄证件照' }).tap();
      await expect(page.getByRole('heading', { name: '请确认照片' })).toBeVisible({ timeout: 120_000 });
      await compareInEveryLanguage(
        page,
        'photo-check',
        orientation.name,
        (p) => [p.locator('.photo-shot')],
        UNMASKED,
      );
      await page.getByRole('button', { name: '使用这张照片' }).tap();
      await expect(page.getByText('证件照已保存，将随申请一并提交。')).toBeVisible({ timeout: 30_000 });
      await compareInEveryLanguage(page, 'photo-saved', orientation.name, () => [], UNMASKED);

      await page.getByRole('button', { name: '取消办理' }).tap();
      kiosk.sim.removeCard();
      await toPhotoConsent(page, kiosk, orientation.viewport);
      await page.getByRole('button', { name: '不在本机拍照' }).tap();
      await expect(page.getByText('本机未拍摄、未保存照片。')).toBeVisible();
      await compareInEveryLanguage(page, 'photo-declined', orientation.name, () => [], UNMASKED);
    });
  }
});
