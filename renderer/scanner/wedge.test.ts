import { describe, expect, it } from 'vitest';
import { findWedgeScans } from '../test-support/wedge-scans.js';
import { KeyboardWedgeClassifier, type WedgeKey } from './wedge.js';

/** Keys for `text` with a fixed gap, then an optional terminator after the same gap. */
function keys(text: string, gap: number, start = 0, terminator: string | null = 'Enter'): WedgeKey[] {
  const out: WedgeKey[] = [...text].map((key, i) => ({ key, time: start + i * gap }));
  if (terminator) out.push({ key: terminator, time: start + [...text].length * gap });
  return out;
}

describe('KeyboardWedgeClassifier', () => {
  it('recognises a fast burst ended by Enter as a scan', () => {
    expect(findWedgeScans(keys('JW-20261129-000123', 10, 1000))).toEqual([
      { text: 'JW-20261129-000123', startedAt: 1000, endedAt: 1170 },
    ]);
  });

  it('leaves human typing alone, even when ended by Enter', () => {
    expect(findWedgeScans(keys('hello world', 150))).toEqual([]);
    expect(findWedgeScans(keys('1234', 41))).toEqual([]);
  });

  it('treats the 40 ms default as inclusive and honours a configured gap', () => {
    expect(findWedgeScans(keys('1234', 40)).map((s) => s.text)).toEqual(['1234']);
    expect(findWedgeScans(keys('1234', 80))).toEqual([]);
    expect(findWedgeScans(keys('1234', 80), { maxGapMs: 100 }).map((s) => s.text)).toEqual(['1234']);
  });

  it('requires the minimum length', () => {
    expect(findWedgeScans(keys('abc', 5))).toEqual([]);
    expect(findWedgeScans(keys('abc', 5), { minLength: 3 }).map((s) => s.text)).toEqual(['abc']);
  });

  it('needs the terminator to come quickly too (a person pressing Enter after a fast roll is not a scan)', () => {
    const k = keys('abcd', 10, 0, null);
    k.push({ key: 'Enter', time: 500 });
    expect(findWedgeScans(k)).toEqual([]);
  });

  it('finds a scan that starts right after human typing', () => {
    const k = [...keys('ab', 200, 0, null), ...keys('12345678', 8, 900)];
    expect(findWedgeScans(k).map((s) => s.text)).toEqual(['12345678']);
  });

  it('ignores Shift inside a burst but resets on editing keys', () => {
    const withShift: WedgeKey[] = [
      { key: 'Shift', time: 0 },
      { key: 'J', time: 5 },
      { key: 'Shift', time: 10 },
      { key: 'W', time: 15 },
      { key: '-', time: 20 },
      { key: '1', time: 25 },
      { key: 'Enter', time: 30 },
    ];
    expect(findWedgeScans(withShift).map((s) => s.text)).toEqual(['JW-1']);
    const edited = [...keys('abcd', 5, 0, null), { key: 'Backspace', time: 25 }, { key: 'Enter', time: 30 }];
    expect(findWedgeScans(edited)).toEqual([]);
  });

  it('supports other terminators and counts non-ASCII characters as one key', () => {
    expect(
      findWedgeScans(keys('警务舱号', 5, 0, 'Tab'), { terminators: ['Tab'] }).map((s) => s.text),
    ).toEqual(['警务舱号']);
  });

  it('drops a burst longer than maxLength', () => {
    expect(findWedgeScans(keys('x'.repeat(50), 1), { maxLength: 20 })).toEqual([]);
    // …and the classifier is usable again after a pause.
    expect(
      findWedgeScans([...keys('x'.repeat(50), 1, 0, null), ...keys('abcd', 1, 500)], { maxLength: 20 }).map(
        (s) => s.text,
      ),
    ).toEqual(['abcd']);
  });

  it('survives a clock going backwards and garbage events', () => {
    const c = new KeyboardWedgeClassifier();
    for (const k of keys('abcd', 5, 1000, null)) c.feed(k);
    expect(c.inBurst).toBe(true);
    expect(c.feed({ key: 'e', time: 10 })).toBeNull();
    expect(c.feed({ key: 'Enter', time: 15 })).toBeNull();
    expect(c.feed({ key: 'a', time: Number.NaN })).toBeNull();
    expect(c.feed({ key: undefined as unknown as string, time: 1 })).toBeNull();
    expect(c.inBurst).toBe(false);
    const after = keys('wxyz', 5, 2000).map((k) => c.feed(k));
    expect(after.at(-1)?.text).toBe('wxyz');
  });
});
