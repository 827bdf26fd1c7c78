/**
 * The certificate photo's live preview against its baselines, in three languages, portrait and landscape: the
 * outline and the guidance, with a dark wall behind the sitter so the guidance holds still (the camera picture
 * itself is masked). Unmasked copies go to test-results/photo-screens/.
 */
import path from 'node:path';
import { compareInEveryLanguage, SCREEN_ORIENTATIONS } from './citizen.js';
import { cameraLaunch, toPhotoConsent } from './face-steps.js';
import { expect, test } from './kiosk-fixture.js';
import { recordSpeech, spoken } from './speech.js';

const UNMASKED = path.resolve('test-results/photo-screens');

test.use({ hasTouch: true, launchOptions: cameraLaunch('photo-dark') });

test.describe('certificate photo screens, a sitter before a dark wall', () => {
  for (const orientation of SCREEN_ORIENTATIONS) {
    test(`live preview with outline and guidance (${orientation.name}, 3 languages)`, async ({
      page,
      kiosk,
    }) => {
      test.setTimeout(300_000);
      await recordSpeech(page);
      await toPhotoConsent(page, kiosk, orientation.viewport);
      await page.getByRole('button', { name: '同意，开始拍摄证件照' }).tap();
      // The dark wall is what the checks find, so this guidance stays while the picture is taken.
      await expect(page.locator('.face-guide')).toHaveText('背景太暗，请站在浅色纯色背景前', {
        timeout: 120_000,
      });
      expect(await spoken(page)).toContain('背景太暗，请站在浅色纯色背景前');
      await compareInEveryLanguage(
        page,
        'photo-capture',
        orientation.name,
        (p) => [p.locator('video')],
        UNMASKED,
      );
    });
  }
});
