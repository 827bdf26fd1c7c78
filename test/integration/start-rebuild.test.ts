import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_SOURCES, staleBuilds } from '../../scripts/start-rebuild.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes `rel` under `dir` with its mtime set to `at` (seconds since the epoch). */
function file(dir: string, rel: string, at: number): void {
  const full = path.join(dir, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, rel);
  utimesSync(full, at, at);
}

/** A checkout whose sources date from t=1000 and whose two builds from t=2000. */
function builtCheckout(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-start-rebuild-'));
  dirs.push(dir);
  for (const rel of [
    'renderer/App.tsx',
    'main/api/views.ts',
    'central/console-app/App.tsx',
    'package-lock.json',
  ])
    file(dir, rel, 1000);
  file(dir, 'dist/renderer/index.html', 2000);
  file(dir, 'dist/console/index.html', 2000);
  return dir;
}

const scripts = (dir: string): string[] => staleBuilds(dir).map((b) => b.script);

describe('npm start: which builds are stale', () => {
  it('builds whatever is missing', () => {
    const dir = builtCheckout();
    rmSync(path.join(dir, 'dist/console'), { recursive: true });
    expect(staleBuilds(dir)).toEqual([
      {
        what: 'the web console',
        script: 'build:console',
        output: 'dist/console/index.html',
        reason: 'dist/console/index.html is missing',
      },
    ]);
  });

  it('builds nothing when every output is newer than every source', () => {
    expect(staleBuilds(builtCheckout())).toEqual([]);
  });

  it.each([
    'drivers/scanner/gs1.ts',
    'contract/central-api.ts',
    'main/services/catalog/rules.ts',
    'central/console-app/pages/Fleet.tsx',
    'scripts/fonts/renderer-fonts.ts',
    'resources/catalog/default-catalog.json',
    'package-lock.json',
  ])('rebuilds both when %s is newer than the outputs', (rel) => {
    const dir = builtCheckout();
    file(dir, rel, 3000);
    expect(scripts(dir)).toEqual(['build:renderer', 'build:console']);
    expect(staleBuilds(dir)[0]?.reason).toBe(`${rel} is newer than dist/renderer/index.html`);
  });

  it('rebuilds only the output that is older than the newest source', () => {
    const dir = builtCheckout();
    file(dir, 'main/api/views.ts', 2500);
    file(dir, 'dist/console/index.html', 2600);
    expect(scripts(dir)).toEqual(['build:renderer']);
  });

  it('ignores tests, documents and what the builds generate inside the source folders', () => {
    const dir = builtCheckout();
    file(dir, 'renderer/App.test.tsx', 3000);
    file(dir, 'drivers/printer/encoder.test.ts', 3000);
    file(dir, 'renderer/fonts/generated/fonts.css', 3000);
    file(dir, 'central/console-app/generated/fonts.css', 3000);
    file(dir, 'drivers/printer/__image_snapshots__/a.png', 3000);
    file(dir, 'drivers/id-card/README.md', 3000);
    expect(staleBuilds(dir)).toEqual([]);
  });
});

/** The repository files a source imports by relative path (static, dynamic and side-effect imports). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map(
    (m) => m[1]!,
  );
  return specs.flatMap((spec) => {
    const base = path.resolve(path.dirname(file), spec);
    const candidates = [
      base,
      base.replace(/\.js$/, '.ts'),
      base.replace(/\.js$/, '.tsx'),
      base.replace(/\.cjs$/, '.cts'),
      `${base}.ts`,
      `${base}.tsx`,
      path.join(base, 'index.ts'),
    ];
    const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    return found ? [found] : [];
  });
}

/** Every file the two apps (and their Vite configs and plugins) reach through relative imports. */
function reachedByTheApps(): string[] {
  const start: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules') walk(full);
      } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) start.push(full);
    }
  };
  walk(path.join(root, 'renderer'));
  walk(path.join(root, 'central/console-app'));
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...relativeImports(next));
  }
  return [...seen].map((f) => path.relative(root, f).split(path.sep).join('/'));
}

const outside = (files: readonly string[], sources: readonly string[]): string[] =>
  files.filter((f) => !sources.some((s) => f === s || f.startsWith(`${s}/`)));

describe('the sources npm start watches', () => {
  it('cover every file the renderer and the web console import, transitively', () => {
    const reached = reachedByTheApps();
    expect(reached.length).toBeGreaterThan(100);
    expect(outside(reached, BUILD_SOURCES)).toEqual([]);
  });

  it('go beyond renderer/ and main/api, which the apps reach past (what start.mjs used to watch)', () => {
    const missed = outside(reachedByTheApps(), ['renderer', 'main/api']);
    expect(missed.some((f) => f.startsWith('contract/'))).toBe(true);
    expect(missed.some((f) => f.startsWith('central/console-app/'))).toBe(true);
    expect(missed.some((f) => f.startsWith('scripts/fonts/'))).toBe(true);
  });
});
