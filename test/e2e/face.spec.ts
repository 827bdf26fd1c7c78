/**
 * The face check in system Chromium with a fake camera fed from a still picture (a Y4M file made from the
 * test portraits): the consent screen offers the officer-review route beside the check; a still picture
 * held to the camera passes the quality gates but fails the live challenge; declining leads on to the forms,
 * never to a dead end; and after the visit no image data or descriptor is left in the page, its storage, the
 * kiosk's data directory or its logs.
 *
 * Simulated cards carry a silhouette, not a face, so the card photo the page receives is swapped (in the
 * WebSocket messages, test side only) for an ID-style photo of the person in front of the fake camera.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS } from '../support/chromium.js';
import { idCardJpeg, liveFrame } from '../support/face-variants.js';
import { encodeY4m, fitFrame } from '../support/y4m.js';
import { expect, test } from './kiosk-fixture.js';

// The camera file must exist before the browser starts (launch options are read at launch).
const work = mkdtempSync(path.join(tmpdir(), 'booth-face-e2e-'));
const stillCamera = path.join(work, 'collins-still.y4m');
writeFileSync(stillCamera, encodeY4m([fitFrame(liveFrame('collins'), 640, 480)], 10));
const cardPhoto = `data:image/jpeg;base64,${Buffer.from(idCardJpeg('collins')).toString('base64')}`;

test.use({
  launchOptions: {
    executablePath: CHROMIUM_EXECUTABLE,
    args: [
      ...CHROMIUM_TEST_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${stillCamera}`,
    ],
  },
});

/** Replaces every card photo in a JSON message from the core. */
function swapPhoto(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(swapPhoto);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = k === 'photo' && typeof v === 'string' ? cardPhoto : swapPhoto(v);
    return out;
  }
  return value;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test.describe('face check', () => {
  test.setTimeout(240_000);

  test('a still picture held to the camera fails the live challenge; declining leads on to the forms', async ({
    page,
    kiosk,
  }) => {
    await page.routeWebSocket(/.*/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (typeof message !== 'string') return ws.send(message);
        ws.send(JSON.stringify(swapPhoto(JSON.parse(message))));
      });
    });
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '点击开始办理' }).click();
    await page.getByRole('tab', { name: /户政/ }).click();
    await page
      .getByRole('tabpanel')
      .getByRole('button', { name: /户籍证明开具/ })
      .click();
    await page.getByRole('button', { name: '下一步' }).click();
    kiosk.sim.placeCard('resident');
    await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await page.getByRole('button', { name: '下一步' }).click();

    // Consent, with the non-biometric route on the same screen.
    await expect(page.getByRole('heading', { name: '人脸核验' })).toBeVisible();
    await expect(page.getByRole('button', { name: '不进行人脸核验，由民警人工核验' })).toBeVisible();
    await page.getByRole('button', { name: '同意并开始人脸核验' }).click();

    // The still passes the quality gates, so a challenge is drawn and spoken…
    await expect(page.getByLabel('摄像头画面')).toBeVisible({ timeout: 120_000 });
    await expect(page.locator('.face-guide')).toHaveText(/请眨眨眼|请慢慢向左转头|请慢慢向右转头/, {
      timeout: 90_000,
    });
    // …but a picture cannot perform it: the attempt fails, and the citizen may try again or decline.
    await expect(page.getByText('未能核验成功（第 1 次，共 3 次）。')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: '不进行人脸核验，由民警人工核验' }).click();
    await expect(page.getByText('人脸核验未完成。业务将照常提交，由民警人工核验您的身份。')).toBeVisible();
    await page.getByRole('button', { name: '继续填写' }).click();
    await expect(page.getByRole('heading', { name: '请填写办理信息' })).toBeVisible();
    await page.getByRole('radio', { name: '就业' }).check();
    await page.getByRole('button', { name: '提交办理' }).click();
    await expect(page.getByRole('heading', { name: '办理完成' })).toBeVisible();
    await page.getByRole('button', { name: '完成' }).click();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();

    // Nothing of the face check is left: no image data or descriptor in the page or its storage…
    expect(await page.locator('video').count()).toBe(0);
    const html = await page.content();
    // A string expression: the page's storage, read in the page (this file has no DOM types).
    const storage = String(
      await page.evaluate('JSON.stringify([{ ...localStorage }, { ...sessionStorage }])'),
    );
    for (const text of [html, storage]) expect(text).not.toMatch(/data:image|embedding|descriptor/i);
    // …nor in the kiosk's data directory (store, WAL, logs).
    const dataDir = kiosk.core.store.dataDir;
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes('data:image'), file).toBe(false);
      expect(bytes.includes('embedding'), file).toBe(false);
      expect(bytes.includes('JFIF'), file).toBe(false);
    }
  });
});
