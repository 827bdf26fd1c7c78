import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findImportCycles } from '../../scripts/import-cycles.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('runtime import cycles (scripts/import-cycles.ts)', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('finds none in the repository', () => {
    const found = findImportCycles(repoRoot);
    expect(found.modules).toBeGreaterThan(100);
    expect(found.cycles).toEqual([]);
  });

  it('finds a cycle through a registry, and ignores type-only imports', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'booth-cycles-'));
    made.push(root);
    mkdirSync(path.join(root, 'main/cli/commands'), { recursive: true });
    writeFileSync(
      path.join(root, 'main/cli/main.ts'),
      "import { all } from './registry.js';\nexport const x = all;\n",
    );
    writeFileSync(
      path.join(root, 'main/cli/registry.ts'),
      "import { a } from './commands/a.js';\nexport const all = [a];\n",
    );
    writeFileSync(
      path.join(root, 'main/cli/commands/a.ts'),
      "import { parse } from '../main.js';\nexport const a = parse;\n",
    );
    // Type-only in both directions: no cycle at run time.
    writeFileSync(
      path.join(root, 'main/cli/t1.ts'),
      "import type { T2 } from './t2.js';\nexport type T1 = T2;\n",
    );
    writeFileSync(
      path.join(root, 'main/cli/t2.ts'),
      "import { type T1 } from './t1.js';\nexport type T2 = T1 | 1;\n",
    );
    expect(findImportCycles(root).cycles).toEqual([
      ['main/cli/commands/a.ts', 'main/cli/main.ts', 'main/cli/registry.ts'],
    ]);
  });
});
