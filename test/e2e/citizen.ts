/**
 * What a citizen does again and again in the e2e tests, by taps only: choose services, have the card read, reach
 * the form. Texts are the Simplified Chinese interface's, as a first-time citizen sees it.
 */
import type { Page } from '@playwright/test';
import { expect } from './kiosk-fixture.js';

/** A service as the citizen finds it: its category tab, then its card. */
export type ServicePick = readonly [category: RegExp, service: RegExp];

/** Chooses each service on the choose screen (already shown) and taps "next". */
export async function chooseServices(page: Page, picks: readonly ServicePick[]): Promise<void> {
  for (const [category, service] of picks) {
    await page.getByRole('tab', { name: category }).click();
    await page.getByRole('tabpanel').getByRole('button', { name: service }).click();
  }
  await page.getByRole('button', { name: '下一步' }).click();
}

/** From a fresh page: start, choose the services, and arrive at the card step. */
export async function startVisit(page: Page, kioskUrl: string, picks: readonly ServicePick[]): Promise<void> {
  await page.goto(kioskUrl);
  await page.getByRole('button', { name: '点击开始办理' }).click();
  await chooseServices(page, picks);
}

/** Places a card on the (simulated) reader and waits for the citizen to be asked to check it. */
export async function placeCard(
  page: Page,
  sim: { placeCard(fixture: string): boolean },
  fixture = 'resident',
): Promise<void> {
  sim.placeCard(fixture);
  await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
}

/** On the face check's consent screen: takes the officer-review route and goes on to the forms. */
export async function declineFaceCheck(page: Page): Promise<void> {
  await page.getByRole('button', { name: '不进行人脸核验，由民警人工核验' }).click();
  await page.getByRole('button', { name: '继续填写' }).click();
}

/**
 * Places the card, checks it, and arrives at the form; a face check on the way (services that ask for one) is
 * declined — the face check's own tests go through it.
 */
export async function readCardToForm(
  page: Page,
  sim: { placeCard(fixture: string): boolean },
): Promise<void> {
  await placeCard(page, sim);
  await page.getByRole('button', { name: '下一步' }).click();
  const face = page.getByRole('heading', { name: '人脸核验' });
  const form = page.getByRole('heading', { name: '请填写办理信息' });
  await expect(face.or(form)).toBeVisible();
  if (await face.isVisible()) await declineFaceCheck(page);
  await expect(form).toBeVisible();
}
