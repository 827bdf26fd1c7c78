/**
 * Lists the runtime import cycles among the repository's own TypeScript files: `npx tsx scripts/import-cycles.ts [DIR]`
 * (DIR: another checkout, default this one).
 * Type-only imports are left out (they vanish at run time), tests and benches too. Prints each cycle (a strongly
 * connected group of modules) with its size; exits 1 when there is one.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const roots = ['main', 'renderer', 'drivers', 'central', 'contract', 'domain', 'compose', 'scripts'];
const skip = /(^|\/)(node_modules|dist|generated)(\/|$)|\.test\.tsx?$|\.spec\.ts$|\.d\.ts$/;

function sourceFiles(repoRoot: string, dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (skip.test(path.relative(repoRoot, full))) return [];
    if (entry.isDirectory()) return sourceFiles(repoRoot, full);
    return /\.(ts|tsx|cts|mts)$/.test(entry.name) ? [full] : [];
  });
}

/** The module specifiers a file imports at run time (static imports and re-exports; `import()` is left out). */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const onlyTypes =
        clause !== undefined &&
        clause.name === undefined &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes && ts.isStringLiteral(statement.moduleSpecifier))
        specs.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      if (ts.isStringLiteral(statement.moduleSpecifier)) specs.push(statement.moduleSpecifier.text);
    }
  }
  return specs;
}

/** The relative module specifiers a file imports at run time. */
function runtimeImports(file: string): string[] {
  return runtimeSpecifiers(file).filter((s) => s.startsWith('.'));
}

/** Resolves `./x.js` to the TypeScript file it names. */
function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.(c|m)?js$/, '');
  for (const candidate of [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.cts`,
    `${stem}.mts`,
    `${stem}/index.ts`,
  ]) {
    if (/\.(ts|tsx|cts|mts)$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Tarjan's strongly connected components; the ones with more than one module are cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, indices.get(w) ?? 0));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const group: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

/** The runtime import cycles under `repoRoot`: each a sorted list of repository-relative paths. */
export function findImportCycles(repoRoot: string): { modules: number; cycles: string[][] } {
  const files = roots.flatMap((r) => sourceFiles(repoRoot, path.join(repoRoot, r)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = runtimeImports(file)
      .map((spec) => resolve(file, spec))
      .filter((t): t is string => t !== null && !skip.test(path.relative(repoRoot, t)));
    graph.set(file, targets);
  }
  return {
    modules: files.length,
    cycles: cycles(graph).map((group) =>
      group.map((file) => path.relative(repoRoot, file).split(path.sep).join('/')),
    ),
  };
}

/** The modules a page evaluates before its first screen: everything `entry` reaches through static imports. */
export interface StaticImportClosure {
  /** Repository-relative paths of the repository's own modules, the entry included. */
  readonly modules: readonly string[];
  /** For each package imported (bare specifier's package name), the modules that import it. */
  readonly packages: ReadonlyMap<string, readonly string[]>;
}

/**
 * Follows the static runtime imports from `entry` (repository-relative); dynamic `import()` ends a path, as it
 * does for the bundler, which puts what it loads in a chunk of its own.
 */
export function staticImportClosure(repoRoot: string, entry: string): StaticImportClosure {
  const rel = (file: string): string => path.relative(repoRoot, file).split(path.sep).join('/');
  const seen = new Set<string>();
  const packages = new Map<string, string[]>();
  const queue = [path.resolve(repoRoot, entry)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (file === undefined || seen.has(file)) continue;
    seen.add(file);
    for (const spec of runtimeSpecifiers(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(file, spec);
        if (target !== null) queue.push(target);
        continue;
      }
      if (/\.(css|svg|woff2?)$/.test(spec)) continue;
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : (spec.split('/')[0] ?? spec);
      packages.set(name, [...(packages.get(name) ?? []), rel(file)]);
    }
  }
  return { modules: [...seen].map(rel).sort(), packages };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const found = findImportCycles(root);
  for (const group of found.cycles) {
    process.stdout.write(`cycle of ${group.length} modules:\n`);
    for (const file of group) process.stdout.write(`  ${file}\n`);
  }
  process.stdout.write(`${found.modules} modules, ${found.cycles.length} runtime import cycle(s)\n`);
  process.exitCode = found.cycles.length > 0 ? 1 : 0;
}
