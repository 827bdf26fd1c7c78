/**
 * The certificate photo of the HK/Macao permit application, with Chromium's fake camera showing a person before
 * a light studio backdrop: the citizen taps through the consent, the kiosk takes the shot by itself once every
 * check passes, the citizen retakes it once, uses it and finishes; the stored transaction holds a 358×441 JPEG
 * (sealed) and nothing of it is left in the page, its storage or the data directory's plain files. And the
 * decline path: the catalog's counter alternative is said, the visit goes on, and no photo is stored.
 */
import jpeg from 'jpeg-js';
import type { Page } from '@playwright/test';
import { jpegSize } from '../../main/services/face/photo.js';
import { TransactionService } from '../../main/services/transactions/transactions.js';
import type { TransactionPayload } from '../../contract/central-api.js';
import { cameraLaunch, expectNothingOfTheFaceLeft, toPhotoConsent } from './face-steps.js';
import { expect, test, type KioskUnderTest } from './kiosk-fixture.js';
import { recordSpeech, spoken } from './speech.js';

test.use({ hasTouch: true, launchOptions: cameraLaunch('photo-studio') });

/** The form filled, submitted, the visit finished; the stored transaction's payload (unsealed). */
async function submitPermit(page: Page, kiosk: KioskUnderTest): Promise<TransactionPayload> {
  await expect(page.getByRole('heading', { name: '请填写办理信息' })).toBeVisible();
  await page.getByRole('radio', { name: '首次申领' }).tap();
  await page.getByRole('button', { name: '提交办理' }).tap();
  // The central server took the transaction (the photo inside it passes the upload contract).
  await expect(page.getByRole('heading', { name: '已提交至公安业务系统' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: '完成' }).tap();
  await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
  const row = await kiosk.core.store.db.get<{ id: string }>(
    'SELECT id FROM transactions ORDER BY completed_at DESC LIMIT 1',
  );
  if (!row) throw new Error('no transaction stored');
  return new TransactionService(kiosk.core.store).payload(row.id, 'e2e-kiosk');
}

test.describe('certificate photo', () => {
  test.setTimeout(300_000);

  test('consent, automatic shot, retake, use: the transaction holds a 358×441 JPEG and nothing is left', async ({
    page,
    kiosk,
  }) => {
    await recordSpeech(page);
    await toPhotoConsent(page, kiosk);
    await page.getByRole('button', { name: '同意，开始拍摄证件照' }).tap();
    // The preview with its outline and guidance; the shot is taken by itself once every check passes.
    await expect(page.getByLabel('摄像头画面')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByRole('heading', { name: '请确认照片' })).toBeVisible({ timeout: 120_000 });
    await expect(page.getByRole('img', { name: '拍摄的证件照' })).toBeVisible();
    // The guidance was said aloud as well as shown.
    expect(await spoken(page)).toContain('很好，请保持不动，正在拍照');
    await page.getByRole('button', { name: '重拍' }).tap();
    await expect(page.getByRole('heading', { name: '请确认照片' })).toBeVisible({ timeout: 120_000 });
    await page.getByRole('button', { name: '使用这张照片' }).tap();
    await expect(page.getByText('证件照已保存，将随申请一并提交。')).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: '继续填写' }).tap();

    const payload = await submitPermit(page, kiosk);
    const photo = payload.certificatePhoto;
    if (!photo) throw new Error('the transaction has no certificate photo');
    expect(photo).toMatchObject({
      serviceIds: ['hk-macao-permit-application'],
      mediaType: 'image/jpeg',
      width: 358,
      height: 441,
    });
    const bytes = Buffer.from(photo.data, 'base64');
    expect(jpegSize(bytes)).toEqual({ width: 358, height: 441 });
    const decoded = jpeg.decode(bytes, { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([358, 441]);
    expect(payload.services[0]?.form).toMatchObject({ certificatePhoto: 'provided' });
    await expectNothingOfTheFaceLeft(page, kiosk.core.store.dataDir);
  });

  test('declining says where to bring a photo instead, and the visit goes on without one', async ({
    page,
    kiosk,
  }) => {
    await toPhotoConsent(page, kiosk);
    await page.getByRole('button', { name: '不在本机拍照' }).tap();
    await expect(page.getByText('本机未拍摄、未保存照片。')).toBeVisible();
    await expect(page.getByText(/到出入境接待窗口补交照片/)).toBeVisible();
    await page.getByRole('button', { name: '继续填写' }).tap();
    const payload = await submitPermit(page, kiosk);
    expect(payload.certificatePhoto).toBeUndefined();
    expect(payload.services[0]?.form).toMatchObject({ certificatePhoto: 'declined' });
    await expectNothingOfTheFaceLeft(page, kiosk.core.store.dataDir);
  });
});
