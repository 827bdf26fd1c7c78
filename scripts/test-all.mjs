#!/usr/bin/env node
// `npm test`: every check, in order — type check, lint, build, unit + integration tests, Electron security
// scan, end-to-end tests in system Chromium. All steps run; any failure fails the command. The last line is
// the summary of individual tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// Not test-results/: Playwright empties that folder when it starts.
const reports = path.join(root, '.test-reports');
mkdirSync(reports, { recursive: true });
const vitestJson = path.join(reports, 'vitest.json');
const playwrightJson = path.join(reports, 'playwright.json');

const steps = [
  ['type check (core, drivers, tests)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type check (renderer)', 'npx', ['tsc', '-p', 'renderer/tsconfig.json', '--noEmit']],
  ['type check (web console)', 'npx', ['tsc', '-p', 'central/console-app/tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  // Built before the tests: some of them start the kiosk as `npm start` does, which would otherwise build the
  // renderer itself inside a test's time limit.
  ['build (renderer + web console + Electron main)', 'npm', ['run', 'build']],
  [
    'unit and integration tests',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
  ],
  ['Electron security scan', 'npm', ['run', 'security']],
  [
    'end-to-end tests (Playwright, system Chromium)',
    'npx',
    ['playwright', 'test', '--config', 'test/e2e/playwright.config.ts'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, BOOTH_PLAYWRIGHT_JSON: '1' },
  ],
];

const results = [];
for (const [name, cmd, args, extraEnv] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  const ok = r.status === 0;
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} ===`);
}

let passed = 0;
let failed = 0;
let skipped = 0;
/** Failed tests by name with the first line of their error, repeated in the summary (CI keeps only the tail). */
const failures = [];
const firstLine = (text) =>
  String(text ?? '')
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim()
    .slice(0, 300) ?? '';
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  for (const file of v.testResults ?? []) {
    const rel = path.relative(root, file.name ?? '');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests)
      failures.push(
        `${rel} › ${t.fullName} (${Math.round((t.duration ?? 0) / 1000)} s): ${firstLine(t.failureMessages?.[0])}`,
      );
    if (failedTests.length === 0 && file.status === 'failed')
      failures.push(`${rel}: ${firstLine(file.message)}`);
  }
}
if (existsSync(playwrightJson)) {
  const p = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  passed += p.stats?.expected ?? 0;
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
  skipped += p.stats?.skipped ?? 0;
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected' && t.status !== 'flaky') continue;
        const result = (t.results ?? []).find((r) => r.status !== 'passed' && r.status !== 'skipped');
        failures.push(
          `${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}: ${firstLine(result?.error?.message)}`,
        );
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of p.suites ?? []) walk(suite, []);
}
console.log('\n=== summary ===');
for (const f of failures) console.log(`failed: ${f}`);
for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds} s)`);
const failedSteps = results.filter((r) => !r.ok).length;
if (failedSteps > 0) failed = Math.max(failed, 1);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps > 0 ? 1 : 0);
