import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The project's ESLint config (eslint.config.js) on small in-memory files placed where a wrong-way import would
 * be: each must be reported by `booth/import-boundaries`, and the right-way imports beside them must not.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: path.join(repoRoot, 'eslint.config.js') });

async function boundaryProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'booth/import-boundaries').map((m) => m.message);
}

describe('the import boundaries rule (project ESLint config)', () => {
  it.each([
    [
      'main/services/session/wrong.ts',
      "import { apiError } from '../../api/protocol.js';\n",
      'main/api/protocol',
    ],
    [
      'main/core/wrong.ts',
      "import { startCentralServer } from '../../central/server.js';\n",
      'central/server',
    ],
    ['main/services/sync/wrong.ts', "export * from '../../../central/db.js';\n", 'central/db'],
    ['central/wrong.ts', "import { createStore } from '../main/store/store.js';\n", 'main/store/store'],
    ['central/console-app/wrong.ts', "import type { X } from '../../main/api/views.js';\n", 'main/api/views'],
    ['contract/wrong.ts', "import { x } from '../central/db.js';\n", 'central/db'],
    ['drivers/printer/wrong.ts', "import { x } from '../../central/db.js';\n", 'central/db'],
    [
      'renderer/citizen/wrong.tsx',
      "import { x } from '../../compose/browser-host.js';\n",
      'compose/browser-host',
    ],
    // The five kiosk modules the central server used to reuse (moved to contract/catalog and domain/documents):
    // no allowance is left, whatever the path.
    [
      'central/wrong.ts',
      "import { validateCatalog } from '../main/services/catalog/schema.js';\n",
      'main/services/catalog/schema',
    ],
    [
      'central/wrong.ts',
      "import type { TrustedKey } from '../main/services/catalog/signing.js';\n",
      'main/services/catalog/signing',
    ],
    [
      'central/wrong.ts',
      "import type { ReceiptData } from '../main/services/documents/receipt-data.js';\n",
      'main/services/documents/receipt-data',
    ],
    [
      'central/wrong.ts',
      "import { maskName } from '../main/services/documents/receipt-escpos.js';\n",
      'main/services/documents/receipt-escpos',
    ],
    [
      'central/wrong.ts',
      "import { renderDocument } from '../main/services/documents/render.js';\n",
      'main/services/documents/render',
    ],
    [
      'central/console-app/wrong.ts',
      "import { x } from '../../main/services/face/photo.js';\n",
      'main/services/face/photo',
    ],
    [
      'contract/catalog/wrong.ts',
      "import { x } from '../../domain/documents/text.js';\n",
      'domain/documents/text',
    ],
    ['domain/documents/wrong.ts', "import { x } from '../../main/core/log.js';\n", 'main/core/log'],
    ['domain/documents/wrong.ts', "import { x } from '../../central/db.js';\n", 'central/db'],
    [
      'domain/documents/wrong.ts',
      "import { x } from '../../drivers/printer/encoder.js';\n",
      'drivers/printer/encoder',
    ],
  ])('reports a wrong-way import in %s', async (file, code, target) => {
    const problems = await boundaryProblems(file, `${code}export const y = 1;\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`'${target}' may not be imported here`);
  });

  it.each([
    // main/services/central is the kiosk's client of the central API, not the central server.
    ['main/services/sync/right.ts', "import type { CentralClient } from '../central/client.js';\n"],
    ['main/services/sync/right2.ts', "import type { BatchItem } from '../../../contract/central-api.js';\n"],
    ['central/right.ts', "import { centralPaths } from '../contract/central-api.js';\n"],
    ['main/api/right.ts', "import { apiError } from '../services/errors.js';\n"],
    ['main/services/sync/right3.ts', "import type { Logger } from '../../core/log.js';\n"],
    ['compose/right.ts', "import { startCentralServer } from '../central/server.js';\n"],
    // What both sides share: the catalog's format and signature (contract/), documents and masking (domain/).
    ['central/right2.ts', "import { verifySignedCatalog } from '../contract/catalog/signing.js';\n"],
    ['central/right3.ts', "import { renderDocument } from '../domain/documents/render.js';\n"],
    ['main/core/right.ts', "import { maskName } from '../../domain/documents/masking.js';\n"],
    ['domain/documents/right.ts', "import type { Catalog } from '../../contract/catalog/schema.js';\n"],
    // Tests may import both sides.
    ['main/services/sync/right.test.ts', "import { fixtures } from '../../../central/fixtures.js';\n"],
  ])('accepts the right-way import in %s', async (file, code) => {
    expect(await boundaryProblems(file, `${code}export const y = 1;\n`)).toEqual([]);
  });
});

/** Repository-relative targets of the relative imports in `file` (without extension). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((spec) =>
    path
      .relative(repoRoot, path.resolve(path.dirname(file), spec))
      .split(path.sep)
      .join('/')
      .replace(/\.(c|m)?(t|j)sx?$/, ''),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.name === 'node_modules' || entry.name === 'generated') return [];
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('the tree as it is', () => {
  it.each([
    ['central', ['main/', 'renderer/', 'compose/']],
    ['contract', ['main/', 'central/', 'domain/', 'drivers/', 'renderer/', 'compose/']],
    ['domain', ['main/', 'central/', 'drivers/', 'renderer/', 'compose/']],
    ['main', ['central/', 'compose/']],
  ])('%s/ imports none of %j (outside its tests)', (root, forbidden) => {
    const files = sourceFiles(path.join(repoRoot, root));
    expect(files.length).toBeGreaterThan(0);
    const wrong = files.flatMap((file) =>
      relativeImports(file)
        .filter((target) => forbidden.some((f) => target.startsWith(f)))
        .map((target) => `${path.relative(repoRoot, file)} → ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  it('the central server has no allowance into the kiosk left', async () => {
    const { importZones } = (await import(path.join(repoRoot, 'eslint.config.js'))) as {
      importZones: { from: string[]; allow?: string[] }[];
    };
    const central = importZones.filter((z) => z.from.includes('central'));
    expect(central.length).toBeGreaterThan(0);
    expect(central.flatMap((z) => z.allow ?? [])).toEqual([]);
  });
});
