import { describe, expect, test } from 'vitest';
import {
  deleteBackward,
  initialState,
  insertText,
  MAX_COMPOSITION,
  pressKey,
  type CandidateContext,
  type FieldText,
  type KeyAction,
  type KeyboardState,
} from './engine.js';
import { modeFor } from './field.js';
import { layoutRows } from './layouts.js';
import { PinyinDictionary } from './pinyin.js';

const empty: FieldText = { value: '', start: 0, end: 0, maxLength: null };
const at = (value: string, caret = value.length, maxLength: number | null = null): FieldText => ({
  value,
  start: caret,
  end: caret,
  maxLength,
});

const dict = new PinyinDictionary({ ni: ['你', '尼'], hao: ['好', '号'], zhong: ['中'] });
const offerFor = (state: KeyboardState): CandidateContext => {
  const candidates = dict.candidates(state.composition);
  return { candidates, pageCount: Math.ceil(candidates.chars.length / 9) };
};

/** Presses keys in turn, as a person would, with the candidates each state offers. */
function type(
  state: KeyboardState,
  field: FieldText,
  actions: readonly KeyAction[],
): [KeyboardState, FieldText] {
  let s = state;
  let f = field;
  for (const a of actions) {
    const r = pressKey(s, f, a, offerFor(s));
    s = r.state;
    f = r.field ?? f;
  }
  return [s, f];
}
const chars = (text: string): KeyAction[] => [...text].map((char) => ({ type: 'char', char }));

describe('editing the field', () => {
  test('inserts at the caret, over a selection, and stops at the length limit', () => {
    expect(insertText(at('ac', 1), 'b')).toEqual(at('abc', 2));
    expect(insertText({ value: 'axxd', start: 1, end: 3, maxLength: null }, 'bc')).toEqual(at('abcd', 3));
    expect(insertText(at('12', 2, 3), '345')).toEqual(at('123', 3, 3));
    expect(insertText(at('123', 3, 3), '4').value).toBe('123');
    // Never half a surrogate pair: 𠀀 is two UTF-16 units.
    expect(insertText(at('1', 1, 2), '𠀀').value).toBe('1');
  });

  test('backspace deletes the selection, or one character before the caret (a whole surrogate pair)', () => {
    expect(deleteBackward(at('abc', 2))).toEqual(at('ac', 1));
    expect(deleteBackward({ value: 'abcd', start: 1, end: 3, maxLength: null })).toEqual(at('ad', 1));
    expect(deleteBackward(at('a𠀀'))).toEqual(at('a'));
    expect(deleteBackward(at('abc', 0))).toEqual(at('abc', 0));
  });
});

describe('the digit pad', () => {
  test('types digits, ignores anything else, deletes and clears', () => {
    const s = initialState('digits');
    const [, f] = type(s, empty, [...chars('138a0'), { type: 'backspace' }, ...chars('00')]);
    expect(f.value).toBe('13800');
    expect(pressKey(s, f, { type: 'clear' }).field).toEqual(at('', 0));
    expect(pressKey(s, f, { type: 'switch' })).toEqual({ state: s, field: null });
  });
});

describe('Latin letters', () => {
  test('capitals stay on until Shift is tapped again; space types a space', () => {
    const [s, f] = type(initialState('latin', true), empty, [
      ...chars('zh'),
      { type: 'shift' },
      ...chars('ang'),
      { type: 'space' },
      ...chars('1'),
    ]);
    expect(f.value).toBe('ZHang 1');
    expect(s.shift).toBe(false);
  });

  test('a new line only where asked (the textarea has the key)', () => {
    expect(pressKey(initialState('latin'), at('a'), { type: 'newline' }).field?.value).toBe('a\n');
    const keys = (multiline: boolean): string[] =>
      layoutRows(initialState('latin'), { multiline })
        .flat()
        .map((k) => k.id);
    expect(keys(true)).toContain('osk.newline');
    expect(keys(false)).not.toContain('osk.newline');
  });
});

