import { test as base, expect } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { IdCardSimulator } from '../../drivers/id-card/simulator.js';
import { serveSimulatorOn } from '../../drivers/printer/serve.js';
import { PrinterSimulator } from '../../drivers/printer/simulator.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { startTechnicianKiosk, type TechnicianKiosk } from '../support/technician-kiosk.js';
import { onScreenKeyboard, signInAsTechnician, tapKeys, tapPin } from './touch.js';

const test = base.extend<{ tech: TechnicianKiosk }>({
  // eslint-disable-next-line no-empty-pattern
  tech: async ({}, use) => {
    const tech = await startTechnicianKiosk({
      reconnectIntervalMs: 250,
      monitorIntervalMs: 500,
      idCardPollIntervalMs: 150,
    });
    await use(tech);
    await tech.close();
  },
});

test.use({ hasTouch: true, viewport: { width: 1080, height: 1920 } });

test.describe('technician tools', () => {
  test('discover a printer on a PTY, assign it, print a test page with its preview, see paper-out live', async ({
    page,
    tech,
  }) => {
    await signInAsTechnician(page, tech.host.kioskUrl);
    const found = page.getByRole('region', { name: '已连接的设备' });
    await expect(found.getByText('未发现串口或 HID 设备')).toBeVisible();

    // Plugged in while the screen is open: listed without touching anything.
    const pair = await tech.pty(['printer', 'printer-sim']);
    const sim = new PrinterSimulator();
    const endpoint = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b, baudRate: 115200 }));
    const row = found.locator(`tr[data-path="${pair.a}"]`);
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: '识别' }).tap();
    await expect(row.getByText('小票打印机')).toBeVisible();
    await row.getByRole('button', { name: '用作打印机' }).tap();
    await expect(found.getByRole('status')).toHaveText(`已应用：打印机 → serial:${pair.a}@115200;80mm`);

    const devices = page.getByRole('region', { name: '外设状态' });
    const printerRow = devices.locator('tr[data-device="printer"]');
    await expect(printerRow.getByText(`serial:${pair.a}@115200`)).toBeVisible();
    await expect(printerRow.getByText('正常')).toBeVisible();
    await printerRow.getByRole('button', { name: '打印测试页' }).tap();
    await expect(devices.getByRole('status').getByText('测试页已打印')).toBeVisible();
    await expect(devices.getByRole('img', { name: '测试页预览' })).toBeVisible();

    // Out of paper: the row says so, and what to do, while the screen stays open.
    sim.setScenario('paper-out');
    await expect(printerRow.getByText('故障: 缺纸')).toBeVisible();
    await expect(printerRow.getByText('请更换打印纸')).toBeVisible();
    await printerRow.getByRole('button', { name: '打印机状态位' }).tap();
    await expect(devices.getByRole('status')).toContainText('缺纸');

    // The printer's profile: a slower mechanism printing ASCII only, chosen by taps and applied at once.
    const profile = found.getByRole('group', { name: '打印机参数：纸宽、速度、字符集' });
    await profile.getByRole('button', { name: '70 mm/s' }).tap();
    await profile.getByRole('button', { name: '仅 ASCII' }).tap();
    await expect(profile.getByRole('button', { name: '70 mm/s' })).toHaveAttribute('aria-pressed', 'true');
    await row.getByRole('button', { name: '按当前设置重新应用（打印机）' }).tap();
    await expect(found.getByRole('status')).toHaveText(
      `已应用：打印机 → serial:${pair.a}@115200;80mm,speed=70,codepage=ascii`,
    );
    await expect(printerRow.getByText(`serial:${pair.a}@115200`)).toBeVisible();
    await endpoint.close();
  });

  test('unplug the assigned ID card reader → no device → replug → online, without a restart; export to USB', async ({
    page,
    tech,
  }) => {
    await signInAsTechnician(page, tech.host.kioskUrl);
    let pair = await tech.pty(['reader', 'reader-sim']);
    let sim = new IdCardSimulator(new SerialTransport({ path: pair.b }));
    await sim.start();
    const found = page.getByRole('region', { name: '已连接的设备' });
    const row = found.locator(`tr[data-path="${pair.a}"]`);
    await row.getByRole('button', { name: '识别' }).tap();
    await expect(row.getByText('身份证读卡器')).toBeVisible();
    await row.getByRole('button', { name: '用作读卡器' }).tap();
    const reader = page.getByRole('region', { name: '外设状态' }).locator('tr[data-device="id-card"]');
    await expect(reader.getByText('正常')).toBeVisible();

    await sim.stop();
    await pair.close();
    await expect(reader.getByText('未连接')).toBeVisible();
    await expect(reader.getByText(/请检查连接线/)).toBeVisible();

    pair = await tech.pty(['reader', 'reader-sim']);
    sim = new IdCardSimulator(new SerialTransport({ path: pair.b }));
    await sim.start();
    await expect(reader.getByText('正常')).toBeVisible();
    await sim.stop();

    const exporter = page.getByRole('region', { name: '导出诊断包' });
    await exporter.getByRole('button', { name: /导出到 USB-STICK/ }).tap();
    await expect(exporter.getByRole('status')).toContainText('已写入');
    expect(readdirSync(tech.usb)).toHaveLength(1);
  });

  test('changes the PIN on the digit pad, and closes itself after 2 minutes without a touch', async ({
    page,
    tech,
  }) => {
    await page.clock.install();
    await signInAsTechnician(page, tech.host.kioskUrl);
    const panel = page.getByRole('region', { name: '更改维护密码' });
    const type = async (label: string, pin: string): Promise<void> => {
      await panel.getByLabel(label).tap();
      await tapKeys(onScreenKeyboard(page), pin);
    };
    await type('当前密码', '000000');
    await type('新密码（6 至 12 位数字）', '246810');
    await type('再次输入新密码', '246810');
    await panel.getByRole('button', { name: '更改密码' }).tap();
    await expect(panel.getByRole('status')).toHaveText('维护密码已更改');

    // Walked away: after 2 minutes without a touch the view closes and the session ends.
    await page.clock.fastForward('02:01');
    await expect(page.getByRole('heading', { name: '外设状态' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: '维护' })).toBeVisible();

    // The demonstration PIN no longer opens it; the new PIN does.
    await page.getByRole('button', { name: '维护' }).click();
    await tapPin(page, '000000');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert')).toContainText('剩余 4 次尝试');
    await tapPin(page, '246810');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('heading', { name: '外设状态' })).toBeVisible();
  });
});
