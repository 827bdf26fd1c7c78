import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONSOLE_DIR } from '../../central/console.js';
import { sampleHeartbeat } from '../../central/fixtures.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';

/**
 * The web console in Chromium (central/console.ts, central/console-app): an administrator created through the
 * CLI signs in, sees the fleet with a stale kiosk highlighted, reads the audit trail and signs out; a wrong
 * password is refused and audited. The console is for officers at desks: ordinary clicks and typing.
 */

/** In the page (the test's tsconfig has no DOM types). */
declare function getComputedStyle(element: unknown): { backgroundColor: string };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots of the console pages (1920×1080) for people to look at; not compared. */
const SHOTS = path.join(repoRoot, '.tmp/console-screenshots');
const PASSWORD = 'correct horse battery staple';
const KIOSKS = { 'bj-dc-01': 'token-bj-dc-01', 'bj-dc-02': 'token-bj-dc-02', 'sh-pd-01': 'token-sh-pd-01' };

let dataDir: string;
let central: CentralServer;
/** Added to the server's clock: a heartbeat sent while it is -10 min is 10 min old afterwards. */
let clockOffsetMs = 0;

async function heartbeat(kioskId: keyof typeof KIOSKS, mode: 'production' | 'demonstration'): Promise<void> {
  const res = await fetch(`${central.url}/v1/heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KIOSKS[kioskId]}` },
    body: JSON.stringify({
      kioskId,
      ...sampleHeartbeat({
        appVersion: '0.1.0',
        catalogVersion: 3,
        outbox: { depth: 4, oldestAgeMs: 90_000 },
        health: {
          mode,
          uptimeS: 3600,
          diskFreeBytes: null,
          memoryRssBytes: null,
          outboxLastError: null,
          catalogStagedVersion: null,
          centralLatencyMs: 12,
        },
      }),
    }),
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
}

test.beforeAll(async () => {
  if (!existsSync(path.join(DEFAULT_CONSOLE_DIR, 'index.html')))
    throw new Error('the console is not built: run npm run build:console first');
  dataDir = mkdtempSync(path.join(tmpdir(), 'console-e2e-'));
  // The first administrator, created the way an operator does: the password on standard input, never argv.
  const cli = spawnSync(
    path.join(repoRoot, 'node_modules/.bin/tsx'),
    ['central/main.ts', 'user', 'add', 'chief', '--role', 'administrator', '--data', dataDir],
    { cwd: repoRoot, input: `${PASSWORD}\n`, encoding: 'utf8', timeout: 60_000 },
  );
  expect(cli.stderr).toBe('');
  expect(cli.stdout).toContain('console user chief (administrator) created');
  central = await startCentralServer({
    dataDir,
    kioskTokens: KIOSKS,
    adminToken: 'admin-token-for-console-e2e',
    now: () => Date.now() + clockOffsetMs,
  });
  clockOffsetMs = -10 * 60_000;
  await heartbeat('bj-dc-02', 'production');
  clockOffsetMs = 0;
  await heartbeat('bj-dc-01', 'production');
  await heartbeat('sh-pd-01', 'demonstration');
});

test.afterAll(async () => {
  await central?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('an administrator signs in, sees the fleet with a stale kiosk, reads the audit trail and signs out', async ({
  page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  const problems: string[] = [];
  // A CSP violation or a script error shows up here: the console must run under its strict policy as built.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(`${central.url}/console/`);
  const name = page.getByLabel('用户名 User name');
  const password = page.getByLabel('密码 Password');
  await expect(name).toBeVisible();

  // A wrong password: refused on screen, no session.
  await name.fill('chief');
  await password.fill('not the password at all');
  await page.getByRole('button', { name: '登录 Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('用户名或密码错误 Wrong name or password');
  await page.screenshot({ path: path.join(SHOTS, 'console-sign-in-refused.png') });

  await password.fill(PASSWORD);
  await page.getByRole('button', { name: '登录 Sign in' }).click();
  const fleet = page.getByRole('table');
  await expect(fleet.getByRole('rowheader', { name: /bj-dc-01/ })).toBeVisible();
  const fresh = fleet.getByRole('row', { name: /bj-dc-01/ });
  const stale = fleet.getByRole('row', { name: /bj-dc-02/ });
  await expect(fresh).toHaveAttribute('data-stale', 'false');
  await expect(fresh).toContainText('正式 Production');
  await expect(fresh).toContainText('printer: error (paper-out)');
  await expect(stale).toHaveAttribute('data-stale', 'true');
  await expect(stale).toContainText('失联 Stale');
  await expect(stale).toContainText(/10 分钟前 min ago/);
  await expect(fleet.getByRole('row', { name: /sh-pd-01/ })).toContainText('演示 Demonstration');
  // The highlight is drawn, not only marked up.
  const background = await stale.evaluate((row) => getComputedStyle(row).backgroundColor);
  expect(background).not.toBe('rgba(0, 0, 0, 0)');
  await page.screenshot({ path: path.join(SHOTS, 'console-fleet.png') });

  await page.getByLabel('按终端编号前缀筛选 Filter by kiosk id prefix').fill('bj-');
  await expect(fleet.getByRole('row', { name: /sh-pd-01/ })).toHaveCount(0);
  await expect(fleet.getByRole('row', { name: /bj-dc-02/ })).toBeVisible();

  await page.getByRole('button', { name: '审计日志 Audit trail' }).click();
  const audit = page.getByRole('table');
  await expect(
    audit.getByRole('row').filter({ hasText: 'sign-in' }).filter({ hasText: '拒绝 Refused' }),
  ).toContainText('wrong name or password');
  await expect(
    audit.getByRole('row').filter({ hasText: 'sign-in' }).filter({ hasText: '成功 OK' }),
  ).toHaveCount(1);
  await expect(audit).not.toContainText(PASSWORD);
  await expect(audit).not.toContainText('not the password at all');
  await page.screenshot({ path: path.join(SHOTS, 'console-audit.png') });

  await page.getByRole('button', { name: '退出登录 Sign out' }).click();
  await expect(name).toBeVisible();
  // The session is gone server-side: a reload lands on the sign-in page again.
  await page.reload();
  await expect(page.getByLabel('用户名 User name')).toBeVisible();
  const cookies = await page.context().cookies();
  expect(cookies.filter((cookie) => cookie.name.includes('booth_console') && cookie.value !== '')).toEqual(
    [],
  );

  // The 401 of the signed-out session check is the only expected console error (Chromium logs failed fetches).
  expect(problems.filter((text) => !/status of 401/.test(text))).toEqual([]);
});
