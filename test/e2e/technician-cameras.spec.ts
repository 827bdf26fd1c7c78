/**
 * Cameras in technician mode, with Chromium's fake camera showing a portrait: the camera is listed, assigned
 * as the citizen camera by taps, tested (the live picture with a box around the face, its resolution and frame
 * rate in words), and the assignment is still there after the core restarts, as `booth config devices` shows.
 * An assigned camera that is not attached is reported on its row with what to do, and the face check then
 * takes the officer-review route instead of using another camera.
 */
import { test as base, expect } from '@playwright/test';
import type { CliIO } from '../../main/cli/command.js';
import { runCli } from '../../main/cli/main.js';
import { startTechnicianKiosk, type TechnicianKiosk } from '../support/technician-kiosk.js';
import { cameraLaunch, withCollinsCard } from './face-steps.js';
import { placeCard, startVisit } from './citizen.js';
import { signInAsTechnician } from './touch.js';

const test = base.extend<{ tech: TechnicianKiosk }>({
  // eslint-disable-next-line no-empty-pattern
  tech: async ({}, use) => {
    const tech = await startTechnicianKiosk();
    await use(tech);
    await tech.close();
  },
});

test.use({ hasTouch: true, viewport: { width: 1080, height: 1920 }, launchOptions: cameraLaunch('still') });

/** Chromium names a fake camera fed from a file by the file's path. */
const FAKE_CAMERA = /collins-still\.y4m/;

/** Runs a `booth` command in this process against the kiosk's data directory; returns its output. */
async function booth(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: CliIO = {
    stdout: (t) => void out.push(t),
    stderr: () => undefined,
    env: {},
    signal: new AbortController().signal,
  };
  const code = await runCli(args, io);
  return { code, out: out.join('') };
}

