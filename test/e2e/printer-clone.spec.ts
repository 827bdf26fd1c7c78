import { test as base, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/server.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { createRealDevices } from '../../main/core/real-devices.js';

/**
 * A kiosk whose receipt printer is a network "clone": a few lines here answer every DLE EOT request with 00h,
 * leaving the protocol's fixed bits unset, and take everything else as print data.
 */
const test = base.extend<{ kiosk: { core: KioskCore; host: BrowserHost } }>({
  // eslint-disable-next-line no-empty-pattern
  kiosk: async ({}, use) => {
    const sockets = new Set<net.Socket>();
    const printer = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      // How far into a DLE EOT n request the stream is: 0 none, 1 after DLE, 2 after DLE EOT.
      let step = 0;
      socket.on('data', (chunk) => {
        for (const b of chunk) {
          if (step === 2) {
            socket.write(Buffer.of(0x00));
            step = 0;
          } else if (step === 1 && b === 0x04) step = 2;
          else step = b === 0x10 ? 1 : 0;
        }
      });
    });
    await new Promise<void>((resolve) => printer.listen(0, '127.0.0.1', resolve));
    const address = printer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-e2e-clone-'));
    const core = await startKioskCore({
      dataDir,
      mode: 'demonstration',
      host: 'browser',
      log: silentLogger,
      kioskId: 'e2e-clone',
      devices: createRealDevices(
        { idCard: null, printer: { kind: 'tcp', host: '127.0.0.1', port }, scanner: null },
        { monitorIntervalMs: 500 },
      ),
    });
    const host = await startBrowserHost({
      core,
      staticDir: path.resolve('dist/renderer'),
      port: 0,
      log: silentLogger,
    });
    await use({ core, host });
    await host.close();
    await core.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => printer.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  },
});

test('a printer clone with non-standard status bits is online, prints, and the technician sees the warning', async ({
  page,
  kiosk,
}) => {
  await page.goto(kiosk.host.kioskUrl);
  await page.getByRole('button', { name: '维护' }).click();
  await page.getByLabel('维护密码').fill('000000');
  await page.getByRole('button', { name: '登录' }).click();
  const row = page.getByRole('row', { name: /打印机/ });
  await expect(row).toContainText('正常');
  await expect(row.getByRole('note')).toHaveText('状态应答的固定位不符合标准（兼容机型），已按有效位解读');
  await page.getByRole('button', { name: '打印测试页' }).click();
  await expect(page.locator('.device-test p')).toHaveText('测试页已打印');
});
