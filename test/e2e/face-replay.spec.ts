/**
 * The face check with a looping video of the face blinking as the camera (a replay): the draw is pinned to
 * "blink, then turn left", the sequence that suits a blinking loop best — it performs the blink — yet each of
 * the three attempts fails (the loop never turns, and blinks again while the turn is asked), and the citizen is
 * led to the officer-review route, which completes the visit. Before the two-challenge rules, the same pin drew
 * "blink" alone, and this loop passed it.
 */
import {
  cameraLaunch,
  expectNothingOfTheFaceLeft,
  startPinnedFaceCheck,
  submitAndFinish,
} from './face-steps.js';
import { expect, test } from './kiosk-fixture.js';
import { chromiumProcesses, resident } from '../support/chromium-memory.js';

test.use({ hasTouch: true, launchOptions: cameraLaunch('blink-loop') });

test.describe('face check with a looping blinking video as the camera', () => {
  test.setTimeout(300_000);

  test('every attempt fails, and the citizen is offered officer review; the visit completes', async ({
    page,
    kiosk,
  }) => {
    await startPinnedFaceCheck(page, kiosk);
    // The page's renderer process: camera frames the check reads must not pile up in its shared memory (each
    // one a 640×480 RGBA copy; drawn into a canvas, Chromium kept them until a limit of hundreds of MB).
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser');
    const browserCdp = await browser.newBrowserCDPSession();
    const sharedMemory = async (): Promise<number> =>
      resident((await chromiumProcesses(browserCdp)).renderer).shmem / 1_048_576;
    let sharedAtStart = Number.NaN;
    for (const attempt of [1, 2, 3]) {
      // The sequence is drawn and its first prompt shown (the loop can blink)…
      await expect(page.locator('.face-guide')).toHaveText('请慢慢眨一下眼', { timeout: 120_000 });
      if (attempt === 1) sharedAtStart = await sharedMemory();
      if (attempt < 3) {
        // …but the attempt fails, and another is offered.
        await expect(page.getByText(`未能核验成功（第 ${attempt} 次，共 3 次）。`)).toBeVisible({
          timeout: 60_000,
        });
        await page.getByRole('button', { name: '再试一次' }).tap();
      }
    }
    // After the third failure the core sends the visit to officer review, and the screen says so.
    await expect(page.getByText('人脸核验未完成。业务将照常提交，由民警人工核验您的身份。')).toBeVisible({
      timeout: 60_000,
    });
    // Three attempts read well over a hundred frames (over 120 MB if each stayed); the camera's own buffers
    // are allocated before the first prompt.
    const sharedGrowth = (await sharedMemory()) - sharedAtStart;
    expect(sharedGrowth, `renderer shared memory grew ${sharedGrowth.toFixed(1)} MB`).toBeLessThan(32);
    await browserCdp.detach();
    await expect(page.getByText('人脸核验通过。')).toHaveCount(0);
    await page.getByRole('button', { name: '继续填写' }).tap();
    await submitAndFinish(page);
    await expectNothingOfTheFaceLeft(page, kiosk.core.store.dataDir);
  });
});
