import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import type { Font, PathCommand } from 'fontkit';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import type { PaperItem } from './simulator.js';

/**
 * Renders the simulator's paper to a PNG a technician can read: 1 pixel per printer dot, black on white like
 * thermal paper. Text is rasterised from the committed Noto Sans CJK subset (resources/fonts) by a small
 * scanline rasteriser over fontkit's glyph outlines, into font-A cells (12×24 dots half width, 24×24 full width),
 * so the preview has the printer's own column layout; QR codes are real symbols from `qrcode`'s matrix.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

/** Candidate fonts, in order: the project's committed subset, then the Debian fonts-noto-cjk collection. */
export const PREVIEW_FONT_CANDIDATES: readonly { path: string; face?: string }[] = [
  { path: path.resolve(here, '../../resources/fonts/NotoSansCJKsc-Regular.subset.otf') },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
];

/** No usable font for the preview. */
export class PreviewFontError extends Error {
  readonly code = 'preview-font-missing';
  constructor(message: string) {
    super(message);
    this.name = 'PreviewFontError';
  }
}

/** Preview options. */
export interface RenderOptions {
  /** Paper width (default 80). */
  readonly width?: 58 | 80;
  /** A font file to use instead of the candidates (a .ttc needs `fontFace`). */
  readonly fontPath?: string;
  readonly fontFace?: string;
  /** White margin around the paper, in pixels (default 16). */
  readonly margin?: number;
}

const CELL = { narrow: 12, wide: 24, height: 24 };
const fonts = new Map<string, Font>();

function loadFont(options: RenderOptions): Font {
  const candidates = options.fontPath
    ? [{ path: options.fontPath, face: options.fontFace }]
    : PREVIEW_FONT_CANDIDATES;
  for (const c of candidates) {
    const key = `${c.path}#${c.face ?? ''}`;
    const cached = fonts.get(key);
    if (cached) return cached;
    if (!existsSync(c.path)) continue;
    try {
      const f = fontkit.create(readFileSync(c.path), c.face);
      if ('fonts' in f) continue; // a collection without a face name
      fonts.set(key, f);
      return f;
    } catch {
      // A font file that does not load is skipped; the next candidate (or the error below) follows.
      continue;
    }
  }
  throw new PreviewFontError(`no preview font found (tried ${candidates.map((c) => c.path).join(', ')})`);
}

/** A 1-bit canvas, one byte per pixel (1 = black). */
class Canvas {
  readonly px: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.px = new Uint8Array(width * height);
  }
  set(x: number, y: number): void {
    if (x >= 0 && y >= 0 && x < this.width && y < this.height) this.px[y * this.width + x] = 1;
  }
  rect(x: number, y: number, w: number, h: number): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy);
  }
  toPng(): Uint8Array {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.px.length; i++) {
      const v = this.px[i] ? 0 : 255;
      png.data[i * 4] = v;
      png.data[i * 4 + 1] = v;
      png.data[i * 4 + 2] = v;
      png.data[i * 4 + 3] = 255;
    }
    return new Uint8Array(PNG.sync.write(png));
  }
}

type Edge = { x0: number; y0: number; x1: number; y1: number; dir: number };

/** Flattens a glyph outline (font units, y up) to edges in pixel space (y down). */
function edgesOf(
  commands: readonly PathCommand[],
  tx: (x: number) => number,
  ty: (y: number) => number,
): Edge[] {
  const edges: Edge[] = [];
  let sx = 0;
  let sy = 0;
  let cx = 0;
  let cy = 0;
  const line = (x: number, y: number): void => {
    const ax = tx(cx);
    const ay = ty(cy);
    const bx = tx(x);
    const by = ty(y);
    if (ay !== by)
      edges.push(
        ay < by ? { x0: ax, y0: ay, x1: bx, y1: by, dir: 1 } : { x0: bx, y0: by, x1: ax, y1: ay, dir: -1 },
      );
    cx = x;
    cy = y;
  };
  const steps = 8;
  for (const c of commands) {
    const a = c.args;
    switch (c.command) {
      case 'moveTo':
        if (cx !== sx || cy !== sy) line(sx, sy);
        cx = sx = a[0] ?? 0;
        cy = sy = a[1] ?? 0;
        break;
      case 'lineTo':
        line(a[0] ?? 0, a[1] ?? 0);
        break;
      case 'quadraticCurveTo': {
        const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = a;
        const x0 = cx;
        const y0 = cy;
        for (let k = 1; k <= steps; k++) {
          const t = k / steps;
          const u = 1 - t;
          line(u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2);
        }
        break;
      }
      case 'bezierCurveTo': {
        const [x1 = 0, y1 = 0, x2 = 0, y2 = 0, x3 = 0, y3 = 0] = a;
        const x0 = cx;
        const y0 = cy;
        for (let k = 1; k <= steps; k++) {
          const t = k / steps;
          const u = 1 - t;
          line(
            u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3,
            u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3,
          );
        }
        break;
      }
      case 'closePath':
        line(sx, sy);
        break;
    }
  }
  if (cx !== sx || cy !== sy) line(sx, sy);
  return edges;
}

