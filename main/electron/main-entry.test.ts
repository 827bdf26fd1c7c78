import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from './testing/fake-electron.js';

vi.mock('electron', async () => (await import('./testing/fake-electron.js')).createFakeElectron());

/**
 * Loads the BUILT main bundle (dist layout, from scripts/build-main.mjs) against the fake 'electron' and
 * checks the entry's wiring: where it looks for the renderer, the preload and the core, and the
 * BOOTH_USER_DATA_DIR override.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let outDir: string;
let mainJs: string;

beforeAll(async () => {
  mkdirSync(path.join(repoRoot, '.tmp'), { recursive: true });
  outDir = mkdtempSync(path.join(repoRoot, '.tmp', 'main-entry-'));
  const { buildMain } = (await import(path.join(repoRoot, 'scripts', 'build-main.mjs'))) as {
    buildMain(options: { outDir: string; quiet: boolean }): Promise<{ main: string }>;
  };
  mainJs = (await buildMain({ outDir, quiet: true })).main;
  mkdirSync(path.join(outDir, 'renderer'));
  writeFileSync(path.join(outDir, 'renderer', 'index.html'), '<title>Smart Police Booth</title>');
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('built main entry', () => {
  it('registers the scheme, uses the dist layout and the user-data override, and opens the kiosk', async () => {
    const fake = (await import('electron')) as unknown as FakeElectron;
    fake.reset();
    const userData = path.join(outDir, 'profile');
    mkdirSync(userData);
    const signalsBefore = { int: process.listeners('SIGINT'), term: process.listeners('SIGTERM') };
    vi.stubEnv('BOOTH_USER_DATA_DIR', userData);
    vi.stubEnv('BOOTH_SIMULATE', '1');
    try {
      await import(mainJs);
      await vi.waitFor(() => expect(fake.BrowserWindow.instances).toHaveLength(1), { timeout: 10_000 });
      const window = fake.BrowserWindow.instances[0]!;
      expect(fake.calls.privilegedSchemes).toHaveLength(1);
      expect(fake.calls.enableSandbox).toBe(1);
      expect(fake.control.userData).toBe(userData);
      expect(readdirSync(userData)).toEqual(['data.key.sealed']);
      expect((window.options.webPreferences as { preload: string }).preload).toBe(
        path.join(outDir, 'main', 'electron', 'preload.cjs'),
      );
      expect(existsSync((window.options.webPreferences as { preload: string }).preload)).toBe(true);
      expect(fake.calls.forks[0]?.modulePath).toBe(path.join(outDir, 'main', 'core', 'utility-entry.js'));
      expect(existsSync(fake.calls.forks[0]?.modulePath ?? '')).toBe(true);
      await vi.waitFor(() => expect(window.webContents.loadedUrls).toEqual(['app://kiosk/index.html']), {
        timeout: 10_000,
      });
      const handler = fake.defaultSession.protocolHandlers.get('app');
      const response = await handler?.(new Request('app://kiosk/'));
      expect(response?.status).toBe(200);
      expect(await response?.text()).toContain('Smart Police Booth');
      // SIGTERM takes the normal quit path.
      const added = process.listeners('SIGTERM').filter((l) => !signalsBefore.term.includes(l));
      expect(added).toHaveLength(1);
      added[0]?.('SIGTERM');
      expect(fake.calls.quit).toBe(1);
    } finally {
      vi.unstubAllEnvs();
      for (const l of process.listeners('SIGINT'))
        if (!signalsBefore.int.includes(l)) process.off('SIGINT', l);
      for (const l of process.listeners('SIGTERM'))
        if (!signalsBefore.term.includes(l)) process.off('SIGTERM', l);
    }
  }, 60_000);
});
