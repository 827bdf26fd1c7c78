import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FONT_PATH, DocumentFontError, loadDocumentFont } from './font.js';
import { allLabelTexts } from './labels.js';
import { REPLACEMENT_CHAR } from './text.js';

describe('the committed document font', () => {
  const font = loadDocumentFont();

  it('is the Noto Sans CJK SC subset, small enough to ship', () => {
    expect(font.postscriptName).toBe('NotoSansCJKsc-Regular');
    expect(statSync(DEFAULT_FONT_PATH).size).toBeLessThan(10 * 1024 * 1024);
  });

  it('draws every label text, the replacement mark, Simplified and Traditional text and Latin', () => {
    const missing = [...new Set([...allLabelTexts().join(''), REPLACEMENT_CHAR])].filter(
      (ch) => ch !== '\n' && !font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0),
    );
    expect(missing).toEqual([]);
    const sample = '户籍证明无犯罪记录戶籍證明無犯罪記錄龜鬱灣臺喆堃昇Ñandú café ü ÀÉ ¥€';
    for (const ch of sample.replace(/\s/g, ''))
      expect(font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0), ch).toBe(true);
  });

  it('lacks emoji (which the renderer replaces)', () => {
    expect(font.hasGlyphForCodePoint(0x1f600)).toBe(false);
  });

  it('is parsed once and then shared', () => {
    expect(loadDocumentFont()).toBe(font);
  });

  it('fails with a typed error when missing or not a font', () => {
    expect(() => loadDocumentFont('/nonexistent/font.otf')).toThrow(DocumentFontError);
    const garbage = path.join(mkdtempSync(path.join(tmpdir(), 'booth-font-')), 'garbage.otf');
    writeFileSync(garbage, 'not a font at all');
    try {
      loadDocumentFont(garbage);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DocumentFontError);
      expect((error as DocumentFontError).code).toBe('font_invalid');
    }
  });
});