/**
 * Fills edges with the non-zero rule at 4×4 samples per pixel; a pixel is black when at least 6 of 16
 * samples are inside (thermal dots are on or off, and 6/16 keeps thin strokes without bloating bold ones).
 */
function fill(canvas: Canvas, edges: readonly Edge[]): void {
  if (edges.length === 0) return;
  let minY = Infinity;
  let maxY = -Infinity;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const e of edges) {
    minY = Math.min(minY, e.y0);
    maxY = Math.max(maxY, e.y1);
    minX = Math.min(minX, e.x0, e.x1);
    maxX = Math.max(maxX, e.x0, e.x1);
  }
  const x0 = Math.max(0, Math.floor(minX));
  const x1 = Math.min(canvas.width, Math.ceil(maxX) + 1);
  const y0 = Math.max(0, Math.floor(minY));
  const y1 = Math.min(canvas.height, Math.ceil(maxY) + 1);
  const w = x1 - x0;
  if (w <= 0 || y1 <= y0) return;
  const cover = new Uint8Array(w);
  const xs: { x: number; dir: number }[] = [];
  for (let py = y0; py < y1; py++) {
    cover.fill(0);
    for (let sub = 0; sub < 4; sub++) {
      const sy = py + (sub + 0.5) / 4;
      xs.length = 0;
      for (const e of edges) {
        if (sy >= e.y0 && sy < e.y1)
          xs.push({ x: e.x0 + ((sy - e.y0) / (e.y1 - e.y0)) * (e.x1 - e.x0), dir: e.dir });
      }
      if (xs.length < 2) continue;
      xs.sort((a, b) => a.x - b.x);
      let winding = 0;
      for (let k = 0; k < xs.length - 1; k++) {
        const cur = xs[k];
        const next = xs[k + 1];
        if (!cur || !next) break;
        winding += cur.dir;
        if (winding === 0) continue;
        // Samples at x = px + (j + 0.5) / 4 inside [cur.x, next.x).
        const first = Math.max(x0 * 4, Math.ceil(cur.x * 4 - 0.5));
        const last = Math.min(x1 * 4 - 1, Math.ceil(next.x * 4 - 0.5) - 1);
        for (let s = first; s <= last; s++) {
          const idx = (s >> 2) - x0;
          cover[idx] = (cover[idx] ?? 0) + 1;
        }
      }
    }
    for (let i = 0; i < w; i++) if ((cover[i] ?? 0) >= 6) canvas.set(x0 + i, py);
  }
}

/** Draws one character into its cell at (x, top). */
function drawChar(
  canvas: Canvas,
  font: Font,
  ch: string,
  x: number,
  top: number,
  wide: boolean,
  wm: number,
  hm: number,
  bold: boolean,
): void {
  const cp = ch.codePointAt(0) ?? 0x3f;
  if (ch === ' ') return;
  const cellW = (wide ? CELL.wide : CELL.narrow) * wm;
  const cellH = CELL.height * hm;
  if (!font.hasGlyphForCodePoint(cp)) {
    // A character the preview font lacks: an outlined box, so it is visibly there.
    canvas.rect(x + 1, top + 2, cellW - 2, 1);
    canvas.rect(x + 1, top + cellH - 3, cellW - 2, 1);
    canvas.rect(x + 1, top + 2, 1, cellH - 4);
    canvas.rect(x + cellW - 2, top + 2, 1, cellH - 4);
    return;
  }
  const glyph = font.glyphForCodePoint(cp);
  const em = font.unitsPerEm;
  // The em box maps to a full-width cell (24 dots per multiplier); half-width glyphs are squeezed if they
  // would overflow their 12-dot cell, and centred otherwise, as a printer's fixed-pitch font would be.
  const sy = (CELL.height * hm) / em;
  let sx = (CELL.wide * wm) / em;
  const advance = glyph.advanceWidth * sx;
  if (advance > cellW) sx *= cellW / advance;
  const offset = x + (cellW - glyph.advanceWidth * sx) / 2;
  // Noto's em box spans 880 above to 120 below the baseline.
  const baseline = top + 0.88 * CELL.height * hm;
  const edges = edgesOf(
    glyph.path.commands,
    (gx) => offset + gx * sx,
    (gy) => baseline - gy * sy,
  );
  fill(canvas, edges);
  if (bold)
    fill(
      canvas,
      edges.map((e) => ({ ...e, x0: e.x0 + 1, x1: e.x1 + 1 })),
    );
}

