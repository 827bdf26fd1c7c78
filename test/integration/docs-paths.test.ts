import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every repository path the documentation and code comments cite exists: docs/*.md, README.md and the folders'
 * own README.md files (paths like `main/core/health.ts`, and the folders of docs/ARCHITECTURE.md's layout tree),
 * and comments in source files that point into docs/ or name a `*.md` file.
 */
const root = path.resolve(import.meta.dirname, '../..');
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

/** Where the repository's own files start; a path beginning with one of these is a citation of a file. */
const TOP = [
  'main',
  'drivers',
  'central',
  'contract',
  'compose',
  'renderer',
  'resources',
  'scripts',
  'test',
  'bench',
  'bin',
  'docs',
  '.ci',
];
const PATH = new RegExp(
  `(?<![\\w./@-])((?:${TOP.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./*<>{}-]*)`,
  'g',
);

/** Whether a cited path exists; a glob or placeholder (`*`, `<group>`) needs only the folder before it. */
function exists(cited: string): boolean {
  const clean = cited.replace(/[.,:;)]+$/, '');
  const glob = clean.search(/[*<{]/);
  const fixed = glob >= 0 ? clean.slice(0, clean.lastIndexOf('/', glob) + 1) : clean;
  return existsSync(path.join(root, fixed));
}

/** `path` cited in `file` (line numbers in the message). */
type Citation = { file: string; line: number; path: string };

function citationsIn(file: string, text: string, pick: (line: string) => string[]): Citation[] {
  return text.split('\n').flatMap((line, i) => pick(line).map((p) => ({ file, line: i + 1, path: p })));
}

const pathsIn = (line: string): string[] =>
  [...line.matchAll(PATH)].map((m) => m[1]!).filter((p) => !p.startsWith('test-results'));

/** The folders and files of the layout tree in docs/ARCHITECTURE.md ("## Layout"), each with its full path. */
function layoutTree(text: string): Citation[] {
  const block = /## Layout\n+```\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const out: Citation[] = [];
  const parents: string[] = [];
  const first = text.slice(0, text.indexOf(block)).split('\n').length;
  block.split('\n').forEach((line, i) => {
    const m = /^( *)([\w.-]+\/)(?:\s|$)/.exec(line);
    // A description's continuation line (indented to the description column) is not an entry.
    if (!m || m[1]!.length % 2 !== 0) return;
    const depth = m[1]!.length / 2;
    parents.length = depth;
    const full = `${parents.join('')}${m[2]}`;
    parents.push(m[2]!);
    out.push({ file: 'docs/ARCHITECTURE.md', line: first + i, path: full });
    // Folders listed in the entry's description ("citizen/, technician/, …") are inside it.
    const description = line.slice(m[0].length);
    for (const sub of description.matchAll(/(?<![\w/.])([a-z][\w-]*\/)(?=[\s,)]|$)/g))
      out.push({ file: 'docs/ARCHITECTURE.md', line: first + i, path: `${full}${sub[1]}` });
  });
  return out;
}

/**
 * Document names cited bare (`HARDWARE.md`) that are neither at the root, in docs/ nor beside `file`: each
 * returned as `?NAME.md`, which never exists.
 */
function missingBareNames(file: string, text: string): string[] {
  return [...text.matchAll(/(?<![\w/.-])([A-Z][A-Z0-9_-]*\.md)\b/g)]
    .map((m) => m[1]!)
    .filter(
      (name) =>
        ![name, `docs/${name}`, path.join(path.dirname(file), name)].some((p) =>
          existsSync(path.join(root, p)),
        ),
    )
    .map((name) => `?${name}`);
}

/** Everything cited: documents in full, source files in their comments only. */
function allCitations(): Citation[] {
  const documents = tracked.filter((f) =>
    /^docs\/[^/]+\.md$|^README\.md$|^[\w-]+\/(?:[\w-]+\/)?README\.md$/.test(f),
  );
  const sources = tracked.filter(
    (f) => /\.(ts|tsx|mjs|cjs|js|cts|mts)$/.test(f) && !f.endsWith('docs-paths.test.ts'),
  );
  const cited: Citation[] = [];
  for (const file of documents) {
    const text = readFileSync(path.join(root, file), 'utf8');
    cited.push(...citationsIn(file, text, (line) => [...pathsIn(line), ...missingBareNames(file, line)]));
    if (file === 'docs/ARCHITECTURE.md') cited.push(...layoutTree(text));
  }
  for (const file of sources) {
    const text = readFileSync(path.join(root, file), 'utf8');
    cited.push(
      ...citationsIn(file, text, (line) => {
        const comment = /(?:^\s*(?:\/\/|\*|\/\*\*?)|\s\/\/\s)(.*)$/.exec(line)?.[1];
        if (comment === undefined) return [];
        return [...pathsIn(comment).filter((p) => p.startsWith('docs/')), ...missingBareNames(file, comment)];
      }),
    );
  }
  return cited;
}

describe('documentation paths', () => {
  it('every path cited in docs, READMEs and comments exists', () => {
    const cited = allCitations();
    expect(cited.length).toBeGreaterThan(200);
    const missing = cited.filter((c) => !exists(c.path)).map((c) => `${c.file}:${c.line} ${c.path}`);
    expect(missing).toEqual([]);
  });

  it('reads the layout tree as folders within folders', () => {
    const tree = layoutTree('## Layout\n\n```\nmain/  x\n  core/  y: a/, b/\nbin/\n```\n').map((c) => c.path);
    expect(tree).toEqual(['main/', 'main/core/', 'main/core/a/', 'main/core/b/', 'bin/']);
  });
});
