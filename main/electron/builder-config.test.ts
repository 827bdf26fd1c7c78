import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** Kiosk-critical packaging settings in electron-builder.yml. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const configPath = path.join(repoRoot, 'electron-builder.yml');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the YAML document is checked field by field below
const config = parse(readFileSync(configPath, 'utf8')) as Record<string, any>;

describe('electron-builder.yml', () => {
  it('names the product and puts artifacts in release/', () => {
    expect(config.appId).toBe('cn.example.smartpolicebooth');
    expect(config.productName).toBe('Smart Police Booth');
    expect(config.directories.output).toBe('release');
    expect(config.files).toContain('dist/**');
    expect(config.extraResources).toContainEqual(
      expect.objectContaining({ from: 'resources', to: 'resources' }),
    );
  });

  it('leaves the demonstration key and catalog out of the package', () => {
    const resources = (config.extraResources as { from: string; filter: string[] }[]).find(
      (r) => r.from === 'resources',
    );
    expect(resources?.filter).toEqual(
      expect.arrayContaining([
        '!demo/**',
        '!catalog/default-catalog.json',
        '!catalog/default-catalog.signed.json',
      ]),
    );
  });

  it('packs into an asar with native modules unpacked and rebuilt for Electron', () => {
    expect(config.asar).toBe(true);
    for (const pattern of [
      '**/*.node',
      'node_modules/sqlite3/**',
      'node_modules/@serialport/bindings-cpp/**',
      'node_modules/node-hid/**',
      'node_modules/koffi/**',
    ]) {
      expect(config.asarUnpack).toContain(pattern);
    }
    expect(config.npmRebuild).toBe(true);
  });

  it('flips the fuses that stop the binary being used as a Node interpreter or debugger', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it('builds AppImage and deb for Linux with a desktop entry, and a per-machine assisted NSIS installer', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.linux.category).toBeTruthy();
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
    expect(config.linux.desktop.entry.Name).toBe('Smart Police Booth');
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.win.target).toContain('nsis');
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true, deleteAppDataOnUninstall: false });
  });

  it("passes electron-builder's own schema validation", async () => {
    const require = createRequire(import.meta.url);
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      getConfig(dir: string, file: string, options: null): Promise<unknown>;
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(repoRoot, configPath, null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });
});