function itemHeightPx(item: PaperItem): number {
  switch (item.kind) {
    case 'text':
    case 'feed':
      return item.height;
    case 'image':
      return item.height;
    case 'qr':
      return qrMatrix(item).size * item.moduleSize;
    case 'cut':
      return 24;
  }
}

const qrCache = new WeakMap<object, { size: number; get: (r: number, c: number) => boolean }>();
function qrMatrix(item: Extract<PaperItem, { kind: 'qr' }>): {
  size: number;
  get: (r: number, c: number) => boolean;
} {
  const cached = qrCache.get(item);
  if (cached) return cached;
  // The exact payload bytes in byte mode, as the printer stores them.
  const code = QRCode.create([{ data: Buffer.from(item.payload), mode: 'byte' }], {
    errorCorrectionLevel: item.errorCorrection,
  });
  const m = {
    size: code.modules.size,
    get: (r: number, c: number): boolean => Boolean(code.modules.get(r, c)),
  };
  qrCache.set(item, m);
  return m;
}

function alignX(align: 'left' | 'center' | 'right', contentWidth: number, dots: number): number {
  if (align === 'left') return 0;
  if (align === 'right') return Math.max(0, dots - contentWidth);
  return Math.max(0, Math.floor((dots - contentWidth) / 2));
}

/** Renders paper items (a job, or the whole roll) to a PNG. Throws {@link PreviewFontError} without a font. */
export function renderPaper(items: readonly PaperItem[], options: RenderOptions = {}): Uint8Array {
  const font = loadFont(options);
  const dots = options.width === 58 ? 384 : 576;
  const margin = options.margin ?? 16;
  const contentHeight = items.reduce((h, i) => h + itemHeightPx(i), 0);
  const canvas = new Canvas(dots + 2 * margin, Math.max(1, contentHeight) + 2 * margin);
  let y = margin;
  for (const item of items) {
    const h = itemHeightPx(item);
    switch (item.kind) {
      case 'text': {
        let width = 0;
        for (const r of item.runs)
          for (const w of r.wide) width += (w ? CELL.wide : CELL.narrow) * r.widthMul;
        let x = margin + alignX(item.align, width, dots);
        const tallest = Math.max(...item.runs.map((r) => r.heightMul));
        for (const r of item.runs) {
          const chars = r.text.split('');
          chars.forEach((ch, k) => {
            const wide = r.wide[k] ?? false;
            // Characters of different heights on one line share the baseline at the bottom of the tallest.
            const top = y + (tallest - r.heightMul) * CELL.height;
            drawChar(canvas, font, ch, x, top, wide, r.widthMul, r.heightMul, r.bold);
            x += (wide ? CELL.wide : CELL.narrow) * r.widthMul;
          });
        }
        break;
      }
      case 'qr': {
        const m = qrMatrix(item);
        const size = m.size * item.moduleSize;
        const x = margin + alignX(item.align, size, dots);
        for (let r = 0; r < m.size; r++) {
          for (let c = 0; c < m.size; c++)
            if (m.get(r, c))
              canvas.rect(x + c * item.moduleSize, y + r * item.moduleSize, item.moduleSize, item.moduleSize);
        }
        break;
      }
      case 'image': {
        const x = margin + alignX(item.align, item.width, dots);
        const bpr = Math.ceil(item.width / 8);
        for (let r = 0; r < item.height; r++) {
          for (let c = 0; c < item.width; c++)
            if (((item.bits[r * bpr + (c >> 3)] ?? 0) & (0x80 >> (c & 7))) !== 0) canvas.set(x + c, y + r);
        }
        break;
      }
      case 'cut': {
        // A dashed line where the paper was cut (full) or perforated (partial).
        const dash = item.mode === 'full' ? 12 : 4;
        for (let x = 0; x < canvas.width; x += dash * 2) canvas.rect(x, y + 12, dash, 1);
        break;
      }
      case 'feed':
        break;
    }
    y += h;
  }
  return canvas.toPng();
}
