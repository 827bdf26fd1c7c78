import { describe, expect, it } from 'vitest';
import { maskName } from './masking.js';

describe('maskName', () => {
  it('keeps the first character and hides the rest behind at most three asterisks', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('Ada Lovelace')).toBe('A***');
  });

  it('trims, keeps a one-character name and counts characters, not UTF-16 units', () => {
    expect(maskName('  李四 ')).toBe('李*');
    expect(maskName('王')).toBe('王');
    expect(maskName('')).toBe('');
    expect(maskName('𠀀明')).toBe('𠀀*');
  });
});
