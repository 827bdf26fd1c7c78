import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { addConsoleUser } from '../../central/console-auth.js';
import { DEFAULT_CONSOLE_DIR } from '../../central/console.js';
import type { FleetResponse } from '../../contract/central-api.js';
import { openCentralDb } from '../../central/db.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import { defaultCatalog, demoPrivateKey, demoTrustedKey } from '../fixtures/catalog/helpers.js';

/**
 * Catalogs in the web console, end to end: an administrator signs in, uploads a catalog signed offline (a
 * tampered one is refused with the reason), reads the diff against the published catalog in words, publishes
 * it to one kiosk group, and sees the kiosk in that group — a real kiosk core in demonstration mode with a
 * one-second heartbeat — apply it, while a kiosk outside the group keeps the catalog it had.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots (1920×1080) for people to look at; not compared. */
const SHOTS = path.join(repoRoot, '.tmp/console-screenshots');
const PASSWORD = 'correct horse battery staple';
const TOKENS = { 'hk-01': 'token-hk-01', 'city-01': 'token-city-01' } as const;
const ADMIN_TOKEN = 'admin-token-for-catalogs-e2e';

let dir: string;
let central: CentralServer;
const cores: KioskCore[] = [];

/** The demonstration catalog as `version`, changed by `change`, signed with the demonstration key. */
function signedCatalog(
  version: number,
  change: (catalog: ReturnType<typeof defaultCatalog>) => void = () => undefined,
): string {
  const catalog = { ...defaultCatalog(), version };
  change(catalog);
  return JSON.stringify(signCatalog(catalog, demoPrivateKey()), null, 2);
}

async function adminFleet(): Promise<FleetResponse['kiosks']> {
  const res = await fetch(`${central.url}/v1/admin/fleet`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    signal: AbortSignal.timeout(10_000),
  });
  return ((await res.json()) as FleetResponse).kiosks;
}

