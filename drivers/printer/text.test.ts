import { describe, expect, it } from 'vitest';
import { alignText, displayWidth, encodeText, twoColumnRow, wrapText } from './text.js';

describe('display width', () => {
  it('counts CJK, full-width forms and GB2312 Latin as 2, ASCII as 1', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('中文')).toBe(4);
    expect(displayWidth('ＡＢ')).toBe(4);
    expect(displayWidth('臺灣')).toBe(4);
    expect(displayWidth('a中b')).toBe(4);
    // Unprintable characters count as their full-width stand-in.
    expect(displayWidth('😀')).toBe(2);
  });
});

describe('wrapText', () => {
  it('wraps CJK at any character by double width', () => {
    expect(wrapText('一二三四五六七八九十', 8)).toEqual(['一二三四', '五六七八', '九十']);
    // 7 columns: three CJK (6) fit, the fourth would make 8.
    expect(wrapText('一二三四五', 7)).toEqual(['一二三', '四五']);
  });
  it('keeps Latin words whole when they fit on a line', () => {
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
  });
  it('breaks words longer than a line', () => {
    expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });
  it('mixes CJK and Latin', () => {
    const out = wrapText('请携带ID card前往窗口', 12);
    for (const l of out) expect(displayWidth(l)).toBeLessThanOrEqual(12);
    expect(out.join('').replace(/ /g, '')).toBe('请携带IDcard前往窗口');
  });
  it('respects explicit newlines and empty text', () => {
    expect(wrapText('a\n\nb', 10)).toEqual(['a', '', 'b']);
    expect(wrapText('', 10)).toEqual(['']);
  });
  it('handles a huge string without blowing up and within width', () => {
    const big = '警'.repeat(20_000) + 'x'.repeat(20_000);
    const out = wrapText(big, 48);
    expect(out.length).toBe(Math.ceil((40_000 + 20_000) / 48));
    expect(out.join('')).toBe(big);
    expect(out.every((l) => displayWidth(l) <= 48)).toBe(true);
  });
  it('rejects an impossible width', () => {
    expect(() => wrapText('a', 1)).toThrow(RangeError);
  });
});

describe('alignment and rows', () => {
  it('aligns by display width', () => {
    expect(alignText('中', 6, 'right')).toBe('    中');
    expect(alignText('中', 6, 'center')).toBe('  中  ');
    expect(alignText('中', 6, 'left')).toBe('中    ');
  });
  it('two-column row on one line', () => {
    expect(twoColumnRow('受理状态', '已受理', 20)).toEqual(['受理状态' + ' '.repeat(6) + '已受理']);
  });
  it('two-column row wraps a long label and keeps the value right', () => {
    const rows = twoColumnRow('出入境证件办理（港澳通行证再签注）', '¥15', 20);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(displayWidth(r)).toBeLessThanOrEqual(20);
    expect(rows[rows.length - 1]!.endsWith('¥15')).toBe(true);
  });
  it('two-column row puts a long value on its own right-aligned lines', () => {
    const rows = twoColumnRow('编号', 'JW-20261129-000123-ABCDEF', 20);
    expect(rows[0]).toBe('编号');
    expect(rows.slice(1).every((r) => displayWidth(r) === 20)).toBe(true);
  });
});

describe('encodeText', () => {
  it('keeps printable text and lists replacements with indexes', () => {
    const r = encodeText('ok👍好\u0000', true);
    expect(r.printed).toBe('ok□好□');
    expect(r.replacements.map((x) => [x.index, x.codePoint.toString(16), x.reason])).toEqual([
      [2, '1f44d', 'four-byte-gb18030'],
      [5, '0', 'control'],
    ]);
  });
});
