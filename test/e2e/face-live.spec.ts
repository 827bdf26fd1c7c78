/**
 * The face check with a blinking picture as the camera: the blink challenge is performed, the face matches the
 * card photo, and the check is verified. A clip that turns its head cannot be made from the test stills (see
 * test/support/face-clips.ts), so the turn challenges are proven by the unit tests of the rules only.
 */
import {
  cameraLaunch,
  expectNothingOfTheFaceLeft,
  submitAndFinish,
  toFaceCheck,
  withCollinsCard,
} from './face-steps.js';
import { expect, test } from './kiosk-fixture.js';

test.use({ hasTouch: true, launchOptions: cameraLaunch('blink') });

test.describe('face check with a blinking picture as the camera', () => {
  test.setTimeout(240_000);

  test('the blink challenge is performed and the face matches the card photo: verified', async ({
    page,
    kiosk,
  }) => {
    // The challenge is drawn at random; this clip can only blink, so the draw is pinned to "blink" (the
    // page's CSPRNG answers 0 for the one-word draw; nothing else on the face screen asks for one word).
    await page.addInitScript({
      content: `{
        const real = crypto.getRandomValues.bind(crypto);
        crypto.getRandomValues = (a) => (a instanceof Uint32Array && a.length === 1 ? a.fill(0) : real(a));
      }`,
    });
    await withCollinsCard(page);
    await toFaceCheck(page, kiosk);
    await page.getByRole('button', { name: '同意并开始人脸核验' }).tap();
    await expect(page.locator('.face-guide')).toHaveText('请慢慢眨一下眼', { timeout: 120_000 });
    await expect(page.getByText('人脸核验通过。')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: '继续填写' }).tap();
    await submitAndFinish(page);
    await expectNothingOfTheFaceLeft(page, kiosk.core.store.dataDir);
  });
});
