/**
 * Screenshots of the technician screen at the kiosk's two orientations (1080×1920 and 1920×1080): a
 * demonstration kiosk with a printer simulator on a socat PTY pair, assigned and tested on screen, and Chromium's
 * fake camera showing a portrait, assigned as the citizen camera and tested, so the pictures show the real panels
 * (device rows with the cameras, health, attached devices, preview, cameras with the camera test, export).
 *
 * Usage: npm run build:renderer && npx tsx scripts/technician-screenshots.ts [OUT_DIR]
 * (default test-results/technician-screenshots). Needs system Chromium and socat.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { serveSimulatorOn } from '../drivers/printer/serve.js';
import { PrinterSimulator } from '../drivers/printer/simulator.js';
import { SerialTransport } from '../drivers/transport/serial.js';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS, fakeCameraArgs } from '../test/support/chromium.js';
import { stillClip } from '../test/support/face-clips.js';
import { startTechnicianKiosk } from '../test/support/technician-kiosk.js';

const outDir = path.resolve(process.argv[2] ?? 'test-results/technician-screenshots');
mkdirSync(outDir, { recursive: true });
const tech = await startTechnicianKiosk();
const { host } = tech;
const pair = await tech.pty(['ttyUSB-printer', 'sim']);
const printer = new PrinterSimulator();
const endpoint = await serveSimulatorOn(printer, new SerialTransport({ path: pair.b, baudRate: 115200 }));
const clip = path.join(mkdtempSync(path.join(tmpdir(), 'booth-shots-')), 'portrait.y4m');
writeFileSync(clip, stillClip());
const browser = await chromium.launch({
  executablePath: CHROMIUM_EXECUTABLE,
  args: [...CHROMIUM_TEST_ARGS, ...fakeCameraArgs(clip)],
});

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(outDir, name);
  await page.screenshot({ path: file, fullPage: false });
  process.stdout.write(`wrote ${file}\n`);
}

try {
  for (const [width, height] of [
    [1080, 1920],
    [1920, 1080],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(host.kioskUrl);
    await page.getByRole('button', { name: '维护' }).click();
    await page.getByLabel('维护密码').fill('000000');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '外设状态' }).waitFor();
    const row = page.locator(`tr[data-path="${pair.a}"]`);
    await row.waitFor();
    if (await row.getByRole('button', { name: '识别' }).isVisible()) {
      await row.getByRole('button', { name: '识别' }).click();
      await row.getByText('小票打印机').waitFor();
      await row.getByRole('button', { name: '用作打印机' }).click();
    }
    const printerRow = page.locator('tr[data-device="printer"]');
    await printerRow.getByText(`serial:${pair.a}`).waitFor();
    await printerRow.getByRole('button', { name: '打印测试页' }).click();
    await page.getByRole('img', { name: '测试页预览' }).waitFor();
    await shoot(page, `technician-${width}x${height}.png`);
    await page.getByRole('region', { name: '已连接的设备' }).scrollIntoViewIfNeeded();
    await shoot(page, `technician-${width}x${height}-discovery.png`);
    const cameras = page.getByRole('region', { name: '摄像头', exact: true });
    const citizen = cameras.getByRole('button', { name: '用作人脸核验摄像头' });
    if (await citizen.isVisible()) await citizen.click();
    await cameras.getByText('正在用作：人脸核验摄像头').waitFor();
    await cameras.getByRole('button', { name: '摄像头测试' }).click();
    await cameras.getByText(/检测到 1 张人脸/).waitFor({ timeout: 180_000 });
    await cameras.scrollIntoViewIfNeeded();
    await shoot(page, `technician-${width}x${height}-cameras.png`);
    // The same panel in the other two languages (their words are longer or differently wrapped).
    for (const [language, detected, file] of [
      ['English', /1 face\(s\) detected/, 'en'],
      ['繁體中文', /偵測到 1 張人臉/, 'zh-HK'],
    ] as const) {
      await page.getByRole('button', { name: language }).click();
      await page.getByText(detected).waitFor();
      await page.getByText(detected).scrollIntoViewIfNeeded();
      await shoot(page, `technician-${width}x${height}-cameras-${file}.png`);
    }
    await page.getByRole('button', { name: '简体中文' }).click();
    await cameras.getByRole('button', { name: '结束测试' }).click();
    await page.close();
  }
} finally {
  await browser.close();
  await endpoint.close();
  await tech.close();
}
