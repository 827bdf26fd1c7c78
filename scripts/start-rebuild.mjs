// Whether `npm start` must rebuild the renderer or the web console before starting (scripts/start.mjs): a build
// is stale when its output is missing or older than any source that can end up in it. Checked by
// test/integration/start-rebuild.test.ts, which also follows the imports of both apps to every file they reach.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Everything that can end up in the renderer's or the console's bundle, relative to the repository: the apps,
 * the Node-side modules they import (views, catalog rules, contract, drivers' pure codecs), the font and face
 * Vite plugins with the texts and catalogs they read, and the lockfile (a dependency's new version, e.g. the font
 * package's — npm gives installed files a fixed old mtime, so the lockfile is the only clock that moves).
 * Not compose/ (the browser host runs it from source through tsx) nor what build:main bundles (start.mjs
 * rebuilds that every time it starts Electron).
 */
export const BUILD_SOURCES = [
  'renderer',
  // The console app and the server's schemas it imports (whole, so that code moving inside central/ stays covered).
  'central',
  'main',
  'drivers',
  'contract',
  'domain',
  'scripts/fonts',
  'scripts/face',
  'resources',
  'package.json',
  'package-lock.json',
];

/** The builds `npm start` needs: the kiosk's renderer and the local central server's web console. */
export const START_BUILDS = [
  { what: 'the renderer', script: 'build:renderer', output: 'dist/renderer/index.html' },
  { what: 'the web console', script: 'build:console', output: 'dist/console/index.html' },
];

/** Inside the source folders but not sources: what the builds generate there, tests, and documents. */
const NOT_SOURCE = /(^|\/)(generated|__image_snapshots__|node_modules)(\/|$)|\.(test|spec)\.tsx?$|\.md$/;

/**
 * The newest source file under `sources` (relative to `root`; missing ones are skipped), or null when none.
 * @param {string} root
 * @param {readonly string[]} [sources]
 * @returns {{ file: string, mtimeMs: number } | null}
 */
export function newestSource(root, sources = BUILD_SOURCES) {
  /** @type {{ file: string, mtimeMs: number } | null} */
  let newest = null;
  const visit = (rel) => {
    if (NOT_SOURCE.test(rel)) return;
    const full = path.join(root, rel);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(full)) visit(`${rel}/${name}`);
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) {
      newest = { file: rel, mtimeMs: stat.mtimeMs };
    }
  };
  for (const source of sources) visit(source);
  return newest;
}

/**
 * The builds to run before starting, each with the reason: its output is missing, or a source is newer.
 * @param {string} root
 * @param {{ builds?: ReadonlyArray<{ what: string, script: string, output: string }>, sources?: readonly string[] }} [options]
 * @returns {Array<{ what: string, script: string, reason: string }>}
 */
export function staleBuilds(root, { builds = START_BUILDS, sources = BUILD_SOURCES } = {}) {
  const newest = newestSource(root, sources);
  /** @type {Array<{ what: string, script: string, reason: string }>} */
  const stale = [];
  for (const build of builds) {
    const output = path.join(root, build.output);
    if (!existsSync(output)) stale.push({ ...build, reason: `${build.output} is missing` });
    else if (newest && newest.mtimeMs > statSync(output).mtimeMs)
      stale.push({ ...build, reason: `${newest.file} is newer than ${build.output}` });
  }
  return stale;
}
