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
import { blinkClip, scriptedClip, stillClip } from '../support/face-clips.js';
import { photoCameraPicture } from '../support/photo-frames.js';
import { encodeY4m } from '../support/y4m.js';
import { idCardJpeg } from '../support/face-variants.js';
import { createCentralAdminClient } from '../../main/services/central/client.js';
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
 * The camera clips of the face tests (see test/support/face-clips.ts): the still portrait; the portrait
 * blinking in a loop (eyes open 3 s, shut 1 s); and the portrait performing "blink, then turn left" — 3 s
 * still, a 1 s blink, 1 s still, a 1.4 s turn to the left and back — looped. Its only still stretch long enough
 * for the steady moment (1.5 s) is the one before the blink, so the prompts come where the clip expects them.
 * And for the certificate photo, a sitter before a light studio backdrop or a dark wall
 * (test/support/photo-frames.ts), one frame.
 */
const CLIPS = {
  still: (): Uint8Array => stillClip(),
  'blink-loop': (): Uint8Array => blinkClip(3000, 1000),
  'blink-then-left': (): Uint8Array =>
    scriptedClip([
      { motion: 'still', ms: 3000 },
      { motion: 'blink', ms: 1000 },
      { motion: 'still', ms: 1000 },
      { motion: 'turn-left', ms: 1400 },
    ]),
  'photo-studio': (): Uint8Array => encodeY4m([photoCameraPicture('studio')], 10),
  'photo-dark': (): Uint8Array => encodeY4m([photoCameraPicture('dark')], 10),
} as const;

/** Chromium with a fake camera showing one of the {@link CLIPS} (looped). */
export function cameraLaunch(clip: keyof typeof CLIPS): { executablePath: string; args: string[] } {
  const file = clipFile(`collins-${clip}.y4m`, CLIPS[clip]());
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

/**
 * Pins the page's draws of the liveness challenges: every one-word `crypto.getRandomValues` answers 0, so the
 * sequence is "blink, then turn left" and the pause before the first prompt is 0 ms (nothing else on the face
 * screen asks for one word). Before the two-challenge rules, the same pin drew the single challenge "blink".
 */
export async function pinChallengeDraw(page: Page): Promise<void> {
  await page.addInitScript({
    content: `{
      const real = crypto.getRandomValues.bind(crypto);
      crypto.getRandomValues = (a) => (a instanceof Uint32Array && a.length === 1 ? a.fill(0) : real(a));
    }`,
  });
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

/**
 * From a fresh page through the consent to the camera, with the card photo swapped for the fake camera's person
 * and the liveness draw pinned to "blink, then turn left" ({@link pinChallengeDraw}).
 */
export async function startPinnedFaceCheck(page: Page, kiosk: KioskUnderTest): Promise<void> {
  await pinChallengeDraw(page);
  await withCollinsCard(page);
  await toFaceCheck(page, kiosk);
  await page.getByRole('button', { name: '同意并开始人脸核验' }).tap();
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
export async function submitAndFinish(page: Page): Promise<string> {
  await expect(page.getByRole('heading', { name: '请填写办理信息' })).toBeVisible();
  await page.getByRole('radio', { name: '就业' }).tap();
  await page.getByRole('button', { name: '提交办理' }).tap();
  await expect(page.getByRole('button', { name: '完成' })).toBeVisible({ timeout: 30_000 });
  const number = (await page.locator('.txn-number').textContent()) ?? '';
  expect(number).toMatch(/^JW-\d{8}-\d{6}$/);
  await page.getByRole('button', { name: '完成' }).tap();
  await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
  return number;
}

/**
 * The identity check recorded on each service of the transaction as the central server stored it, read back
 * with the administrator's token once the kiosk has uploaded it (waits up to 30 s).
 */
export async function identityChecksAtCentral(kiosk: KioskUnderTest, number: string): Promise<unknown[]> {
  const admin = createCentralAdminClient({ baseUrl: kiosk.central.url, token: 'e2e-admin' });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reply = await admin.transactions(number);
    if (reply.ok) {
      const [stored] = reply.value.items;
      return (stored?.transaction.services ?? []).map((service) => service.form.identityCheck);
    }
    if (reply.error.status !== 404 || Date.now() > deadline)
      throw new Error(`transaction ${number} not readable at the central server: ${reply.error.message}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
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
