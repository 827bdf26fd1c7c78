/**
 * Steps of the face check's end-to-end tests: Chromium with a fake camera fed from a clip made of the test
 * portraits, the card photo swapped for an ID-style photo of the same person, the taps to the consent screen and
 * from the forms to the end, and the search for anything of a face left after the visit.
 *
 * Simulated cards carry a silhouette, not a face, so the card photo the page receives is swapped (in the
 * WebSocket messages, test side only) for an ID-style photo of the person in front of the fake camera.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS } from '../support/chromium.js';
import { blinkClip, stillClip } from '../support/face-clips.js';
import { photoCameraPicture, type Backdrop } from '../support/photo-frames.js';
import { encodeY4m } from '../support/y4m.js';
import { idCardJpeg } from '../support/face-variants.js';
import { declineFaceCheck, placeCard, startVisit } from './citizen.js';
import { expect, type KioskUnderTest } from './kiosk-fixture.js';

/** Writes a camera clip to a new file (before the browser starts: launch options are read at launch). */
function clipFile(name: string, bytes: Uint8Array): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'booth-face-e2e-')), name);
  writeFileSync(file, bytes);
  return file;
}

const cardPhoto = `data:image/jpeg;base64,${Buffer.from(idCardJpeg('collins')).toString('base64')}`;

/**
 * Chromium with a fake camera showing a clip (looped): `still` or `blink` (see test/support/face-clips.ts), or
 * a certificate photo sitter before a backdrop (`photo-studio`, `photo-dark`: test/support/photo-frames.ts).
 */
export function cameraLaunch(clip: 'still' | 'blink' | `photo-${Backdrop}`): {
  executablePath: string;
  args: string[];
} {
  const file =
    clip === 'still'
      ? clipFile('collins-still.y4m', stillClip())
      : clip === 'blink'
        ? clipFile('collins-blink.y4m', blinkClip())
        : clipFile(
            `${clip}.y4m`,
            encodeY4m(
              [
                photoCameraPicture(
                  clip === 'photo-studio' ? 'studio' : clip === 'photo-dark' ? 'dark' : 'cluttered',
                ),
              ],
              10,
            ),
          );
  return {
    executablePath: CHROMIUM_EXECUTABLE,
    args: [
      ...CHROMIUM_TEST_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${file}`,
    ],
  };
}

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

/** Swaps the card photos the core sends for an ID-style photo of the person the fake camera shows. */
export async function withCollinsCard(page: Page): Promise<void> {
  await page.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (typeof message !== 'string') return ws.send(message);
      ws.send(JSON.stringify(swapPhoto(JSON.parse(message))));
    });
  });
}

/** From a fresh page to the face check's consent, for 户籍证明开具 (a service that asks for a face check). */
export async function toFaceCheck(page: Page, kiosk: KioskUnderTest): Promise<void> {
  await startVisit(page, kiosk.host.kioskUrl, [[/户政/, /户籍证明开具/]]);
  await placeCard(page, kiosk.sim);
  await page.getByRole('button', { name: '下一步' }).tap();
  // Consent, with the non-biometric route on the same screen.
  await expect(page.getByRole('heading', { name: '人脸核验' })).toBeVisible();
  await expect(page.getByRole('button', { name: '不进行人脸核验，由民警人工核验' })).toBeVisible();
}

const PERMIT: readonly [RegExp, RegExp] = [/出入境/, /往来港澳通行证申领/];

/**
 * From a fresh page to the photo's consent (at `viewport`'s size when given): the permit chosen, the card read,
 * the face check declined.
 */
export async function toPhotoConsent(
  page: Page,
  kiosk: KioskUnderTest,
  viewport?: { width: number; height: number },
): Promise<void> {
  if (viewport) await page.setViewportSize(viewport);
  await startVisit(page, kiosk.host.kioskUrl, [PERMIT]);
  await placeCard(page, kiosk.sim);
  await page.getByRole('button', { name: '下一步' }).tap();
  await expect(page.getByRole('heading', { name: '人脸核验' })).toBeVisible();
  await declineFaceCheck(page);
  await expect(page.getByRole('heading', { name: '证件照拍摄' })).toBeVisible();
  // Its own consent, saying the photo is stored with the application, with the counter route beside it.
  await expect(page.getByText(/这张照片将随申请一并提交，并保存在您的业务记录中/)).toBeVisible();
  await expect(page.getByText(/到出入境接待窗口补交照片/)).toBeVisible();
}

/** The forms, submitted, and the visit finished. */
export async function submitAndFinish(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: '请填写办理信息' })).toBeVisible();
  await page.getByRole('radio', { name: '就业' }).tap();
  await page.getByRole('button', { name: '提交办理' }).tap();
  await expect(page.getByRole('button', { name: '完成' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: '完成' }).tap();
  await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
}

/** Fails the test if the page, its storage or the kiosk's data directory holds anything of a face. */
export async function expectNothingOfTheFaceLeft(page: Page, dataDir: string): Promise<void> {
  // No camera picture, and no drawn photo (the certificate photo's preview is a canvas).
  expect(await page.locator('video, canvas').count()).toBe(0);
  const html = await page.content();
  // A string expression: the page's storage, read in the page (this file has no DOM types).
  const storage = String(await page.evaluate('JSON.stringify([{ ...localStorage }, { ...sessionStorage }])'));
  for (const text of [html, storage])
    expect(text).not.toMatch(/data:image|blob:|\/9j\/|embedding|descriptor/i);
  // The store, its WAL and the logs: sealed rows hide a consented certificate photo; plain files would not.
  for (const file of filesUnder(dataDir)) {
    const bytes = readFileSync(file);
    for (const marker of ['data:image', 'embedding', 'JFIF', 'YUV4MPEG2'])
      expect(bytes.includes(marker), `${marker} in ${file}`).toBe(false);
  }
}
