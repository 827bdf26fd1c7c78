import { beforeAll, describe, expect, test } from 'vitest';
import { loadPinyinDictionary, loadTraditionalCandidates } from './dictionaries.js';
import { PinyinDictionary } from './pinyin.js';
import type { TraditionalCandidates } from './traditional.js';

describe('pinyin candidates from the shipped dictionary', () => {
  let dict: PinyinDictionary;
  let traditional: TraditionalCandidates;
  beforeAll(async () => {
    dict = await loadPinyinDictionary();
    traditional = await loadTraditionalCandidates();
  });

  test('the first syllable of what was typed gives its characters, most frequent first', () => {
    expect(dict.candidates('nihao')).toMatchObject({ consumes: 2 });
    expect(dict.candidates('nihao').chars[0]).toBe('你');
    expect(dict.candidates('hao').chars[0]).toBe('好');
    expect(dict.candidates('zhong').chars.slice(0, 1)).toEqual(['中']);
    expect(dict.candidates('yue').chars).toContain('粤');
  });

  test('typed letters split into syllables, longest first, backing off where the rest would not split', () => {
    expect(dict.display('nihao')).toBe("ni'hao");
    expect(dict.display('xian')).toBe('xian');
    expect(dict.segment('xiane')?.segments).toEqual(['xian', 'e']);
    expect(dict.segment('fangan')?.segments).toEqual(['fang', 'an']);
    expect(dict.segment('nih')).toEqual({ segments: ['ni', 'h'], lastIsPartial: true });
    expect(dict.segment('lv')?.segments).toEqual(['lv']);
    expect(dict.segment('iv')).toBeNull();
    expect(dict.candidates('iv')).toEqual({ chars: [], consumes: 0 });
  });

  test('an unfinished syllable offers the syllables it starts, each one’s best characters first', () => {
    const zh = dict.candidates('zh');
    expect(zh.consumes).toBe(2);
    // Round robin by rank: the best character of each zh… syllable comes before any second best.
    expect(zh.chars.slice(0, 4)).toEqual(['zha', 'zhe', 'zhi', 'zhu'].map((s) => dict.charsFor(s, false)[0]));
    expect(zh.chars.slice(0, 20)).toEqual(expect.arrayContaining(['这', '中', '长']));
    // A whole syllable that may still grow keeps its own characters first: "zhuan" before "zhuang".
    const zhuan = dict.candidates('zhuan').chars;
    expect(zhuan[0]).toBe(dict.charsFor('zhuan', false)[0]);
    expect(zhuan).toContain(dict.charsFor('zhuang', false)[0]);
  });

  test('繁體 candidates: the usual Hong Kong form first, then the other characters that simplify alike', () => {
    expect(traditional.convert(dict.candidates('fa').chars).slice(0, 3)).toEqual(['發', '髮', '法']);
    expect(traditional.convert(dict.candidates('zhong').chars)[0]).toBe('中');
    expect(traditional.convert(dict.candidates('zhong').chars)).toContain('種');
    expect(traditional.convert(dict.candidates('gan').chars).slice(0, 2)).toEqual(['幹', '乾']);
    // Hong Kong forms (OpenCC HKVariants): 台 rather than 臺, 枱 rather than 檯; no Simplified form offered.
    const tai = traditional.convert(dict.candidates('tai').chars);
    expect(tai.slice(0, 4)).toEqual(['大', '台', '枱', '颱']);
    expect(tai).not.toContain('臺');
    expect(tai).not.toContain('态');
    expect(traditional.convert(['你', '好'])).toEqual(['你', '好']);
  });
});

describe('a small table, to pin the rules down', () => {
  const dict = new PinyinDictionary({ a: ['阿'], an: ['安'], ang: ['昂'], ni: ['你', '尼'], n: ['嗯'] });

  test('ignores entries that are not plain lower-case syllables', () => {
    const odd = PinyinDictionary.fromSpaceSeparated({ ü: '女', ni: '你  尼 ', '': '空' });
    expect(odd.isSyllable('ni')).toBe(true);
    expect(odd.isSyllable('ü')).toBe(false);
    expect(odd.charsFor('ni', false)).toEqual(['你', '尼']);
  });

  test('extends a growing syllable with the longer ones, without repeats', () => {
    expect(dict.candidates('a').chars).toEqual(['阿', '安', '昂']);
    expect(dict.candidates('an').chars).toEqual(['安', '昂']);
    expect(dict.candidates('n').chars).toEqual(['嗯', '你', '尼']);
    // "ania" only splits as a|ni|a: the backing-off finds it.
    expect(dict.candidates('ania')).toEqual({ chars: ['阿'], consumes: 1 });
  });

  test('upper-case letters are read as pinyin too', () => {
    expect(dict.segment('NI')?.segments).toEqual(['ni']);
  });
});
