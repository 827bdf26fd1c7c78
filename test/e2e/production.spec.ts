import { test as base, expect } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/server.js';
import { runCli } from '../../main/cli/main.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { createSimulatedDevices } from '../../main/core/simulated-devices.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import { defaultCatalog, demoPrivateKey, newKey } from '../fixtures/catalog/helpers.js';
import { tapPin } from './touch.js';

/** A production kiosk with no catalog yet, enrolled with a fresh production key; peripherals are test doubles. */
const test = base.extend<{
  kiosk: { core: KioskCore; host: BrowserHost; dataDir: string; dir: string; key: ReturnType<typeof newKey> };
}>({
  // eslint-disable-next-line no-empty-pattern
  kiosk: async ({}, use) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'booth-e2e-prod-'));
    const dataDir = path.join(dir, 'data');
    const key = newKey();
    const keyFile = path.join(dir, 'prod.pub');
    writeFileSync(keyFile, key.trusted.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(path.join(dir, 'token'), 'kiosk-token-0123456789abcdef\n');
    const code = await runCli(
      [
        'provision',
        '--data',
        dataDir,
        '--central-url',
        'https://central.police.example.test/',
        '--kiosk-id',
        'e2e-prod',
        '--trusted-keys',
        keyFile,
        '--token-file',
        path.join(dir, 'token'),
      ],
      { stdout: () => undefined, stderr: () => undefined, env: {}, signal: new AbortController().signal },
    );
    if (code !== 0) throw new Error('provisioning failed');
    const core = await startKioskCore({
      dataDir,
      mode: 'production',
      host: 'browser',
      log: silentLogger,
      catalogCheckIntervalMs: 200,
      devices: createSimulatedDevices(),
    });
    const host = await startBrowserHost({
      core,
      staticDir: path.resolve('dist/renderer'),
      port: 0,
      log: silentLogger,
    });
    await use({ core, host, dataDir, dir, key });
    await host.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  },
});

async function apply(file: string, dataDir: string): Promise<string> {
  let out = '';
  await runCli(['catalog', 'apply', file, '--data', dataDir], {
    stdout: (t) => (out += t),
    stderr: (t) => (out += t),
    env: {},
    signal: new AbortController().signal,
  });
  return out;
}

// The technician PIN is typed on the on-screen digit pad, by touch, as at the kiosk.
test.use({ hasTouch: true });

test('a production kiosk without a trusted catalog is out of service in three languages, and comes back by itself', async ({
  page,
  kiosk,
}) => {
  await page.goto(kiosk.host.kioskUrl);
  await expect(page.getByRole('heading', { name: '暂停服务' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '暫停服務' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Out of service' })).toBeVisible();
  await expect(page.getByText('110').first()).toBeVisible();
  // Nothing of the demonstration: no simulation panel, no demo badge, no start button.
  await expect(page.getByText('模拟外设')).toHaveCount(0);
  await expect(page.getByRole('button', { name: '点击开始办理' })).toHaveCount(0);

  // A catalog forged with the demonstration key changes nothing.
  const forged = path.join(kiosk.dir, 'forged.json');
  writeFileSync(forged, JSON.stringify(signCatalog({ ...defaultCatalog(), version: 5 }, demoPrivateKey())));
  expect(await apply(forged, kiosk.dataDir)).toMatch(/unknown-key/);

  // The technician can still sign in and sees why (no PIN is set here, and there is no demonstration PIN).
  await page.getByRole('button', { name: '维护' }).click();
  await tapPin(page, '000000');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByText(/尚未设置维护密码/)).toBeVisible();
  await page.getByRole('button', { name: '返回' }).click();

  // A catalog signed with the enrolled production key: the kiosk returns to service without a reload.
  const good = path.join(kiosk.dir, 'good.json');
  writeFileSync(
    good,
    JSON.stringify(
      signCatalog(
        {
          ...defaultCatalog(),
          version: 2,
          demonstration: false,
          issuedAt: new Date(Date.now() - 86_400_000).toISOString(),
          expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        },
        kiosk.key.privateKey,
      ),
    ),
  );
  expect(await apply(good, kiosk.dataDir)).toMatch(/applied version 2/);
  await expect(page.getByRole('button', { name: '点击开始办理' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('heading', { name: '暂停服务' })).toHaveCount(0);
});
