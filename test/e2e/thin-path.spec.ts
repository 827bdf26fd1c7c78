import { declineFaceCheck } from './citizen.js';
import { expect, test } from './kiosk-fixture.js';

// A kiosk has a touchscreen and no keyboard: the citizen taps.
test.use({ hasTouch: true });

test.describe('a citizen identifies with an ID card', () => {
  test('attract → pick a service → place card → confirm masked identity → finish → attract, wiped', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    // The token is taken from the URL and hidden.
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    expect(page.url()).not.toContain('token=');
    // Anti-fraud notices from the catalog are on the idle screen.
    await expect(page.getByRole('heading', { name: '安全提示' })).toBeVisible();

    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await expect(page.getByRole('heading', { name: '请选择要办理的业务（可多选）' })).toBeVisible();
    await page.getByRole('tab', { name: /户政/ }).tap();
    const serviceName = '户籍证明开具';
    const service = page.getByRole('tabpanel').getByRole('button', { name: new RegExp(serviceName) });
    await service.tap();
    await expect(service).toHaveAttribute('aria-pressed', 'true');
    await page.getByRole('button', { name: '下一步' }).tap();

    await expect(page.getByRole('heading', { name: '请将身份证放在读卡区' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: '正在等待证件' })).toBeVisible();

    // The card goes on the simulated reader; the core reads it over the real SAM protocol.
    kiosk.sim.placeCard('resident');
    await expect(page.getByRole('heading', { name: '请核对您的身份信息' })).toBeVisible();
    await expect(page.getByText('张三')).toBeVisible();
    // The card's photo, decoded by the (simulated) photo decoder port, for the citizen to recognise.
    const photo = page.getByRole('img', { name: '证件照片' });
    await expect(photo).toBeVisible();
    expect(await photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(
      102,
    );
    const idNumber = page.locator('.id-number');
    await expect(idNumber).toHaveText(/^1101\*+2X$|^110\*+02X$|^\d{3,4}\*{8,}[\dX]{2,4}$/);
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('11010519491231002X');
    expect(body).not.toContain('19491231');
    await expect(page.getByText(serviceName)).toBeVisible();

    await page.getByRole('button', { name: '下一步' }).tap();
    // The service asks for a face check: the consent screen offers the officer-review route beside it.
    await declineFaceCheck(page);
    await expect(page.getByRole('heading', { name: '请填写办理信息' })).toBeVisible();
    // Fields from the card are filled and marked; the ID number stays masked even here.
    await expect(page.getByLabel(/姓名/)).toHaveValue('张三');
    await expect(page.getByLabel(/证件号码/)).not.toHaveValue(/19491231/);
    await expect(page.getByText('已从证件读取').first()).toBeVisible();
    // Submitting without the required choice is refused in words, not only in colour.
    await page.getByRole('button', { name: '提交办理' }).tap();
    await expect(page.getByRole('alert')).toContainText('请修改标红的项目');
    await expect(page.getByText('此项必填', { exact: true })).toBeVisible();
    await page.getByRole('radio', { name: '就业' }).tap();
    await page.getByRole('button', { name: '提交办理' }).tap();
    // The title says what really happened: saved on the kiosk, then sent once the police system has it.
    await expect(page.getByRole('heading', { name: '已提交至公安业务系统' })).toBeVisible();
    await expect(page.locator('.txn-number')).toHaveText(/^JW-\d{8}-\d{6}$/);
    await expect(page.getByText('回执已打印，请取走回执。')).toBeVisible();
    await expect(page.getByRole('img', { name: '扫码查询办理进度、下载电子回执' })).toBeVisible();
    await page.getByRole('button', { name: '完成' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    const after = await page.locator('body').innerText();
    expect(after).not.toContain('张三');
    expect(after).not.toContain(serviceName);
    expect(await page.getByRole('img', { name: '证件照片' }).count()).toBe(0);
    expect(await page.locator('.id-number').count()).toBe(0);
    kiosk.sim.removeCard();
  });

  test('a card that does not suit the chosen service is refused with a clear message', async ({
    page,
    kiosk,
  }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    // Pick a service that does not accept old-style foreigner cards.
    await page.getByRole('tab', { name: /户政/ }).tap();
    await page.getByRole('tabpanel').getByRole('button').filter({ hasText: '需身份证' }).first().tap();
    await page.getByRole('button', { name: '下一步' }).tap();
    kiosk.sim.placeCard('foreigner');
    await expect(page.getByRole('alert')).toContainText('此证件不能办理所选业务');
    await page.getByRole('button', { name: '取消办理' }).tap();
    await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible();
    kiosk.sim.removeCard();
  });

  test('the language switch works on every screen, and the visit resets it', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    await page.getByRole('button', { name: 'English' }).tap();
    await expect(page.getByRole('button', { name: 'Tap to start' })).toBeVisible();
    await page.getByRole('button', { name: 'Tap to start' }).tap();
    await expect(page.getByRole('heading', { name: 'Choose one or more services' })).toBeVisible();
    await page.getByRole('button', { name: '繁體中文' }).tap();
    await expect(page.getByRole('heading', { name: '請選擇要辦理的業務（可多選）' })).toBeVisible();
    await page.getByRole('button', { name: '返回' }).tap();
    await expect(page.getByRole('button', { name: '點擊開始辦理' })).toBeVisible();
    void kiosk;
  });

  test('the simulation panel places a card through the same API', async ({ page, kiosk }) => {
    await page.goto(kiosk.host.kioskUrl);
    const panel = page.getByRole('complementary', { name: '模拟外设' });
    await expect(panel).toBeVisible();
    // The panel starts folded to a small tab; one tap opens it.
    await panel.getByRole('button', { name: '模拟外设', expanded: false }).tap();
    await expect(panel.getByText('读卡器: 正常')).toBeVisible();
    await page.getByRole('button', { name: '点击开始办理' }).tap();
    await page.getByRole('tab', { name: /户政/ }).tap();
    await page.getByRole('tabpanel').getByRole('button').filter({ hasText: '需身份证' }).first().tap();
    await page.getByRole('button', { name: '下一步' }).tap();
    await panel.getByLabel('身份证').selectOption('hk-permit');
    await panel.getByRole('button', { name: '放置证件' }).tap();
    // Either the permit suits the service (confirmation) or it is refused with a message — never silence.
    await expect(
      page.getByRole('heading', { name: '请核对您的身份信息' }).or(page.getByRole('alert')),
    ).toBeVisible();
    await panel.getByRole('button', { name: '拿走证件' }).tap();

    await panel.getByRole('button', { name: '缺纸' }).tap();
    await expect(panel.getByText(/打印机: (故障|离线)/)).toBeVisible();
    await panel.getByRole('button', { name: '纸量正常' }).tap();
    await expect(panel.getByText('打印机: 正常')).toBeVisible();

    await panel.getByLabel('模拟扫描的码').fill('https://example.org/progress/JW-20261129-000123');
    await panel.getByRole('button', { name: '扫码' }).tap();
    await expect(panel.getByRole('status')).toContainText('最近扫描');
    void kiosk;
  });
});
