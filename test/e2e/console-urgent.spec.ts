import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addConsoleUser } from '../../central/console-auth.js';
import { DEFAULT_CONSOLE_DIR } from '../../central/console.js';
import { openCentralDb } from '../../central/db.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/server.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { fontsReady, MISSING_PERSON_REPORT, placeCard, startVisit } from './citizen.js';
import { tapMissingPersonReport } from './touch.js';

/**
 * A missing-person report from the citizen's taps to the duty officer's acknowledgement: the kiosk says the
 * central system received it and the command centre has not acknowledged it yet (call 110); the officer signed
 * in to the console sees it arrive without a reload, sees it escalate once it has waited the (shortened)
 * threshold, and acknowledges it; the kiosk's screen then says the command centre acknowledged it.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots for people to look at (not compared): the console page and the kiosk's end screen. */
const SHOTS = process.env.BOOTH_SCREENSHOTS_DIR ?? path.join(repoRoot, '.tmp/urgent-screenshots');
const PASSWORD = 'officer password long enough';
/** Shortened from the default 60 s so that the test sees the escalation. */
const ESCALATE_AFTER_MS = 8_000;

let centralDir: string;
let kioskDir: string;
let central: CentralServer;
let core: KioskCore;
let host: BrowserHost;

test.beforeAll(async () => {
  if (!existsSync(path.join(DEFAULT_CONSOLE_DIR, 'index.html')))
    throw new Error('the console is not built: run npm run build first');
  centralDir = mkdtempSync(path.join(tmpdir(), 'urgent-e2e-central-'));
  kioskDir = mkdtempSync(path.join(tmpdir(), 'urgent-e2e-kiosk-'));
  central = await startCentralServer({
    dataDir: centralDir,
    kioskTokens: { 'fz-ft-07': 'urgent-e2e-token' },
    adminToken: 'urgent-e2e-admin',
    urgent: { escalateAfterMs: ESCALATE_AFTER_MS },
  });
  const db = await openCentralDb(path.join(centralDir, 'central.sqlite'));
  await addConsoleUser(db, { name: 'officer-li', role: 'duty-officer', password: PASSWORD });
  await db.close();
  core = await startKioskCore({
    dataDir: kioskDir,
    mode: 'demonstration',
    host: 'browser',
    log: silentLogger,
    kioskId: 'fz-ft-07',
    centralUrl: central.url,
    centralToken: 'urgent-e2e-token',
    commandCentrePollMs: 500,
  });
  host = await startBrowserHost({
    core,
    staticDir: path.resolve('dist/renderer'),
    port: 0,
    log: silentLogger,
  });
  mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await host?.close();
  await core?.close();
  await central?.close();
  for (const dir of [centralDir, kioskDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The kiosk's end screen in both shapes kiosks are built with. */
async function shootKiosk(page: Page, name: string): Promise<void> {
  for (const [shape, viewport] of [
    ['landscape', { width: 1920, height: 1080 }],
    ['portrait', { width: 1080, height: 1920 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await fontsReady(page);
    await page.screenshot({ path: path.join(SHOTS, `kiosk-${name}-${shape}.png`) });
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
}

async function newContext(browser: Browser, touch: boolean): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1920, height: 1080 }, hasTouch: touch });
}

test('a missing-person report arrives live on the console, escalates, is acknowledged, and the kiosk says so', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const officerContext = await newContext(browser, false);
  const kioskContext = await newContext(browser, true);
  try {
    const officer = await officerContext.newPage();
    const problems: string[] = [];
    officer.on('pageerror', (error) => problems.push(error.message));
    officer.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });

    // The duty officer signs in and opens the urgent reports: nothing is waiting.
    await officer.goto(`${central.url}/console/`);
    await officer.getByLabel('用户名 User name').fill('officer-li');
    await officer.getByLabel('密码 Password').fill(PASSWORD);
    await officer.getByRole('button', { name: '登录 Sign in' }).click();
    await officer.getByRole('button', { name: '紧急报告 Urgent reports' }).click();
    await expect(officer.getByText('没有待确认的紧急报告 No urgent report is waiting')).toBeVisible();
    await expect(officer.getByText('实时更新中 Live')).toBeVisible();
    // A marker on the page: still there later means the report arrived without a reload.
    await officer.evaluate(() => {
      (globalThis as unknown as { urgentMarker: boolean }).urgentMarker = true;
    });

    // The citizen files the report by taps.
    const kiosk = await kioskContext.newPage();
    await startVisit(kiosk, host.kioskUrl, [MISSING_PERSON_REPORT]);
    await placeCard(kiosk, core.devices.simulation!);
    await kiosk.getByRole('button', { name: '下一步' }).tap();
    await tapMissingPersonReport(kiosk, '78');
    await kiosk.getByRole('button', { name: '提交办理' }).tap();

    // Stored by the central system: received, but waiting for the command centre — still "call 110".
    await expect(kiosk.getByRole('heading', { name: '已送达公安业务系统，等待指挥中心确认' })).toBeVisible({
      timeout: 20_000,
    });
    const advice = kiosk.locator('.urgent-alert');
    await expect(advice).toHaveAttribute('role', 'alert');
    await expect(advice).toContainText('正在等待指挥中心值班民警确认');
    await expect(advice).toContainText('请立即拨打 110');
    await expect(kiosk.getByRole('heading', { name: '指挥中心已确认您的紧急报告' })).toHaveCount(0);
    const number = ((await kiosk.locator('.txn-number').textContent()) ?? '').trim();
    expect(number).toMatch(/^JW-/);

    // The console: the report arrives live, with the kiosk, the number and the service, announced.
    const open = officer.locator('table.urgent-open');
    const row = open.getByRole('row', { name: /fz-ft-07/ });
    await expect(row).toBeVisible();
    await expect(row).toContainText(number);
    await expect(row).toContainText('失联人员查找求助');
    await expect(officer.locator('.arrivals')).toContainText(
      `新的紧急报告，来自终端 New urgent report from kiosk fz-ft-07 · ${number}`,
    );
    expect(
      await officer.evaluate(() => (globalThis as unknown as { urgentMarker?: boolean }).urgentMarker),
    ).toBe(true);
    // Nothing personal on the board.
    await expect(officer.locator('body')).not.toContainText('李四');
    await expect(officer.locator('body')).not.toContainText('13800138000');

    // The kiosk's screen while it waits, in both shapes.
    await shootKiosk(kiosk, 'urgent-received-waiting');
    await kiosk.getByRole('button', { name: 'English' }).tap();
    await expect(
      kiosk.getByRole('heading', { name: 'Received by the central system — waiting for the command centre' }),
    ).toBeVisible();
    await shootKiosk(kiosk, 'urgent-received-waiting-en');
    await kiosk.getByRole('button', { name: '简体中文' }).tap();

    // Unacknowledged past the threshold: escalated on screen and announced.
    const escalation = officer.getByRole('alert').filter({ hasText: '紧急报告超时未确认' });
    await expect(escalation).toBeVisible({ timeout: ESCALATE_AFTER_MS + 15_000 });
    await expect(escalation).toContainText('1');
    await expect(row).toHaveAttribute('data-escalated', 'true');
    await expect(row).toContainText('超时未确认 Overdue');
    await officer.screenshot({ path: path.join(SHOTS, 'console-urgent-escalated.png') });

    // The officer acknowledges: the report moves to the acknowledged list with who and when.
    await row.getByRole('button', { name: '确认接收 Acknowledge' }).click();
    const done = officer.locator('table.urgent-done').getByRole('row', { name: /fz-ft-07/ });
    await expect(done).toContainText('officer-li');
    await expect(done).toContainText(number);
    await expect(open.getByRole('row', { name: /fz-ft-07/ })).toHaveCount(0);
    await expect(escalation).toHaveCount(0);
    await officer.screenshot({ path: path.join(SHOTS, 'console-urgent-acknowledged.png') });

    // The kiosk learns it by itself while the screen shows: acknowledged by the command centre.
    await expect(kiosk.getByRole('heading', { name: '指挥中心已确认您的紧急报告' })).toBeVisible({
      timeout: 15_000,
    });
    await expect(kiosk.getByText('指挥中心值班民警已确认您的紧急报告，民警将尽快与您联系。')).toBeVisible();
    await expect(kiosk.locator('.urgent-alert')).toHaveCount(0);
    await shootKiosk(kiosk, 'urgent-acknowledged');
    // Finish now needs no 110 confirmation.
    await kiosk.getByRole('button', { name: '完成' }).tap();
    await expect(kiosk.getByRole('button', { name: '点击开始办理' })).toBeVisible();

    // The acknowledgement is in the audit trail under the officer's name.
    const db = await openCentralDb(path.join(centralDir, 'central.sqlite'));
    try {
      expect(
        await db.all(
          "SELECT user_name, outcome, detail FROM console_audit WHERE action = 'urgent.acknowledge'",
        ),
      ).toEqual([{ user_name: 'officer-li', outcome: 'ok', detail: `${number} at fz-ft-07` }]);
    } finally {
      await db.close();
    }
    // The signed-out session check before sign-in is the only expected error (Chromium logs the 401).
    expect(problems.filter((text) => !/status of 401/.test(text))).toEqual([]);
  } finally {
    await officerContext.close();
    await kioskContext.close();
  }
});
