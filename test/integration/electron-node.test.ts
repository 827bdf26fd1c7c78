import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ELECTRON_NODE_VERSION,
  electronNodeVersion,
  nodeMajorOfElectronPackage,
} from '../../scripts/electron-node.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repository with package.json pinning `pinned` and node_modules/electron/package.json as given. */
function repoWith(pinned: string, installed: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-electron-node-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: { electron: pinned } }));
  mkdirSync(path.join(dir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(path.join(dir, 'node_modules', 'electron', 'package.json'), JSON.stringify(installed));
  return dir;
}

describe("the pinned Electron's Node", () => {
  it('is read from the @types/node range the Electron package depends on', () => {
    expect(nodeMajorOfElectronPackage({ dependencies: { '@types/node': '^24.9.0' } })).toBe(24);
    expect(nodeMajorOfElectronPackage({ dependencies: { '@types/node': '~22.7.7' } })).toBe(22);
    expect(nodeMajorOfElectronPackage({ dependencies: { '@types/node': '20.1.0' } })).toBe(20);
  });

  it('fails loudly rather than guessing when the Electron package does not say', () => {
    expect(() => nodeMajorOfElectronPackage({ version: '99.0.0', dependencies: {} })).toThrow(
      /cannot tell which Node electron@99\.0\.0 embeds/,
    );
    expect(() => nodeMajorOfElectronPackage({ dependencies: { '@types/node': '*' } })).toThrow(/cannot tell/);
    expect(() => nodeMajorOfElectronPackage({ dependencies: { '@types/node': '>=20' } })).toThrow(
      /cannot tell/,
    );
  });

  it('for this repository: Electron 45.5.0 embeds Node 24, tested on the pinned 24.x', () => {
    expect(electronNodeVersion(root)).toEqual({
      electron: '45.5.0',
      major: 24,
      version: ELECTRON_NODE_VERSION,
    });
    expect(ELECTRON_NODE_VERSION).toMatch(/^24\.\d+\.\d+$/);
  });

  it('refuses an Electron whose Node major is not the pinned Node', () => {
    const dir = repoWith('46.0.0', { version: '46.0.0', dependencies: { '@types/node': '^26.1.0' } });
    expect(() => electronNodeVersion(dir)).toThrow(
      /embeds Node 26, but scripts\/electron-node\.mjs pins Node 24/,
    );
  });

  it('refuses an installed Electron other than the pinned one, and a range instead of a pin', () => {
    const stale = repoWith('45.5.0', { version: '45.4.0', dependencies: { '@types/node': '^24.9.0' } });
    expect(() => electronNodeVersion(stale)).toThrow(/is 45\.4\.0, package\.json pins 45\.5\.0/);
    const ranged = repoWith('^45.5.0', { version: '45.5.0', dependencies: { '@types/node': '^24.9.0' } });
    expect(() => electronNodeVersion(ranged)).toThrow(/exact version/);
  });
});
