import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, maskIdNumbers, REPLACEMENT_CHAR, sanitizeText } from './text.js';

// A font that draws ASCII and CJK Unified Ideographs only.
const covers = (cp: number): boolean => (cp >= 0x20 && cp < 0x7f) || (cp >= 0x4e00 && cp <= 0x9fff);

describe('sanitizeText', () => {
  it('keeps drawable text as it is', () => {
    expect(sanitizeText('张三 Zhang San', covers)).toBe('张三 Zhang San');
  });

  it('replaces each emoji, however many code points, by one visible mark', () => {
    expect(sanitizeText('a😀b', covers)).toBe(`a${REPLACEMENT_CHAR}b`);
    expect(sanitizeText('家👨‍👩‍👧人', covers)).toBe(`家${REPLACEMENT_CHAR}人`);
    expect(sanitizeText('🇨🇳', covers)).toBe(REPLACEMENT_CHAR);
  });

  it('drops only a variation selector after a drawable base', () => {
    expect(sanitizeText('A\uFE0F', covers)).toBe('A');
  });

  it('replaces control characters and keeps line breaks only in multi-line text', () => {
    expect(sanitizeText('a\u0007b', covers)).toBe(`a${REPLACEMENT_CHAR}b`);
    expect(sanitizeText('a\r\nb', covers, true)).toBe('a\nb');
    expect(sanitizeText('a\nb', covers)).toBe('a b');
  });
});

describe('maskIdNumbers', () => {
  it('masks 18- and 15-digit ID numbers in free text, not shorter numbers', () => {
    expect(maskIdNumbers('ID 44030419900101123X ok')).toBe('ID 4403**********123X ok');
    expect(maskIdNumbers('440304900101123')).toBe('4403*******1123');
    expect(maskIdNumbers('call 13812345678')).toBe('call 13812345678');
  });
});

describe('dates', () => {
  it('prints the local time of the ISO string, not the machine zone', () => {
    expect(formatDateTime('2026-11-29T10:24:00+08:00')).toBe('2026-11-29 10:24');
    expect(formatDate('2026-11-09', 'zh-CN')).toBe('2026年11月9日');
    expect(formatDate('2026-11-09', 'en')).toBe('2026-11-09');
  });
});
