import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The functions that start the kiosk core and the central server, and the roots of the kiosk and console
 * screens, were split along their seams; the project's ESLint config holds each at 100 lines or fewer
 * (`max-lines-per-function`, blank lines and comments counted). These tests show the rule is on for them and
 * measure the functions themselves.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: path.join(repoRoot, 'eslint.config.js') });

async function lengthProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'max-lines-per-function').map((m) => m.message);
}

/** A function of `lines` lines in all (its header and closing brace included). */
function functionOf(lines: number): string {
  const body = Array.from({ length: lines - 3 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  return `export function long(): number {\n${body}\n  return 0;\n}\n`;
}

/** The number of lines of the function declaration named `name` in `file` (from `function` to its brace). */
function declaredLines(file: string, name: string): number {
  const text = readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
  const start = text.findIndex((line) => new RegExp(`^export (async )?function ${name}\\b`).test(line));
  expect(start, `${name} in ${file}`).toBeGreaterThanOrEqual(0);
  const end = text.findIndex((line, i) => i > start && line === '}');
  return end - start + 1;
}

describe('long functions (project ESLint config)', () => {
  it.each([
    'main/core/kiosk-core.ts',
    'main/core/wiring/technician.ts',
    'central/server.ts',
    'renderer/App.tsx',
    'renderer/technician/TechnicianScreen.tsx',
    'central/console-app/App.tsx',
  ])('a function over 100 lines in %s is reported, one of 100 is not', async (file) => {
    expect(await lengthProblems(file, functionOf(100))).toEqual([]);
    const problems = await lengthProblems(file, functionOf(101));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('(101)');
  });

  it.each([
    ['main/core/kiosk-core.ts', 'startKioskCore'],
    ['central/server.ts', 'startCentralServer'],
    ['renderer/App.tsx', 'App'],
    ['renderer/technician/TechnicianScreen.tsx', 'TechnicianScreen'],
    ['central/console-app/App.tsx', 'App'],
  ])('%s: %s is 100 lines or fewer', (file, name) => {
    const lines = declaredLines(file, name);
    expect(lines).toBeGreaterThan(10);
    expect(lines).toBeLessThanOrEqual(100);
  });
});
