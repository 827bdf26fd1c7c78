#!/usr/bin/env node
/**
 * `npm run mutation [-- MODULE...] [--report-only] [--typecheck] [--force]`: runs Stryker over each critical module in turn
 * (scripts/mutation-modules.mjs), one test process at a lowered priority, then prints the mutation score per
 * module from Stryker's JSON reports (reports/mutation/<module>/mutation.json) with every surviving mutant.
 * `--report-only` prints the scores of the last runs without running Stryker. `--lines A-B` mutates only those
 * lines of a one-file module (a focused run, reported apart as MODULE@A-B). Exit code 1 when a module that
 * was reported scores below the target. Runs are incremental (stryker.config.mjs): only mutants whose code or
 * tests changed are tested again; `--force` tests them all (needed after adding tests that should kill static
 * mutants, which incremental mode does not re-test).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { electronNodeBinary } from './electron-node.mjs';
import { MUTATION_MODULES } from './mutation-modules.mjs';

/** The score every critical module must reach (killed or timed out, over all mutants that ran or lacked coverage). */
const TARGET = 85;

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const typecheck = args.includes('--typecheck');
const force = args.includes('--force');
const linesAt = args.indexOf('--lines');
const lines = linesAt >= 0 ? (args[linesAt + 1] ?? '') : '';
const named = args.filter((a, i) => !a.startsWith('--') && !(linesAt >= 0 && i === linesAt + 1));
for (const n of named) {
  if (!(n in MUTATION_MODULES)) {
    console.error(`unknown module ${n}; known: ${Object.keys(MUTATION_MODULES).join(', ')}`);
    process.exit(2);
  }
}
const modules = named.length > 0 ? named : Object.keys(MUTATION_MODULES);

const STRYKER_BIN = 'node_modules/@stryker-mutator/core/bin/stryker.js';

/**
 * Stryker 10 needs Node 22 or later while the machine's Node is 20: use this Node when it is new enough,
 * otherwise the pinned Electron's Node (scripts/electron-node.mjs: fetched once through `npm exec`, never a
 * dependency, and cached); its test processes inherit it.
 */
function strykerNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return process.execPath;
  try {
    return electronNodeBinary(process.cwd()).bin;
  } catch (error) {
    console.error(`Stryker needs Node 22 or later (this is ${process.version}): ${error.message}`);
    process.exit(2);
  }
}

if (!reportOnly) {
  for (const name of modules) {
    console.log(`\n=== mutation: ${name}`);
    const started = Date.now();
    const r = spawnSync('nice', ['-n', '10', strykerNode(), STRYKER_BIN, 'run', 'stryker.config.mjs'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        MUTATION_MODULE: name,
        MUTATION_TYPECHECK: typecheck ? '1' : '0',
        MUTATION_FORCE: force ? '1' : '0',
        MUTATION_LINES: lines,
      },
    });
    console.log(
      `=== ${name}: stryker exited ${r.status} after ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
}

/**
 * Counts of one module's Stryker JSON report (mutation-testing-report-schema) and its survivors.
 * @param {string} file
 */
function summarize(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = {
    Killed: 0,
    Timeout: 0,
    Survived: 0,
    NoCoverage: 0,
    CompileError: 0,
    RuntimeError: 0,
    Ignored: 0,
  };
  /** @type {string[]} */
  const survivors = [];
  for (const [path, f] of Object.entries(report.files)) {
    const lines = f.source.split('\n');
    for (const m of f.mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const line = m.location.start.line;
        const original = (lines[line - 1] ?? '').trim();
        survivors.push(
          `  ${m.status} ${path}:${line} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}  | ${original.slice(0, 100)}`,
        );
      }
    }
  }
  const detected = counts.Killed + counts.Timeout;
  const valid = detected + counts.Survived + counts.NoCoverage;
  return { counts, score: valid === 0 ? 100 : (100 * detected) / valid, survivors };
}

let failed = false;
console.log('\nmodule            score   killed timeout survived nocov  (target ≥ 85 %)');
for (const name of modules) {
  const file = `reports/mutation/${lines ? `${name}@${lines}` : name}/mutation.json`;
  if (!existsSync(file)) {
    console.log(`${name.padEnd(17)} (not run)`);
    continue;
  }
  const { counts, score, survivors } = summarize(file);
  if (score < TARGET) failed = true;
  console.log(
    `${name.padEnd(17)} ${score.toFixed(1).padStart(5)} % ${String(counts.Killed).padStart(7)} ${String(counts.Timeout).padStart(7)} ${String(counts.Survived).padStart(8)} ${String(counts.NoCoverage).padStart(5)}`,
  );
  for (const s of survivors) console.log(s);
}
process.exit(failed ? 1 : 0);
