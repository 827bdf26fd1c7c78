import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import type { Font } from 'fontkit';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The committed CJK font (a subset of Noto Sans CJK SC; see resources/fonts/README.md), two folders up from
 * domain/documents/ — and from dist/cli/, where the built `booth` command inlines this module.
 */
export const DEFAULT_FONT_PATH = path.resolve(here, '../../resources/fonts/NotoSansCJKsc-Regular.subset.otf');

/** Why the document font could not be loaded. */
export class DocumentFontError extends Error {
  constructor(
    readonly code: 'font_missing' | 'font_invalid',
    message: string,
  ) {
    super(message);
    this.name = 'DocumentFontError';
  }
}

const cache = new Map<string, Font>();

/**
 * Loads (once per path, then from memory) the font every document embeds. Parsing the 5 MB font takes tens
 * of milliseconds, so it is shared across documents; pdfkit accepts a parsed fontkit font and still
 * subsets it per document.
 */
export function loadDocumentFont(fontPath: string = DEFAULT_FONT_PATH): Font {
  const cached = cache.get(fontPath);
  if (cached) return cached;
  let bytes: Buffer;
  try {
    bytes = readFileSync(fontPath);
  } catch {
    throw new DocumentFontError('font_missing', `document font not found at ${fontPath}`);
  }
  let font: ReturnType<typeof fontkit.create>;
  try {
    font = fontkit.create(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DocumentFontError('font_invalid', `document font at ${fontPath} cannot be parsed: ${reason}`);
  }
  if ('fonts' in font)
    throw new DocumentFontError('font_invalid', `document font at ${fontPath} is a collection`);
  cache.set(fontPath, font);
  return font;
}

/** Forgets parsed fonts (the benchmark measures a cold start with it). */
export function clearDocumentFontCache(): void {
  cache.clear();
}
