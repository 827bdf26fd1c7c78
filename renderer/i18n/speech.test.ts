import { describe, expect, it } from 'vitest';
import { MAX_CHUNK, speechChunks } from './speech.js';

describe('reading aloud in pieces', () => {
  it('keeps short texts whole and joins short lines', () => {
    expect(speechChunks('请选择要办理的业务\n下一步')).toEqual(['请选择要办理的业务 下一步']);
    expect(speechChunks('  ')).toEqual([]);
  });

  it('cuts long texts at sentence ends, then commas, never longer than the synthesiser takes', () => {
    const sentence = '请将证件平放在屏幕下方的读卡区，读取完成前请勿移动。';
    const text = sentence.repeat(20);
    const chunks = speechChunks(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(MAX_CHUNK);
    expect(chunks.join('').replace(/\s/g, '')).toBe(text);
    const comma = '甲乙丙丁戊己庚辛，'.repeat(30);
    for (const c of speechChunks(comma)) expect(c.length).toBeLessThanOrEqual(MAX_CHUNK);
    const english = 'Lay the card flat on the reader. Keep it still until it has been read. '.repeat(6);
    const pieces = speechChunks(english);
    for (const c of pieces) expect(c.length).toBeLessThanOrEqual(MAX_CHUNK);
    expect(pieces[0]).toMatch(/^Lay the card flat/);
  });

  it('cuts a text with no punctuation at all hard at the limit', () => {
    const chunks = speechChunks('字'.repeat(MAX_CHUNK * 2 + 5));
    expect(chunks.map((c) => c.length)).toEqual([MAX_CHUNK, MAX_CHUNK, 5]);
  });
});