test.describe('technician: cameras', () => {
  test.setTimeout(240_000);

  test('lists the camera, assigns it as the citizen camera, tests it with a face box; kept after a restart', async ({
    page,
    tech,
  }) => {
    await signInAsTechnician(page, tech.host.kioskUrl);
    const cameras = page.getByRole('region', { name: '摄像头', exact: true });
    const camera = cameras.locator('tr', { has: page.getByRole('rowheader', { name: FAKE_CAMERA }) });
    await expect(camera).toBeVisible();
    const label = (await camera.locator('.tech-camera-name').textContent()) ?? '';
    await camera.getByRole('button', { name: '用作人脸核验摄像头' }).tap();
    await expect(cameras.getByRole('status')).toHaveText(`已应用：人脸核验摄像头 → ${label}`);
    await expect(camera.getByText('正在用作：人脸核验摄像头')).toBeVisible();
    // Its row among the other devices: connected, by the name it was assigned with.
    const row = page.getByRole('region', { name: '外设状态' }).locator('tr[data-device="citizen-camera"]');
    await expect(row.getByText('正常')).toBeVisible();
    await expect(row.getByRole('cell', { name: label, exact: true })).toBeVisible();
    // The document camera, assigned to nothing, says so in the screen's language.
    const documentRow = page
      .getByRole('region', { name: '外设状态' })
      .locator('tr[data-device="document-camera"]');
    await expect(documentRow.locator('.tech-connection')).toHaveText('未配置');

    // The camera test: the picture, a box around the face, the resolution and frame rate in words.
    await camera.getByRole('button', { name: '摄像头测试' }).tap();
    const testArea = cameras.getByRole('group', { name: '摄像头测试' });
    await expect(testArea.getByLabel('摄像头测试画面')).toBeVisible({ timeout: 120_000 });
    await expect(testArea.getByRole('status')).toHaveText(
      /^分辨率 \d+ × \d+ 像素，每秒 \d+ 帧 · 检测到 1 张人脸$/,
      { timeout: 120_000 },
    );
    // Green box pixels on the overlay (string expressions: this file has no DOM types).
    const boxPixels = Number(
      await page.evaluate(`(() => {
        const canvas = document.querySelector('.tech-camera-boxes');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let green = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 1] > 150 && data[i + 3] > 0) green++;
        return green;
      })()`),
    );
    expect(boxPixels).toBeGreaterThan(100);
    // Ending the test switches the camera off.
    await page.evaluate(
      `window.testTracks = document.querySelector('.tech-camera-picture video').srcObject.getTracks()`,
    );
    await testArea.getByRole('button', { name: '结束测试' }).tap();
    await expect(page.locator('video')).toHaveCount(0);
    // The camera is released as the panel unmounts (an effect's clean-up, a moment after the tap).
    await expect.poll(() => page.evaluate('window.testTracks.map((t) => t.readyState)')).toEqual(['ended']);

    // Stored like `booth config set-device` stores it, and still in force after the core restarts.
    await tech.restart();
    const shown = await booth(['config', 'devices', '--data', tech.dataDir]);
    expect(shown.code).toBe(0);
    const stored = shown.out.split('\n').find((line) => line.startsWith('citizen-camera'));
    expect(stored).toMatch(/^citizen-camera +id:\S+\?label=\S+collins-still\.y4m +stored/);
    await signInAsTechnician(page, tech.host.kioskUrl);
    await expect(
      page.getByRole('region', { name: '摄像头', exact: true }).getByText('正在用作：人脸核验摄像头'),
    ).toBeVisible();
    await expect(
      page
        .getByRole('region', { name: '外设状态' })
        .locator('tr[data-device="citizen-camera"]')
        .getByText('正常'),
    ).toBeVisible();

    // Leaving technician mode with the test running (sign-out, as the idle exit does) switches the camera off.
    const again = page.getByRole('region', { name: '摄像头', exact: true });
    await again.getByRole('button', { name: '摄像头测试' }).tap();
    await expect(again.getByText(/检测到 1 张人脸/)).toBeVisible({ timeout: 120_000 });
    await page.evaluate(
      `window.testTracks = document.querySelector('.tech-camera-picture video').srcObject.getTracks()`,
    );
    await page.getByRole('button', { name: '退出维护' }).tap();
    await expect(page.getByRole('button', { name: '维护' })).toBeVisible();
    // The camera is released as the panel unmounts (an effect's clean-up, a moment after the tap).
    await expect.poll(() => page.evaluate('window.testTracks.map((t) => t.readyState)')).toEqual(['ended']);
  });

  test('unplugging the assigned camera turns its row to no device with what to do, and back when it returns', async ({
    page,
    tech,
  }) => {
    // The fake camera cannot be unplugged: the page's list hides it while `boothUnplugged` is set, and the
    // browser's devicechange event is fired as a plug or unplug fires it.
    await page.addInitScript(`{
      const media = navigator.mediaDevices;
      const list = media.enumerateDevices.bind(media);
      media.enumerateDevices = async () =>
        (await list()).filter((d) => !(window.boothUnplugged && d.kind === 'videoinput'));
    }`);
    await signInAsTechnician(page, tech.host.kioskUrl);
    const cameras = page.getByRole('region', { name: '摄像头', exact: true });
    const camera = cameras.locator('tr', { has: page.getByRole('rowheader', { name: FAKE_CAMERA }) });
    await camera.getByRole('button', { name: '用作人脸核验摄像头' }).tap();
    const row = page.getByRole('region', { name: '外设状态' }).locator('tr[data-device="citizen-camera"]');
    await expect(row.getByText('正常')).toBeVisible();

    await page.evaluate(
      `window.boothUnplugged = true; navigator.mediaDevices.dispatchEvent(new Event('devicechange'))`,
    );
    await expect(row.getByText('未连接')).toBeVisible();
    await expect(row.getByText(/未找到指定的摄像头/)).toBeVisible();
    await expect(cameras.getByText('未发现摄像头：请检查 USB 连接线')).toBeVisible();

    await page.evaluate(
      `window.boothUnplugged = false; navigator.mediaDevices.dispatchEvent(new Event('devicechange'))`,
    );
    await expect(row.getByText('正常')).toBeVisible();
    await expect(camera.getByText('正在用作：人脸核验摄像头')).toBeVisible();

    // Unassigned again: the face check takes the first camera.
    await cameras.getByRole('button', { name: '取消指定人脸核验摄像头' }).tap();
    await expect(cameras.getByRole('status')).toHaveText('已应用：人脸核验摄像头 → 第一个可用的摄像头');
    await expect(camera.getByText('正在用作：人脸核验摄像头')).toHaveCount(0);
  });

  test('an assigned camera that is not attached: its row says so and what to do; the face check goes to an officer', async ({
    page,
    tech,
  }) => {
    await tech.restart(async () => {
      const set = await booth([
        'config',
        'set-device',
        'citizen-camera',
        'label:Front camera',
        '--data',
        tech.dataDir,
      ]);
      expect(set.code).toBe(0);
    });
    await withCollinsCard(page);
    await signInAsTechnician(page, tech.host.kioskUrl);
    const row = page.getByRole('region', { name: '外设状态' }).locator('tr[data-device="citizen-camera"]');
    await expect(row.getByText('未连接')).toBeVisible();
    await expect(
      row.getByText('未找到指定的摄像头：请检查 USB 连接线，或在“摄像头”中重新指定'),
    ).toBeVisible();
    await page.getByRole('button', { name: '退出维护' }).tap();

    // A citizen's face check: the fake camera is there, but it is not the one assigned.
    const sim = tech.core.devices.simulation;
    if (!sim) throw new Error('no simulated peripherals');
    await startVisit(page, tech.host.kioskUrl, [[/户政/, /户籍证明开具/]]);
    await placeCard(page, sim);
    await page.getByRole('button', { name: '下一步' }).tap();
    await page.getByRole('button', { name: '同意并开始人脸核验' }).tap();
    await expect(page.getByText('摄像头暂不可用。业务将照常提交，由民警人工核验您的身份。')).toBeVisible({
      timeout: 120_000,
    });
    await expect(page.locator('video')).toHaveCount(0);
  });
});
