/**
 * The face check with a clip that performs "blink, then turn left" as the camera — the turn made by warping
 * the portrait's own 3D face mesh (test/support/face-turn.ts), read by the model as a turn of about 23°: with
 * the draw pinned to that sequence, both prompts are shown in turn, both motions are seen after their prompts,
 * the face matches the card photo (the core's decision, shown as 人脸核验通过), and the visit completes.
 */
import {
  cameraLaunch,
  expectNothingOfTheFaceLeft,
  identityChecksAtCentral,
  startPinnedFaceCheck,
  submitAndFinish,
} from './face-steps.js';
import { expect, test } from './kiosk-fixture.js';

test.use({ hasTouch: true, launchOptions: cameraLaunch('blink-then-left') });

test.describe('face check with a clip that performs the asked motions', () => {
  test.setTimeout(240_000);

  test('blink, then turn left, as asked: the challenges pass, the face matches, the visit is face-verified', async ({
    page,
    kiosk,
  }) => {
    await startPinnedFaceCheck(page, kiosk);
    await expect(page.locator('.face-guide')).toHaveText('请慢慢眨一下眼', { timeout: 120_000 });
    await expect(page.locator('.face-step')).toHaveText('第 1 个动作，共 2 个');
    await expect(page.locator('.face-guide')).toHaveText('请慢慢向左转头，再转回来', { timeout: 30_000 });
    await expect(page.locator('.face-step')).toHaveText('第 2 个动作，共 2 个');
    await expect(page.getByText('人脸核验通过。')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: '继续填写' }).tap();
    const number = await submitAndFinish(page);
    await expectNothingOfTheFaceLeft(page, kiosk.core.store.dataDir);
    // The central server holds the outcome, not the face: the transaction says the identity was face-verified.
    expect(await identityChecksAtCentral(kiosk, number)).toEqual(['face-verified']);
  });
});