test.beforeAll(async () => {
  if (!existsSync(path.join(DEFAULT_CONSOLE_DIR, 'index.html')))
    throw new Error('the console is not built: run npm run build first');
  dir = mkdtempSync(path.join(tmpdir(), 'console-catalogs-e2e-'));
  const centralDir = path.join(dir, 'central');
  mkdirSync(centralDir);
  const db = await openCentralDb(path.join(centralDir, 'central.sqlite'));
  await addConsoleUser(db, { name: 'chief', role: 'administrator', password: PASSWORD });
  await db.close();
  central = await startCentralServer({
    dataDir: centralDir,
    kioskTokens: TOKENS,
    adminToken: ADMIN_TOKEN,
    catalogTrustedKeys: [demoTrustedKey()],
  });
  // Version 2 is the published catalog, to every kiosk, through the administrators' bearer-token API.
  const published = await fetch(`${central.url}/v1/admin/catalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: signedCatalog(2),
    signal: AbortSignal.timeout(10_000),
  });
  expect(published.status).toBe(200);
  // Two real kiosks: one in the Hong Kong/Macao residents' zone, one in no group.
  for (const [kioskId, groups] of [
    ['hk-01', ['hk-macao-zone']],
    ['city-01', []],
  ] as const) {
    const dataDir = path.join(dir, kioskId);
    mkdirSync(dataDir);
    cores.push(
      await startKioskCore({
        dataDir,
        mode: 'demonstration',
        host: 'browser',
        log: silentLogger,
        fileLog: false,
        kioskId,
        kioskGroups: groups,
        centralUrl: central.url,
        centralToken: TOKENS[kioskId],
        heartbeatIntervalMs: 1_000,
      }),
    );
  }
  // Both run version 2 before the administrator arrives.
  await expect
    .poll(async () => (await adminFleet()).map((k) => [k.kioskId, k.catalogVersion, k.kioskGroups]), {
      timeout: 30_000,
    })
    .toEqual([
      ['city-01', 2, []],
      ['hk-01', 2, ['hk-macao-zone']],
    ]);
});

test.afterAll(async () => {
  for (const core of cores.splice(0)) await core.close();
  await central?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an administrator uploads a signed catalog, reads the diff, publishes it to one group, and that group applies it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  const v3 = signedCatalog(3, (catalog) => {
    const certificate = catalog.services.find((s) => s.id === 'household-certificate');
    if (!certificate) throw new Error('the demonstration catalog changed');
    certificate.name = { 'zh-CN': '户籍证明', 'zh-HK': '戶籍證明', en: 'Household certificate' };
    certificate.fee = { amount: 10 };
    catalog.services = catalog.services.filter((s) => s.id !== 'lost-property');
  });
  const files = path.join(dir, 'files');
  mkdirSync(files);
  const goodFile = path.join(files, 'catalog-v3.signed.json');
  writeFileSync(goodFile, v3);
  // The same file changed after signing: the server refuses it.
  const tamperedFile = path.join(files, 'catalog-v3-tampered.signed.json');
  writeFileSync(tamperedFile, v3.replace('户籍证明"', '户口证明"'));

  await page.goto(`${central.url}/console/`);
  await page.getByLabel('用户名 User name').fill('chief');
  await page.getByLabel('密码 Password').fill(PASSWORD);
  await page.getByRole('button', { name: '登录 Sign in' }).click();
  await page.getByRole('button', { name: '服务目录 Catalogs' }).click();

  const file = page.getByLabel('签名目录文件 Signed catalog file');
  await file.setInputFiles(tamperedFile);
  await expect(page.getByRole('alert')).toContainText('签名与内容不符');
  await expect(page.getByRole('alert')).toContainText('the signature does not match the content');
  await page.screenshot({ path: path.join(SHOTS, 'console-catalog-refused.png') });

  await file.setInputFiles(goodFile);
  await expect(page.getByText('签名核验通过')).toBeVisible();
  const preview = page.getByLabel('与当前已发布版本比较 Compared with the published version');
  await expect(preview).toContainText('版本由 2 升至 3');
  await expect(preview).toContainText('名称由「户籍证明开具」改为「户籍证明」');
  await expect(preview).toContainText('费用由「免费」改为「10 元」');
  await expect(preview).toContainText('fee from free to ¥10');
  await expect(preview.locator('.service-list.removed')).toContainText('lost-property');
  await page.screenshot({ path: path.join(SHOTS, 'console-catalog-diff.png'), fullPage: true });

  await page.getByRole('radio', { name: /指定分组 Chosen groups/ }).check();
  await page.getByRole('checkbox', { name: /hk-macao-zone/ }).check();
  await page.screenshot({ path: path.join(SHOTS, 'console-catalog-target.png'), fullPage: true });
  const publishedAt = Date.now();
  await page.getByRole('button', { name: '发布 Publish' }).click();
  await expect(page.getByRole('status')).toContainText('已发布版本 Published version 3');

  // The kiosk in the group picks it up and says so in its heartbeat; the page shows it applied.
  const v3Section = page.getByRole('region', { name: '目录版本 3 Catalog version 3' });
  const hkRow = v3Section.getByRole('row', { name: /hk-01/ });
  await expect(hkRow).toHaveAttribute('data-state', 'applied', { timeout: 30_000 });
  await expect(hkRow).toContainText('已应用 Applied');
  // The kiosk outside the group is not a target of version 3, and after its next heartbeat still runs 2.
  await expect(v3Section.getByRole('row', { name: /city-01/ })).toHaveCount(0);
  await expect
    .poll(
      async () => {
        const city = (await adminFleet()).find((k) => k.kioskId === 'city-01');
        return city?.lastHeartbeatAt && Date.parse(city.lastHeartbeatAt) > publishedAt + 1_000
          ? city.catalogVersion
          : 'waiting';
      },
      { timeout: 30_000 },
    )
    .toBe(2);
  await page.screenshot({ path: path.join(SHOTS, 'console-catalogs.png'), fullPage: true });

  // The fleet, filtered by group.
  await page.getByRole('button', { name: '终端状态 Fleet' }).click();
  const fleet = page.getByRole('table');
  await expect(fleet.getByRole('row', { name: /hk-01/ })).toContainText('hk-macao-zone');
  await page.getByLabel('按分组筛选 Filter by group').selectOption('hk-macao-zone');
  await expect(fleet.getByRole('row', { name: /city-01/ })).toHaveCount(0);
  const hk = fleet.getByRole('row', { name: /hk-01/ });
  await expect(hk.getByRole('cell').nth(3)).toHaveText('3');
  await page.screenshot({ path: path.join(SHOTS, 'console-fleet-group.png') });
  await page.getByLabel('按分组筛选 Filter by group').selectOption('(none)');
  await expect(fleet.getByRole('row', { name: /city-01/ })).toBeVisible();
  await expect(fleet.getByRole('row', { name: /hk-01/ })).toHaveCount(0);

  // The signed-out session check (401) and the refused upload (422) are the expected failed requests.
  expect(problems.filter((text) => !/status of (401|422)/.test(text))).toEqual([]);
});