describe('pinyin', () => {
  test('letters compose without touching the field; candidates turn them into characters', () => {
    let s = initialState('pinyin');
    let f: FieldText;
    [s, f] = type(s, at('来信'), chars('nihao'));
    expect(s.composition).toBe('nihao');
    expect(f.value).toBe('来信');
    [s, f] = type(s, f, [{ type: 'candidate', text: '你' }]);
    expect(s.composition).toBe('hao');
    [s, f] = type(s, f, [{ type: 'candidate', text: '好' }]);
    expect(s.composition).toBe('');
    expect(f).toEqual(at('来信你好'));
  });

  test('space takes the first candidate, or the letters themselves when nothing fits', () => {
    let s = initialState('pinyin');
    let f: FieldText;
    [s, f] = type(s, empty, [...chars('zhong'), { type: 'space' }]);
    expect(f.value).toBe('中');
    [s, f] = type(s, f, [...chars('iv'), { type: 'space' }]);
    expect(f.value).toBe('中iv');
    expect(s.composition).toBe('');
    // With nothing composed, space is a space.
    [s, f] = type(s, f, [{ type: 'space' }]);
    expect(f.value).toBe('中iv ');
  });

  test('backspace takes back a letter of the composition first, then characters of the field', () => {
    let s = initialState('pinyin');
    let f: FieldText;
    [s, f] = type(s, at('好'), [...chars('ni'), { type: 'backspace' }]);
    expect([s.composition, f.value]).toEqual(['n', '好']);
    [s, f] = type(s, f, [{ type: 'backspace' }, { type: 'backspace' }]);
    expect([s.composition, f.value]).toEqual(['', '']);
  });

  test('clear empties both; switching to Latin keeps the letters typed so far', () => {
    let s = initialState('pinyin');
    let f: FieldText;
    [s, f] = type(s, at('好'), [...chars('ni'), { type: 'clear' }]);
    expect([s.composition, f.value]).toEqual(['', '']);
    [s, f] = type(s, f, [...chars('abc'), { type: 'switch' }]);
    expect([s.mode, s.composition, f.value]).toEqual(['latin', '', 'abc']);
    [s] = type(s, f, [{ type: 'switch' }]);
    expect(s.mode).toBe('pinyin');
  });

  test('digits and punctuation go straight into the field; the composition is capped', () => {
    const [s, f] = type(initialState('pinyin'), empty, [...chars('ni'), ...chars('3，')]);
    expect([s.composition, f.value]).toEqual(['ni', '3，']);
    const [long] = type(initialState('pinyin'), empty, chars('a'.repeat(MAX_COMPOSITION + 5)));
    expect(long.composition).toHaveLength(MAX_COMPOSITION);
  });

  test('a candidate tapped with nothing composed, or a page past the end, changes nothing', () => {
    const s = initialState('pinyin');
    expect(pressKey(s, empty, { type: 'candidate', text: '你' })).toEqual({ state: s, field: null });
    const paged = pressKey(
      s,
      empty,
      { type: 'page', delta: 1 },
      { candidates: { chars: [], consumes: 0 }, pageCount: 2 },
    );
    expect(paged.state.page).toBe(1);
    expect(
      pressKey(
        paged.state,
        empty,
        { type: 'page', delta: 1 },
        { candidates: { chars: [], consumes: 0 }, pageCount: 2 },
      ).state.page,
    ).toBe(1);
    expect(pressKey(s, empty, { type: 'page', delta: -1 }).state.page).toBe(0);
  });
});

describe('which keyboard a field gets', () => {
  test("the field's inputmode first, then what it asked for, then the interface language", () => {
    expect(modeFor('numeric', 'any', true).mode).toBe('digits');
    expect(modeFor('tel', 'chinese', true).mode).toBe('digits');
    expect(modeFor('', 'pin', true).mode).toBe('digits');
    expect(modeFor('text', 'letters', true)).toEqual({ mode: 'latin', shift: true });
    expect(modeFor('text', 'chinese', false).mode).toBe('pinyin');
    expect(modeFor('text', 'any', true).mode).toBe('pinyin');
    expect(modeFor('text', 'any', false).mode).toBe('latin');
  });

  test('the digit pad is one fixed layout: 1–9 from the top, then 0', () => {
    const digits = layoutRows(initialState('digits'), { multiline: false })
      .flat()
      .flatMap((k) => (k.char ? [k.char] : []));
    expect(digits.join('')).toBe('1234567890');
    expect(layoutRows(initialState('digits'), { multiline: false })).toBe(
      layoutRows(initialState('digits'), { multiline: false }),
    );
  });

  test('every key has a name: its character, or a function key message', () => {
    for (const mode of ['digits', 'latin', 'pinyin'] as const) {
      for (const key of layoutRows(initialState(mode), { multiline: true }).flat()) {
        expect(key.char ?? key.name).toBeTruthy();
      }
    }
  });
});
