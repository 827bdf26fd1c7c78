/**
 * Compiles a field's `pattern` the way every consumer must: anchored to the whole value, Unicode mode.
 * Throws a SyntaxError when the pattern does not compile (the catalog validator rejects those).
 *
 * In a module of its own, without zod: the renderer's form rules use it, and importing it from the catalog
 * schema would build the whole schema while the attract screen starts (see test/integration/first-screen-imports.test.ts).
 */
export function fieldPatternRegExp(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}
