/** Shared drawing helpers for the document templates (pdfkit). */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Font } from 'fontkit';
import { maskIdNumbers, sanitizeText } from './text.js';

/** Points per millimetre. */
export const MM = 72 / 25.4;

/** Fixed metadata, so the same data always gives byte-identical PDFs (snapshots stay stable). */
export interface DocumentMeta {
  readonly title: string;
  /** Used for CreationDate and ModDate; pdfkit derives the file ID from these, so it is fixed too. */
  readonly date: Date;
  readonly lang: string;
}

/** A document being drawn, with its font and the text clean-up bound to that font. */
export interface Canvas {
  readonly doc: PDFKit.PDFDocument;
  /** Cleans a value for drawing: unprintable characters become a visible mark. */
  readonly clean: (text: string, multiline?: boolean) => string;
}

/** Opens a document on the shared parsed font. */
export function openCanvas(
  font: Font,
  meta: DocumentMeta,
  size: [number, number],
  margin: number,
  bufferPages = false,
): Canvas {
  const doc = new PDFDocument({
    size,
    margin,
    bufferPages,
    autoFirstPage: true,
    lang: meta.lang,
    displayTitle: true,
    info: {
      Title: meta.title,
      Producer: 'Smart Police Booth',
      Creator: 'Smart Police Booth',
      CreationDate: meta.date,
      ModDate: meta.date,
    },
  });
  // pdfkit takes an already parsed fontkit font (it checks for `layout`); its typings only list byte
  // sources, hence the cast. Sharing the parsed font saves the parse on every document.
  doc.font(font as unknown as Uint8Array);
  const covers = (cp: number): boolean => font.hasGlyphForCodePoint(cp);
  return { doc, clean: (text, multiline = false) => maskIdNumbers(sanitizeText(text, covers, multiline)) };
}

/** Ends the document and collects its bytes. */
export function finish(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.end();
  });
}

/**
 * Draws a QR code as filled rectangles (vector, sharp at any print resolution), quiet zone included in
 * `size`. Runs of dark modules in a row become one rectangle.
 */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const unit = size / (n + 2 * quiet);
  doc.save();
  for (let row = 0; row < n; row += 1) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col += 1;
      // A hair of overlap hides anti-aliasing seams between neighbouring rectangles in viewers.
      doc.rect(
        x + (quiet + start) * unit,
        y + (quiet + row) * unit,
        (col - start) * unit + 0.01,
        unit + 0.01,
      );
    }
  }
  doc.fill('#000000');
  doc.restore();
}

/** Draws the diagonal demonstration watermark across the current page. */
export function drawWatermark(doc: PDFKit.PDFDocument, text: string): void {
  const { width, height } = doc.page;
  // As large as fits 60 % of the diagonal: the corners are too narrow for the full line height.
  doc.fontSize(100);
  const size = Math.min(
    Math.min(width, height) / 9,
    (100 * 0.6 * Math.hypot(width, height)) / doc.widthOfString(text),
  );
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0; // drawing near the edge must not start a new page
  doc.save();
  doc.rotate(-Math.atan2(height, width) * (180 / Math.PI), { origin: [width / 2, height / 2] });
  doc.fillColor('#c00000').fillOpacity(0.15).fontSize(size);
  const textWidth = doc.widthOfString(text);
  doc.text(text, width / 2 - textWidth / 2, height / 2 - doc.currentLineHeight() / 2, { lineBreak: false });
  doc.restore();
  doc.page.margins.bottom = bottom;
  doc.fillOpacity(1).fillColor('#000000');
}

/** Draws a horizontal rule at y. */
export function rule(doc: PDFKit.PDFDocument, x1: number, x2: number, y: number, dashed = false): void {
  doc.save().lineWidth(0.5).strokeColor('#000000');
  if (dashed) doc.dash(2, { space: 2 });
  doc.moveTo(x1, y).lineTo(x2, y).stroke();
  doc.restore();
}

/** Options of {@link block}. */
export interface BlockOptions {
  readonly size: number;
  readonly width: number;
  readonly align?: 'left' | 'center' | 'right' | 'justify';
  /** Cut after this many lines with an ellipsis. */
  readonly maxLines?: number;
  /** Draw heavier (fill + thin stroke), for titles: one font weight is embedded. */
  readonly bold?: boolean;
  readonly color?: string;
  readonly lineGap?: number;
}

/** Draws wrapped text at (x, y) and returns the y below it. */
export function block(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  options: BlockOptions,
): number {
  const lineGap = options.lineGap ?? options.size * 0.25;
  doc.fontSize(options.size).fillColor(options.color ?? '#000000');
  const textOptions: PDFKit.Mixins.TextOptions = {
    width: options.width,
    align: options.align ?? 'left',
    lineGap,
  };
  if (options.maxLines !== undefined) {
    const lineHeight = doc.currentLineHeight(true) + lineGap;
    const full = doc.heightOfString(text, textOptions);
    if (full > options.maxLines * lineHeight) {
      textOptions.height = options.maxLines * lineHeight - lineGap / 2;
      textOptions.ellipsis = '…';
    }
  }
  if (options.bold) {
    doc
      .save()
      .lineWidth(options.size / 40)
      .strokeColor(options.color ?? '#000000');
    doc.text(text, x, y, { ...textOptions, fill: true, stroke: true });
    doc.restore();
  } else {
    doc.text(text, x, y, textOptions);
  }
  doc.fillColor('#000000');
  return doc.y;
}

/**
 * Draws "label  value" with the value wrapped in the space right of the label; returns the y below the
 * taller of the two.
 */
export function field(
  doc: PDFKit.PDFDocument,
  label: string,
  value: string,
  x: number,
  y: number,
  width: number,
  labelWidth: number,
  size: number,
  maxLines = 4,
): number {
  const labelEnd = block(doc, label, x, y, { size, width: labelWidth - 4, color: '#444444', maxLines: 2 });
  const valueEnd = block(doc, value, x + labelWidth, y, { size, width: width - labelWidth, maxLines });
  return Math.max(labelEnd, valueEnd);
}
