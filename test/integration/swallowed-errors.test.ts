import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSwallowedErrors, findSwallowedErrorsIn, sourceFiles } from '../support/swallowed-errors.js';

/**
 * Every dropped error in the sources either logs or says in a comment why dropping it is safe (issue 15, "One way
 * to fail"): a new bare `catch {}` or `.catch(() => undefined)` fails here.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('swallowed errors', () => {
  it('finds no silent drop in the sources', () => {
    const files = sourceFiles(repoRoot);
    // The scan must have reached the code: an empty list would pass vacuously.
    expect(files.length).toBeGreaterThan(250);
    expect(files).toContain(path.join('main', 'services', 'catalog', 'catalog-service.ts'));
    expect(files).toContain(path.join('renderer', 'App.tsx'));
    expect(files).toContain(path.join('scripts', 'start.mjs'));
    const found = findSwallowedErrorsIn(repoRoot).map((s) => `${s.file}:${s.line} ${s.text}`);
    expect(found).toEqual([]);
  });

  it.each([
    ['an empty catch', 'try { f(); } catch {}\n', 'silent-catch'],
    ['an empty catch with a binding', 'try { f(); } catch (e) {\n}\n', 'silent-catch'],
    [
      'a catch returning a literal',
      'function g() { try { return f(); } catch { return null; } }\n',
      'silent-catch',
    ],
    [
      'a catch that only continues',
      'for (const x of xs) { try { f(x); } catch { continue; } }\n',
      'silent-catch',
    ],
    ['a .catch returning undefined', 'void p.catch(() => undefined);\n', 'noop-rejection-handler'],
    ['a .catch with an empty body', 'p.catch((e) => {});\n', 'noop-rejection-handler'],
    ['a .catch with a function', 'p.catch(function () { return false; });\n', 'noop-rejection-handler'],
    ['a .then rejection handler', 'p.then(ok, () => void 0);\n', 'noop-rejection-handler'],
  ])('reports %s without a comment', (_name, code, kind) => {
    expect(findSwallowedErrors('main/x.ts', code).map((s) => s.kind)).toEqual([kind]);
  });

  it.each([
    ['a comment inside the catch', 'try { f(); } catch {\n  // Already closed.\n}\n'],
    [
      'a comment on the catch line',
      'function g() { try { return f(); } catch { return null; } // not JSON\n}\n',
    ],
    ['a comment above .catch', '// The socket is gone either way.\nvoid p.catch(() => undefined);\n'],
    ['a comment after .catch', 'void p.catch(() => undefined); // closing twice is fine\n'],
    ['a block comment inside the handler', 'p.catch(() => {\n  /* reported by the close event */\n});\n'],
    ['a catch that logs', 'try { f(); } catch (e) { log.warn("x", { code: String(e) }); }\n'],
    ['a catch that rethrows', 'try { f(); } catch (e) { throw new Error("x", { cause: e }); }\n'],
    ['a .catch that logs', 'p.catch((e) => log.warn("x", { message: String(e) }));\n'],
    [
      'a catch returning a computed value',
      'function g() { try { return f(); } catch (e) { return wrap(e); } }\n',
    ],
  ])('accepts %s', (_name, code) => {
    expect(findSwallowedErrors('main/x.ts', code)).toEqual([]);
  });

  it('is not fooled by comment-like text in strings or by a comment elsewhere in the file', () => {
    const code = [
      "const s = '// not a comment';",
      '// A comment about something else.',
      'f();',
      'try { f(); } catch {}',
      'const url = `http://x/${s}`;',
      '',
    ].join('\n');
    expect(findSwallowedErrors('main/x.ts', code).map((s) => s.line)).toEqual([4]);
  });

  it('reads TSX and plain JavaScript', () => {
    expect(
      findSwallowedErrors('renderer/x.tsx', 'const a = <div />;\np.catch(() => undefined);\n'),
    ).toHaveLength(1);
    expect(findSwallowedErrors('scripts/x.mjs', 'try { f(); } catch { return; }\n')).toHaveLength(1);
  });
});
