/**
 * The face check with a still picture as the camera (a replayed photo): the consent screen offers the
 * officer-review route beside the check; the still passes the quality gates, so two challenges are drawn and
 * the first is asked, but it cannot perform it and the attempt fails; declining then leads on to the forms, never to a dead end; and
 * after the visit nothing of a face is left in the page, its storage or the kiosk's data directory.
 */
import {
  cameraLaunch,
  expectNothingOfTheFaceLeft,
  identityChecksAtCentral,
  submitAndFinish,
  toFaceCheck,
  withCollinsCard,
} from './face-steps.js';
import { expect, test } from './kiosk-fixture.js';

test.use({ hasTouch: true, launchOptions: cameraLaunch('still') });

test.describe('face check with a still picture as the camera', () => {
  test.setTimeout(240_000);

  test('the still passes the quality gates but fails the live challenge; declining leads on to the forms', async ({
    page,
    kiosk,
  }) => {
    await withCollinsCard(page);
    await toFaceCheck(page, kiosk);
    await page.getByRole('button', { name: '同意并开始人脸核验' }).tap();

    // The still passes the quality gates, so the first challenge of the drawn pair is shown and spoken…
    await expect(page.getByLabel('摄像头画面')).toBeVisible({ timeout: 120_000 });
    await expect(page.locator('.face-guide')).toHaveText(/请慢慢眨一下眼|请慢慢向左转头|请慢慢向右转头/, {
      timeout: 90_000,
    });
    // …but a picture cannot perform it: the attempt fails, and the citizen may try again or decline.
    await expect(page.getByText('未能核验成功（第 1 次，共 3 次）。')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('button', { name: '再试一次' })).toBeVisible();
    await page.getByRole('button', { name: '不进行人脸核验，由民警人工核验' }).tap();
    await expect(page.getByText('人脸核验未完成。业务将照常提交，由民警人工核验您的身份。')).toBeVisible();
    await page.getByRole('button', { name: '继续填写' }).tap();
    const number = await submitAndFinish(page);
    await expectNothingOfTheFaceLeft(page, kiosk.core.store.dataDir);
    // Declined: the transaction reaches the central server marked for an officer's review of the identity.
    expect(await identityChecksAtCentral(kiosk, number)).toEqual(['officer-review']);
  });
});
