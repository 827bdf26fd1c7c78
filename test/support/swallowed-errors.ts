/**
 * Finds errors dropped without a word: an empty `catch` block, or a promise rejection handler that does nothing
 * (`.catch(() => undefined)`, `.then(ok, () => {})`, `.catch(() => false)`), with no comment saying why dropping
 * is safe. Each such site must either log (through the logger, without personal data) or carry a comment.
 * Used by test/integration/swallowed-errors.test.ts; parsed with the TypeScript compiler, not by regex, so
 * strings and comments that look like code are not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One silent drop: where it is and what it looks like. */
export interface SwallowedError {
  readonly file: string;
  readonly line: number;
  readonly kind: 'silent-catch' | 'noop-rejection-handler';
  readonly text: string;
}

/** The source folders scanned (tests are not: a test may drop an error it asserts on another way). */
export const scannedFolders = [
  'main',
  'central',
  'drivers',
  'compose',
  'contract',
  'scripts',
  'renderer',
  'bin',
];

const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;
const TEST = /\.(test|spec|bench)\.(ts|tsx)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage']);

/** Every source file under the scanned folders of `root`, relative to it, sorted. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(rel);
      } else if (SOURCE.test(entry.name) && !TEST.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push(rel);
      }
    }
  };
  for (const folder of scannedFolders) {
    try {
      walk(folder);
    } catch (error) {
      // A folder a checkout does not have (e.g. no bin/) has nothing to scan; anything else is a real failure.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return out.sort();
}

/** Start offsets of every comment in `source`: each comment is in the trivia around some token. */
function commentStarts(source: ts.SourceFile): number[] {
  const text = source.getFullText();
  const starts = new Set<number>();
  const walk = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(text, node.pos) ?? []) starts.add(range.pos);
    // A comment on the same line after a token is its trailing trivia, not the next token's leading one.
    for (const range of ts.getTrailingCommentRanges(text, node.end) ?? []) starts.add(range.pos);
    for (const child of node.getChildren(source)) walk(child);
  };
  walk(source);
  return [...starts];
}

/** Whether `body` does nothing with the rejection: `{}`, `undefined`, `null`, `void 0`, a literal, `[]`, `{}`. */
function isNoopBody(body: ts.ConciseBody): boolean {
  return ts.isBlock(body) ? isSilentBlock(body) : isInertExpression(body);
}

/** Whether a catch block drops the error: nothing, or only `return <literal>`, `continue` or `break`. */
function isSilentBlock(block: ts.Block): boolean {
  return block.statements.every(
    (s) =>
      ts.isContinueStatement(s) ||
      ts.isBreakStatement(s) ||
      (ts.isReturnStatement(s) && (s.expression === undefined || isInertExpression(s.expression))),
  );
}

function isInertExpression(node: ts.Expression): boolean {
  const e = ts.isParenthesizedExpression(node) ? node.expression : node;
  if (ts.isIdentifier(e)) return e.text === 'undefined';
  if (ts.isVoidExpression(e)) return ts.isLiteralExpression(e.expression) || ts.isIdentifier(e.expression);
  if (ts.isArrayLiteralExpression(e)) return e.elements.length === 0;
  if (ts.isObjectLiteralExpression(e)) return e.properties.length === 0;
  return (
    ts.isLiteralExpression(e) ||
    e.kind === ts.SyntaxKind.NullKeyword ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword
  );
}

function rejectionHandler(call: ts.CallExpression): ts.Expression | undefined {
  if (!ts.isPropertyAccessExpression(call.expression)) return undefined;
  const name = call.expression.name.text;
  if (name === 'catch') return call.arguments[0];
  if (name === 'then') return call.arguments[1];
  return undefined;
}

/** The silent drops in one file's text. */
export function findSwallowedErrors(file: string, text: string): SwallowedError[] {
  const scriptKind = /\.(tsx|jsx)$/.test(file)
    ? ts.ScriptKind.TSX
    : /\.m?js$/.test(file)
      ? ts.ScriptKind.JS
      : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind);
  const comments = commentStarts(source);
  const lineOf = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line;
  const hasCommentBetween = (from: number, to: number): boolean => comments.some((c) => c >= from && c < to);
  const endOfLine = (pos: number): number => {
    const next = lineOf(pos) + 1;
    return next < source.getLineStarts().length ? source.getPositionOfLineAndCharacter(next, 0) : text.length;
  };
  const found: SwallowedError[] = [];
  const report = (node: ts.Node, kind: SwallowedError['kind']): void => {
    found.push({
      file,
      line: lineOf(node.getStart(source)) + 1,
      kind,
      text: node.getText(source).replace(/\s+/g, ' ').slice(0, 80),
    });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCatchClause(node) && isSilentBlock(node.block)) {
      // The comment goes inside the braces (or after them on their line): it explains this drop and no other.
      if (!hasCommentBetween(node.getStart(source), endOfLine(node.block.end))) report(node, 'silent-catch');
    } else if (ts.isCallExpression(node)) {
      const handler = rejectionHandler(node);
      if (
        handler &&
        (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) &&
        isNoopBody(handler.body)
      ) {
        // A comment on the line above `.catch(…)`, on its line or inside the handler explains it.
        const name = (node.expression as ts.PropertyAccessExpression).name;
        const lineStart = source.getPositionOfLineAndCharacter(
          Math.max(0, lineOf(name.getStart(source)) - 1),
          0,
        );
        if (!hasCommentBetween(lineStart, endOfLine(handler.end))) report(name, 'noop-rejection-handler');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The silent drops of every scanned source file under `root`. */
export function findSwallowedErrorsIn(root: string): SwallowedError[] {
  return sourceFiles(root).flatMap((file) =>
    findSwallowedErrors(file, readFileSync(path.join(root, file), 'utf8')),
  );
}
