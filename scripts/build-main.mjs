#!/usr/bin/env node
// Bundles the Electron side with esbuild:
//   dist/main/electron/main.js       Electron main process (ESM; Electron 45 runs ESM mains)
//   dist/main/electron/preload.cjs   sandboxed preload (CommonJS; a sandboxed preload cannot be ESM)
//   dist/main/core/utility-entry.js  kiosk core for utilityProcess.fork (ESM, the whole core bundled)
//   dist/cli/booth.js                the booth command, compiled (ESM; plain Node, or the app binary's --booth)
// Native addons (and packages that read files next to their own sources) stay external: they are shipped
// in node_modules (asarUnpack'ed where native) by electron-builder.
// Usage: node scripts/build-main.mjs [--outdir DIR]
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ELECTRON_NODE_VERSION } from './electron-node.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Packages that must not be bundled, with the reason. */
export const EXTERNAL_PACKAGES = [
  'electron', // provided by the runtime
  // native addons: .node binaries resolved at run time
  'sqlite3',
  'serialport',
  '@serialport/*',
  'node-hid',
  'koffi',
  // optional native accelerators that ws tries to require
  'bufferutil',
  'utf-8-validate',
  // read their own data files (fonts, AFM metrics) relative to __dirname
  'pdfkit',
  'fontkit',
];

// Bundled CommonJS dependencies call require() and read __dirname; give them both inside the ESM output.
const esmBanner = [
  "import { createRequire as __boothCreateRequire } from 'node:module';",
  "import { fileURLToPath as __boothFileURLToPath } from 'node:url';",
  "import { dirname as __boothDirname } from 'node:path';",
  'const require = __boothCreateRequire(import.meta.url);',
  'const __filename = __boothFileURLToPath(import.meta.url);',
  'const __dirname = __boothDirname(__filename);',
].join('\n');

/** The Node of the pinned Electron (scripts/electron-node.mjs). */
const NODE_TARGET = `node${ELECTRON_NODE_VERSION.split('.')[0]}`;

/**
 * Builds the three bundles into `outDir` (default dist/). Throws when the preload would require anything
 * but 'electron' (a sandboxed preload cannot load other modules).
 */
export async function buildMain({ outDir = path.join(repoRoot, 'dist'), quiet = false } = {}) {
  const common = {
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: quiet ? 'silent' : 'warning',
  };
  const mainOut = path.join(outDir, 'main', 'electron', 'main.js');
  const preloadOut = path.join(outDir, 'main', 'electron', 'preload.cjs');
  const coreOut = path.join(outDir, 'main', 'core', 'utility-entry.js');
  const cliOut = path.join(outDir, 'cli', 'booth.js');
  await Promise.all([
    build({
      ...common,
      entryPoints: ['main/electron/main.ts'],
      outfile: mainOut,
      format: 'esm',
      external: EXTERNAL_PACKAGES,
      banner: { js: esmBanner },
    }),
    build({
      ...common,
      entryPoints: ['main/electron/preload.cts'],
      outfile: preloadOut,
      format: 'cjs',
      external: ['electron'],
    }),
    build({
      ...common,
      entryPoints: ['main/core/utility-entry.ts'],
      outfile: coreOut,
      format: 'esm',
      external: EXTERNAL_PACKAGES,
      banner: { js: esmBanner },
    }),
    // The booth command, compiled: a packaged kiosk has no tsx (bin/booth.mjs, main/electron/main.ts --booth).
    build({
      ...common,
      entryPoints: ['main/cli/booth-process.ts'],
      outfile: cliOut,
      format: 'esm',
      external: EXTERNAL_PACKAGES,
      banner: { js: esmBanner },
    }),
  ]);
  const preload = await readFile(preloadOut, 'utf8');
  const required = [...preload.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
  const foreign = required.filter((name) => name !== 'electron');
  if (foreign.length > 0) {
    throw new Error(
      `preload.cjs requires ${foreign.join(', ')}; a sandboxed preload may only require 'electron'`,
    );
  }
  return { main: mainOut, preload: preloadOut, core: coreOut, cli: cliOut };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outIndex = process.argv.indexOf('--outdir');
  const outDir = outIndex > 0 ? path.resolve(process.argv[outIndex + 1] ?? 'dist') : undefined;
  try {
    const outputs = await buildMain(outDir === undefined ? {} : { outDir });
    for (const file of Object.values(outputs)) console.log(`built ${path.relative(repoRoot, file)}`);
  } catch (error) {
    console.error(`build-main: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
