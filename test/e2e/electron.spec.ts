import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

/**
 * Smoke test of the packaged shape of the Electron app: starts dist/main/electron/main.js in the real
 * Electron binary, sees the attract screen, checks the page has the bridge and no Node, and quits.
 * Skipped (with the reason) where the Electron binary is not installed — e.g. machines where its download
 * is impossible; the app then runs under the browser host, which has its own e2e tests.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Electron executable, found the way the electron package does — without triggering its download. */
function electronBinary(): { path?: string; reason?: string } {
  const packageDir = path.join(repoRoot, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile))
    return { reason: `Electron binary not installed: ${path.relative(repoRoot, pathFile)} is missing` };
  const executable = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(executable))
    return { reason: `Electron binary not installed: ${path.relative(repoRoot, executable)} does not exist` };
  return { path: executable };
}

const binary = electronBinary();

test.describe('Electron shell', () => {
  test.skip(binary.path === undefined, binary.reason ?? 'Electron binary not installed');

  test('starts the kiosk window on the attract screen and quits', async () => {
    const mainJs = path.join(repoRoot, 'dist', 'main', 'electron', 'main.js');
    const indexHtml = path.join(repoRoot, 'dist', 'renderer', 'index.html');
    if (!existsSync(mainJs) || !existsSync(indexHtml)) {
      throw new Error('The app is not built: run `npm run build` before the Electron e2e test.');
    }
    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-e2e-electron-'));
    const app = await electron.launch({
      executablePath: binary.path,
      // --password-store=basic: CI has no keyring; BOOTH_ALLOW_WEAK_KEYSTORE accepts that for this test only.
      args: [mainJs, '--password-store=basic'],
      cwd: repoRoot,
      env: {
        ...process.env,
        BOOTH_SIMULATE: '1',
        BOOTH_DATA_DIR: path.join(dataDir, 'data'),
        BOOTH_USER_DATA_DIR: path.join(dataDir, 'user-data'),
        BOOTH_ALLOW_WEAK_KEYSTORE: '1',
      },
    });
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveTitle(/Smart Police Booth/);
      await expect(page.locator('body')).toBeVisible();
      expect(page.url()).toMatch(/^app:\/\/kiosk\//);
      const host = await page.evaluate(() => {
        const w = globalThis as unknown as {
          kioskHost?: { kind?: string };
          require?: unknown;
          process?: unknown;
        };
        return { kind: w.kioskHost?.kind, require: typeof w.require, process: typeof w.process };
      });
      expect(host).toEqual({ kind: 'electron', require: 'undefined', process: 'undefined' });
      const windows = await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows().map((window) => ({
          kiosk: window.isKiosk(),
          devTools: window.webContents.isDevToolsOpened(),
        })),
      );
      expect(windows).toEqual([{ kiosk: true, devTools: false }]);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
