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
    // Tests may import both sides.
    ['main/services/sync/right.test.ts', "import { fixtures } from '../../../central/fixtures.js';\n"],
  ])('accepts the right-way import in %s', async (file, code) => {
    expect(await boundaryProblems(file, `${code}export const y = 1;\n`)).toEqual([]);
  });
});
