// @ts-check
/**
 * A local ESLint rule that keeps the dependencies between the repository's top-level parts pointing one way
 * (docs/ARCHITECTURE.md, "Dependencies"). It resolves each relative import against the importing file, so
 * `../central/client.js` inside main/services is main/services/central, not the central server.
 *
 * Options: `{ zones: [{ from, disallow, allow?, message }] }`, paths relative to the repository root:
 * - `from`: folders whose files the zone applies to;
 * - `disallow`: folders (or files) those files must not import;
 * - `allow`: files (without extension) inside `disallow` that are still allowed, each a known, documented exception.
 * Test files and benches are left out by the ESLint config (they may import both sides).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Repository-relative, forward slashes, no extension. */
function repoPath(/** @type {string} */ absolute) {
  return path
    .relative(repoRoot, absolute)
    .split(path.sep)
    .join('/')
    .replace(/\.(c|m)?(t|j)sx?$/, '');
}

/** Whether `file` is the folder or file `prefix`, or inside it. */
function within(/** @type {string} */ file, /** @type {string} */ prefix) {
  const p = prefix.replace(/\/$/, '');
  return file === p || file.startsWith(`${p}/`);
}

/** @type {import('eslint').Rule.RuleModule} */
export const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports between the top-level parts pointing one way.' },
    schema: [
      {
        type: 'object',
        properties: {
          zones: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                from: { type: 'array', items: { type: 'string' } },
                disallow: { type: 'array', items: { type: 'string' } },
                allow: { type: 'array', items: { type: 'string' } },
                message: { type: 'string' },
              },
              required: ['from', 'disallow', 'message'],
              additionalProperties: false,
            },
          },
        },
        required: ['zones'],
        additionalProperties: false,
      },
    ],
    messages: { wrongWay: "'{{target}}' may not be imported here: {{message}}" },
  },
  create(context) {
    /** @type {{ zones: { from: string[]; disallow: string[]; allow?: string[]; message: string }[] }} */
    const { zones } = context.options[0];
    const file = repoPath(context.filename);
    const active = zones.filter((z) => z.from.some((f) => within(file, f)));
    if (active.length === 0) return {};

    /** @param {import('estree').Node & { source?: import('estree').Node | null }} node */
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      if (!spec.startsWith('.')) return; // packages and node: built-ins are other rules' business
      const target = repoPath(path.resolve(path.dirname(context.filename), spec));
      for (const zone of active) {
        if (!zone.disallow.some((d) => within(target, d))) continue;
        if (zone.allow?.includes(target)) continue;
        context.report({ node: source, messageId: 'wrongWay', data: { target, message: zone.message } });
        return;
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
