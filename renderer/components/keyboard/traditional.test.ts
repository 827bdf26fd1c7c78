import { describe, expect, test } from 'vitest';
import { parseOpenccTable, TraditionalCandidates } from './traditional.js';

describe('OpenCC character tables', () => {
  test('parse `source target…` entries separated by bars', () => {
    const map = parseOpenccTable('发 發|台 臺| 干 幹 乾 |bad');
    expect(map.get('发')).toEqual(['發']);
    expect(map.get('干')).toEqual(['幹', '乾']);
    expect(map.has('bad')).toBe(false);
  });

  test('each Simplified character gives its usual form, its other forms, in Hong Kong spelling', () => {
    const t = new TraditionalCandidates({
      stCharacters: '发 發|台 臺',
      tsCharacters: '發 发|髮 发|臺 台|檯 台|颱 台',
      hkVariants: '臺 台',
    });
    expect(t.forChar('发')).toEqual(['發', '髮']);
    expect(t.forChar('台')).toEqual(['台', '檯', '颱']);
    expect(t.forChar('你')).toEqual(['你']);
    expect(t.convert(['发', '台', '发'])).toEqual(['發', '髮', '台', '檯', '颱']);
  });
});
