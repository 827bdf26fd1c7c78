import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_NAMES, MESSAGES } from '../../renderer/i18n/messages.js';
import {
  buildRendererFonts,
  DEFAULT_CATALOG,
  subsetCodePoints,
  unicodeRange,
  type RendererFontsManifest,
} from '../../scripts/fonts/renderer-fonts.js';

/** Every string anywhere in a JSON value, gathered independently of the builder's own walk. */
function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

/** Characters a screen can draw (line breaks and other controls are layout, not glyphs). */
function drawable(text: string): string[] {
  return [...new Set(text)].filter((ch) => /[^\p{Cc}]/u.test(ch));
}

function cmapOf(file: string): Set<number> {
  const font = fontkit.create(readFileSync(file));
  if ('fonts' in font) throw new Error('collection');
  return new Set(font.characterSet);
}

function missingFrom(cmap: ReadonlySet<number>, chars: readonly string[]): string[] {
  return chars.filter((ch) => !cmap.has(ch.codePointAt(0) ?? -1));
}

/** Parses the generated fonts.css into its @font-face rules. */
function fontFaces(css: string): Array<{ family: string; weight: string; src: string; range: string }> {
  return [...css.matchAll(/@font-face \{([^}]*)\}/g)].map(([, body = '']) => ({
    family: /font-family: '([^']+)'/.exec(body)?.[1] ?? '',
    weight: /font-weight: (\d+)/.exec(body)?.[1] ?? '',
    src: /url\('\.\/([^']+)'\)/.exec(body)?.[1] ?? '',
    range: /unicode-range: ([^;]+);/.exec(body)?.[1] ?? '',
  }));
}

describe('the renderer font subset (the first-paint WOFF2 faces the build generates)', () => {
  let dir: string;
  let manifest: RendererFontsManifest;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-fonts-'));
    // The same build `npm run build:renderer` runs, without the complete font's hundred pieces.
    manifest = await buildRendererFonts({ outDir: dir, full: false });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const messageChars = drawable(
    [
      ...Object.values(LOCALE_NAMES),
      ...Object.values(MESSAGES).flatMap((messages) => Object.values(messages)),
    ].join(''),
  );
  const catalogChars = drawable(jsonStrings(JSON.parse(readFileSync(DEFAULT_CATALOG, 'utf8'))).join(''));

  it('draws every character of every message in all three languages, in both weights', () => {
    expect(messageChars.length).toBeGreaterThan(500);
    for (const weight of ['400', '700']) {
      const face = manifest.subset.faces[weight];
      expect(face, `a ${weight} face`).toBeDefined();
      expect(missingFrom(cmapOf(path.join(dir, face?.file ?? '')), messageChars)).toEqual([]);
    }
  });

  it('draws every string the default catalog carries, in both weights', () => {
    expect(catalogChars.length).toBeGreaterThan(300);
    for (const weight of ['400', '700']) {
      const face = manifest.subset.faces[weight];
      expect(missingFrom(cmapOf(path.join(dir, face?.file ?? '')), catalogChars)).toEqual([]);
    }
  });

  it('declares each face for exactly the characters it has, so the rest goes to the complete font', () => {
    const faces = fontFaces(readFileSync(path.join(dir, 'fonts.css'), 'utf8'));
    const subset = faces.filter((f) => f.family === 'Booth Sans');
    expect(subset.map((f) => f.weight).sort()).toEqual(['400', '700']);
    for (const face of subset) {
      expect(face.range).toBe(unicodeRange(cmapOf(path.join(dir, face.src))));
      expect(face.src).toMatch(/^booth-sans-\d00\.woff2$/);
    }
  });

  it('is a subset, not the whole font: rare characters are left to the complete font', () => {
    const cmap = cmapOf(path.join(dir, manifest.subset.faces['400']?.file ?? ''));
    expect(missingFrom(cmap, [...'龘鬱䶮堃'])).toEqual([...'龘鬱䶮堃']);
    expect(manifest.subset.faces['400']?.bytes).toBeLessThan(400_000);
  });
});

describe('the characters the subset must cover', () => {
  it('include the strings of catalogs named at build time (BOOTH_FONT_CATALOGS)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'booth-fonts-catalog-'));
    try {
      const extra = path.join(dir, 'bureau-catalog.json');
      writeFileSync(
        extra,
        JSON.stringify({ services: [{ name: { 'zh-CN': '龘', 'zh-HK': '鬱', en: 'x' } }] }),
      );
      const without = await subsetCodePoints([DEFAULT_CATALOG]);
      const withExtra = await subsetCodePoints([DEFAULT_CATALOG, extra]);
      expect(without).not.toContain(0x9f98); // 龘
      expect(withExtra).toContain(0x9f98);
      expect(withExtra).toContain(0x9b31); // 鬱
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('merge into compact unicode-range runs', () => {
    expect(unicodeRange([0x41, 0x42, 0x43, 0x4e00, 0x20, 0x4e01, 0x4e03])).toBe(
      'U+20, U+41-43, U+4e00-4e01, U+4e03',
    );
  });
});
