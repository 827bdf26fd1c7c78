import { expect, test, type KioskUnderTest } from './kiosk-fixture.js';
import {
  MISSING_PERSON_REPORT,
  placeCard,
  readQr,
  startVisit,
  submitHouseholdCertificate,
} from './citizen.js';
import {
  onScreenKeyboard,
  openMailboxForm,
  tapKeys,
  tapMissingPersonReport,
  tapStreetLightLetter,
} from './touch.js';

/** Waits until the simulated reader has seen the card go (so the next card is a new placement). */
function cardLifted(kiosk: KioskUnderTest): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the reader did not see the card go')), 5_000);
    const off = kiosk.core.devices.idCard.on('card-removed', () => {
      clearTimeout(timer);
      off();
      resolve();
    });
    kiosk.sim.removeCard();
  });
}

// A kiosk has a touchscreen and no keyboard: the citizen taps, and types on the on-screen keyboard.
test.use({ hasTouch: true });

test.describe('visit outcomes', () => {
  test('a missing-person report with the central system down says it has not arrived and to call 110, then that it arrived and waits for the command centre', async ({
    page,
    kiosk,
  }) => {
    test.setTimeout(120_000);
    await startVisit(page, kiosk.host.kioskUrl, [MISSING_PERSON_REPORT]);
    await placeCard(page, kiosk.sim);
    await expect(page.getByText('证件已读取完毕，您可以取走证件。')).toBeVisible();
    await page.getByRole('button', { name: '下一步' }).tap();

    // The central system goes unreachable before the report is sent.
    kiosk.central.setFaults(() => 'reset');
    // Everything typed on the on-screen keyboard; the choices are taps.
    await tapMissingPersonReport(page, '78');
    await page.getByRole('button', { name: '提交办理' }).tap();

    await expect(page.getByRole('heading', { name: '紧急报告尚未送达指挥中心' })).toBeVisible();
    const alert = page.locator('.urgent-alert');
    await expect(alert).toHaveAttribute('role', 'alert');
    await expect(alert).toContainText('指挥中心尚未收到');
    await expect(alert).toContainText('请立即拨打 110');
    await expect(alert).toContainText('呼叫民警');
    await expect(page.locator('body')).not.toContainText('办理完成');
    await expect(page.getByRole('heading', { name: '指挥中心已确认您的紧急报告' })).toHaveCount(0);
    // Promises ("an officer within 5 minutes") are not made for a report the command centre does not have.
    await expect(page.getByRole('heading', { name: '服务承诺' })).toHaveCount(0);
    // The same, plainly, in English.
    await page.getByRole('button', { name: 'English' }).tap();
    await expect(page.getByRole('heading', { name: 'Not yet received by the command centre' })).toBeVisible();
    await expect(alert).toContainText('Call 110 now');
    await page.getByRole('button', { name: '简体中文' }).tap();

    // Finish is not a stray tap away: it asks first, and "keep waiting" keeps the advice on screen.
    await page.getByRole('button', { name: '完成' }).tap();
    const confirm = page.getByRole('alertdialog', { name: '紧急报告尚未送达，确定要结束吗？' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: '继续等待' }).tap();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole('heading', { name: '紧急报告尚未送达指挥中心' })).toBeVisible();

    // The central system is back: the kiosk's retries get through and the screen says so by itself.
    kiosk.central.setFaults(undefined);
    // Received by the central system; no duty officer has acknowledged it, so the 110 advice stays.
    await expect(page.getByRole('heading', { name: '已送达公安业务系统，等待指挥中心确认' })).toBeVisible({
      timeout: 45_000,
    });
    await expect(alert).toContainText('正在等待指挥中心值班民警确认');
    await expect(alert).toContainText('请立即拨打 110');
    expect((await kiosk.central.stats()).urgent).toBe(1);
    // On a short landscape screen (1280×800) the way out shows beside the QR code, above the help bar,
    // without scrolling — in the longer English wording too.
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [language, finish] of [
      ['English', 'Finish'],
      ['简体中文', '完成'],
    ] as const) {
      await page.getByRole('button', { name: language }).tap();
      const button = await page.getByRole('button', { name: finish, exact: true }).boundingBox();
      const bar = await page.locator('footer.bottombar').boundingBox();
      expect(button).not.toBeNull();
      expect(bar).not.toBeNull();
      if (button && bar) expect(button.y + button.height).toBeLessThanOrEqual(bar.y);
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('button', { name: '完成' }).tap();
    await page
      .getByRole('alertdialog', { name: '指挥中心尚未确认，确定要结束吗？' })
      .getByRole('button', { name: '我已知晓，结束' })
      .tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    await expect(page.locator('body')).not.toContainText('李四');
  });

  test('scanning a receipt’s QR code at the kiosk opens that transaction’s progress', async ({
    page,
    kiosk,
  }) => {
    const number = await submitHouseholdCertificate(page, kiosk.host.kioskUrl, kiosk.sim);
    // The local central server is on loopback: the screen says a phone cannot open this link.
    await expect(page.getByText('此二维码链接仅在本机上有效')).toBeVisible();
    const url = await readQr(page);
    expect(url).toContain(`/progress/${number}?k=`);
    await page.getByRole('button', { name: '完成' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();

    // The citizen holds the receipt's QR code to the kiosk's scanner.
    await kiosk.sim.scan(url);
    await expect(page.getByRole('heading', { name: '办理进度' })).toBeVisible();
    const result = page.locator('.progress-result');
    await expect(result.locator('.txn-number')).toHaveText(number);
    await expect(result).toContainText('户籍证明开具');
    await expect(result).not.toContainText('household-certificate');
    await expect(result).toContainText('张*');
    await expect(result).not.toContainText('张三');
    await expect(result).toContainText('公安业务系统已收到');
    await expect(result).toContainText('已打印');
    await expect(result).toContainText('此二维码链接仅在本机上有效');
    await page.getByRole('button', { name: '返回' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();

    // Or types the number printed on it (status only, no name).
    await page.getByRole('button', { name: '查询办理进度' }).tap();
    await page.getByRole('textbox', { name: /业务编号/ }).tap();
    await tapKeys(onScreenKeyboard(page), number.replace(/\D/g, ''));
    await page.getByRole('button', { name: '查询', exact: true }).tap();
    await expect(result.locator('.txn-number')).toHaveText(number);
    await expect(result).not.toContainText('张');
    await page.getByRole('textbox', { name: /业务编号/ }).tap();
    await onScreenKeyboard(page).getByRole('button', { name: '清空' }).tap();
    await tapKeys(onScreenKeyboard(page), '20200101000001');
    await page.getByRole('button', { name: '查询', exact: true }).tap();
    await expect(page.getByRole('alert')).toContainText('本机没有这个业务编号的记录');
  });

  test('an expired card is refused with the reason; a valid one shows its English name and may be taken', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await page.getByRole('tab', { name: /交管业务/ }).tap();
    await page
      .getByRole('tabpanel')
      .getByRole('button', { name: /交通违法查询与处理/ })
      .tap();
    await page.getByRole('button', { name: '下一步' }).tap();
    kiosk.sim.placeCard('hk-permit-expired');
    await expect(page.getByRole('alert')).toContainText(
      '此证件已过期（有效期至 2024年1月1日），不能办理所选业务',
    );
    await expect(page.getByRole('heading', { name: '请将身份证放在读卡区' })).toBeVisible();
    await cardLifted(kiosk);
    kiosk.sim.placeCard('foreigner-expired');
    await expect(page.getByRole('alert')).toContainText('有效期至 2020年1月1日');
    await cardLifted(kiosk);
    kiosk.sim.placeCard('foreigner');
    await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await expect(page.getByText('SMITH, JOHN EXAMPLE')).toBeVisible();
    await expect(page.getByText('证件已读取完毕，您可以取走证件。')).toBeVisible();
    await page.getByRole('button', { name: '取消办理' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    kiosk.sim.removeCard();
  });

  test('the mailbox end screen shows the tracking number and the three promise clocks with their due times', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await openMailboxForm(page, () => kiosk.sim.placeCard('resident'));
    await tapStreetLightLetter(page);
    await page.getByRole('button', { name: '提交办理' }).tap();
    await expect(page.getByRole('heading', { name: '已提交至公安业务系统' })).toBeVisible();
    const number = (await page.locator('.txn-number').textContent()) ?? '';
    await expect(page.locator('.tracking-number')).toHaveText(number);
    const promises = page.getByRole('region', { name: '服务承诺' });
    for (const text of ['10分钟内签收', '30分钟内答复', '48小时内首次反馈'])
      await expect(promises).toContainText(text);
    // Due times in the kiosk's clock and language, once the police system has the letter.
    await expect(promises.locator('.promise-due')).toHaveCount(3);
    await expect(promises.locator('.promise-due').first()).toHaveText(/^(今天|明天) \d{2}:\d{2}前$/);
    await page.getByRole('button', { name: 'English' }).tap();
    await expect(
      page.getByRole('region', { name: 'Our promises' }).locator('.promise-due').first(),
    ).toHaveText(/^by (today|tomorrow) \d{2}:\d{2}$/);
    await expect(page.getByText('Tracking number')).toBeVisible();
  });

  test('no receipt paper is said on the first screen, before anyone starts', async ({ page, kiosk }) => {
    kiosk.sim.setPaper('out');
    await page.goto(kiosk.host.kioskUrl);
    await expect(page.getByText('今日回执仅提供二维码')).toBeVisible();
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await expect(page.getByText('今日回执仅提供二维码')).toBeVisible();
    await page.getByRole('button', { name: '返回' }).tap();
    kiosk.sim.setPaper('ok');
    await expect(page.getByText('今日回执仅提供二维码')).toHaveCount(0);
  });
});
