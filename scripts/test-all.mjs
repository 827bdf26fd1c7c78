#!/usr/bin/env node
// `npm test`: every check, in order — type check, lint, build, unit + integration tests (on this Node, then
// again on the Node the pinned Electron embeds, scripts/electron-node.mjs), Electron security scan, end-to-end
// tests in system Chromium. All steps run; any failure fails the command. The last line is the summary of
// individual tests (both unit runs counted).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { electronNodeBinary } from './electron-node.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// Not test-results/: Playwright empties that folder when it starts.
const reports = path.join(root, '.test-reports');
mkdirSync(reports, { recursive: true });
const vitestJson = path.join(reports, 'vitest.json');
const electronVitestJson = path.join(reports, 'vitest-electron-node.json');
const playwrightJson = path.join(reports, 'playwright.json');
// A report left by an earlier run must not be counted for a step that did not get to write one.
for (const f of [vitestJson, electronVitestJson, playwrightJson]) rmSync(f, { force: true });

/**
 * The unit and integration tests again on the pinned Electron's Node: vitest started by that binary, whose
 * folder goes first on PATH so that the processes tests start (`node`, `npx tsx`) run on it too. Throws when
 * that Node cannot be determined or fetched; the step then fails with the reason.
 * @returns {[string, string[], Record<string, string>]}
 */
function onElectronNode() {
  const { bin, electron, version } = electronNodeBinary(root);
  console.log(
    `electron@${electron} embeds Node ${version.split('.')[0]}: running on Node ${version} (${bin})`,
  );
  return [
    bin,
    [
      path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${electronVitestJson}`,
    ],
    { PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH ?? ''}` },
  ];
}

const steps = [
  ['type check (core, drivers, tests)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type check (renderer)', 'npx', ['tsc', '-p', 'renderer/tsconfig.json', '--noEmit']],
  ['type check (web console)', 'npx', ['tsc', '-p', 'central/console-app/tsconfig.json', '--noEmit']],
  // The renderer's and the console's own tests (their app configs leave them out: the tests may use Node's types,
  // the app code may not).
  ['type check (renderer tests)', 'npx', ['tsc', '-p', 'renderer/tsconfig.test.json', '--noEmit']],
  [
    'type check (web console tests)',
    'npx',
    ['tsc', '-p', 'central/console-app/tsconfig.test.json', '--noEmit'],
  ],
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  // Built before the tests: some of them start the kiosk as `npm start` does, which would otherwise build the
  // renderer itself inside a test's time limit.
  ['build (renderer + web console + Electron main)', 'npm', ['run', 'build']],
  [
    'unit and integration tests',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
  ],
  ["unit and integration tests on the pinned Electron's Node", onElectronNode],
  ['Electron security scan', 'npm', ['run', 'security']],
  [
    'end-to-end tests (Playwright, system Chromium)',
    'npx',
    ['playwright', 'test', '--config', 'test/e2e/playwright.config.ts'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, BOOTH_PLAYWRIGHT_JSON: '1' },
  ],
];

const results = [];
for (const [name, ...step] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  let status;
  try {
    const [cmd, args, extraEnv] = typeof step[0] === 'function' ? step[0]() : step;
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
    status = r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`;
  } catch (error) {
    status = `FAILED (${error instanceof Error ? error.message : String(error)})`;
  }
  results.push({ name, ok: status === 'ok', seconds: Math.round((Date.now() - started) / 1000) });
  console.log(`=== ${name}: ${status} ===`);
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
/** Counts of each Vitest run, printed apart in the summary. */
const runs = [];
for (const [label, json] of [
  ['this Node', vitestJson],
  ["Electron's Node", electronVitestJson],
]) {
  if (!existsSync(json)) continue;
  const v = JSON.parse(readFileSync(json, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  runs.push(
    `unit and integration tests on ${label}: ${v.numPassedTests ?? 0} passed, ${v.numFailedTests ?? 0} failed`,
  );
  for (const file of v.testResults ?? []) {
    const rel = `${json === vitestJson ? '' : `[${label}] `}${path.relative(root, file.name ?? '')}`;
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
for (const r of runs) console.log(r);
const failedSteps = results.filter((r) => !r.ok).length;
if (failedSteps > 0) failed = Math.max(failed, 1);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps > 0 ? 1 : 0);
