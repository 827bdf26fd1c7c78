import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Result } from './result.js';
import { err, ok } from './result.js';

type ParseError = { readonly code: 'empty' } | { readonly code: 'too-long'; readonly max: number };

function parseName(text: string): Result<string, ParseError> {
  if (text === '') return err({ code: 'empty' });
  if (text.length > 4) return err({ code: 'too-long', max: 4 });
  return ok(text.toUpperCase());
}

describe('Result', () => {
  it('ok() carries the value and nothing else', () => {
    expect(ok(42)).toStrictEqual({ ok: true, value: 42 });
    expect(ok(undefined)).toStrictEqual({ ok: true, value: undefined });
  });

  it('err() carries the error and nothing else', () => {
    const error = { code: 'too-long', max: 4 } as const;
    const result = err(error);
    expect(result).toStrictEqual({ ok: false, error: { code: 'too-long', max: 4 } });
    expect(result.error).toBe(error);
  });

  it('narrows on ok, then on the error code', () => {
    const seen = ['', 'abcdef', 'abc'].map((text) => {
      const result = parseName(text);
      if (result.ok) return `value ${result.value}`;
      switch (result.error.code) {
        case 'empty':
          return 'empty';
        case 'too-long':
          return `longer than ${result.error.max}`;
      }
    });
    expect(seen).toEqual(['empty', 'longer than 4', 'value ABC']);
  });

  it('types: the error must have a string code, and codes are a closed union', () => {
    expectTypeOf(parseName('x')).toEqualTypeOf<Result<string, ParseError>>();
    const failed = parseName('');
    if (!failed.ok) expectTypeOf(failed.error.code).toEqualTypeOf<'empty' | 'too-long'>();
    // @ts-expect-error an error without a code is not a Result error
    const noCode: Result<number, { message: string }> = ok(1);
    expect(noCode.ok).toBe(true);
  });
});
