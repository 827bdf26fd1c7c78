/** The visit receipt as a PDF: an 80 mm roll layout (height fitted to content) and an A4 layout. */
import type { Font } from 'fontkit';
import type { ReceiptData } from './receipt-data.js';
import { documentLabels } from './labels.js';
import type { DocumentLabels } from './labels.js';
import { block, drawQr, drawWatermark, field, finish, MM, openCanvas, rule } from './pdf.js';
import type { Canvas } from './pdf.js';
import { formatDateTime } from './text.js';

const ROLL_WIDTH = 80 * MM;
const ROLL_MARGIN = 4 * MM;
/** PDF's largest page side; the measuring pass draws on a page this tall. */
const MAX_PAGE_SIDE = 14_400;

/** Label followed by the locale's colon. */
export function withColon(label: string, locale: ReceiptData['locale']): string {
  return locale === 'en' ? `${label}:` : `${label}：`;
}

/** Formats a fee in yuan. */
export function formatFee(fee: number): string {
  return `¥${fee.toFixed(2)}`;
}

function totalFee(receipt: ReceiptData): number | null {
  const fees = receipt.services.flatMap((s) => (s.fee === undefined ? [] : [s.fee]));
  return fees.length === 0 ? null : fees.reduce((a, b) => a + b, 0);
}

function meta(receipt: ReceiptData, labels: DocumentLabels): { title: string; date: Date; lang: string } {
  return {
    title: `${labels.receiptTitle} ${receipt.transactionNumber}`,
    date: new Date(receipt.completedAt),
    lang: receipt.locale,
  };
}

/** Draws the roll receipt from the top and returns the y where its content ends. */
function drawRoll(canvas: Canvas, receipt: ReceiptData, labels: DocumentLabels): number {
  const { doc, clean } = canvas;
  const x = ROLL_MARGIN;
  const w = ROLL_WIDTH - 2 * ROLL_MARGIN;
  const c = (label: string): string => withColon(label, receipt.locale);
  let y = ROLL_MARGIN;

  if (receipt.demonstration) {
    doc.rect(x, y, w, 16).fill('#000000');
    block(doc, labels.demonstration, x, y + 3.5, { size: 8, width: w, align: 'center', color: '#ffffff' });
    y += 22;
  }
  y = block(doc, labels.receiptTitle, x, y, { size: 13, width: w, align: 'center', bold: true }) + 2;
  y = block(doc, clean(receipt.kioskName), x, y, { size: 8, width: w, align: 'center', maxLines: 2 });
  y = block(doc, clean(receipt.kioskId), x, y, {
    size: 7,
    width: w,
    align: 'center',
    color: '#444444',
    maxLines: 1,
  });
  rule(doc, x, x + w, y + 3, true);
  y += 7;

  const labelWidth = receipt.locale === 'en' ? 24 * MM : 21 * MM;
  y = field(doc, c(labels.transactionNumber), clean(receipt.transactionNumber), x, y, w, labelWidth, 8);
  y = field(doc, c(labels.completedAt), formatDateTime(receipt.completedAt), x, y, w, labelWidth, 8);
  if (receipt.citizen) {
    y = field(doc, c(labels.name), clean(receipt.citizen.name), x, y, w, labelWidth, 8, 2);
    y = field(doc, c(labels.idNumber), clean(receipt.citizen.idNumberMasked), x, y, w, labelWidth, 8, 1);
  }
  rule(doc, x, x + w, y + 3, true);
  y += 7;

  y = block(doc, labels.services, x, y, { size: 9, width: w, bold: true }) + 1;
  receipt.services.forEach((service, i) => {
    y = block(doc, `${i + 1}. ${clean(service.name)}`, x, y, { size: 8.5, width: w, maxLines: 3 });
    const indent = x + 3 * MM;
    const iw = w - 3 * MM;
    const sub = (label: string, value: string, lines = 2): void => {
      y = block(doc, `${c(label)}${value}`, indent, y, { size: 7.5, width: iw, maxLines: lines });
    };
    sub(labels.status, clean(service.status));
    if (service.promise) sub(labels.promise, clean(service.promise));
    if (service.reference) sub(labels.reference, clean(service.reference), 1);
    if (service.fee !== undefined) sub(labels.fee, formatFee(service.fee), 1);
    y += 2;
  });
  const total = totalFee(receipt);
  if (total !== null) {
    y = block(doc, `${c(labels.total)} ${formatFee(total)}`, x, y, {
      size: 9,
      width: w,
      align: 'right',
      bold: true,
    });
  }
  rule(doc, x, x + w, y + 3, true);
  y += 8;

  const qrSize = 34 * MM;
  drawQr(doc, receipt.progressUrl, x + (w - qrSize) / 2, y, qrSize);
  y += qrSize;
  y = block(doc, labels.scanForProgress, x, y, { size: 7.5, width: w, align: 'center' });
  if (receipt.notice) {
    rule(doc, x, x + w, y + 3, true);
    y = block(doc, clean(receipt.notice, true), x, y + 7, { size: 7.5, width: w, maxLines: 10 });
  }
  return y + ROLL_MARGIN;
}

/** Renders the 80 mm roll receipt: a measuring pass on a tall page, then the real page cut to fit. */
export async function renderReceiptRoll(font: Font, receipt: ReceiptData): Promise<Uint8Array> {
  const labels = documentLabels[receipt.locale];
  const measure = openCanvas(font, meta(receipt, labels), [ROLL_WIDTH, MAX_PAGE_SIDE], ROLL_MARGIN);
  const height = Math.min(MAX_PAGE_SIDE, Math.ceil(drawRoll(measure, receipt, labels)));
  // The measuring document is never ended: nothing of it is serialized.
  const canvas = openCanvas(font, meta(receipt, labels), [ROLL_WIDTH, height], ROLL_MARGIN);
  drawRoll(canvas, receipt, labels);
  return finish(canvas.doc);
}

const A4: [number, number] = [595.28, 841.89];
const A4_MARGIN = 20 * MM;

/** Renders the A4 receipt (services continue on further pages when many). */
export async function renderReceiptA4(font: Font, receipt: ReceiptData): Promise<Uint8Array> {
  const labels = documentLabels[receipt.locale];
  const canvas = openCanvas(font, meta(receipt, labels), A4, A4_MARGIN, true);
  const { doc, clean } = canvas;
  const c = (label: string): string => withColon(label, receipt.locale);
  const x = A4_MARGIN;
  const w = A4[0] - 2 * A4_MARGIN;
  const bottom = A4[1] - A4_MARGIN - 20;
  const qrSize = 36 * MM;
  let y = A4_MARGIN;

  y = block(doc, labels.receiptTitle, x, y, { size: 20, width: w, align: 'center', bold: true }) + 10;
  const qrY = y;
  drawQr(doc, receipt.progressUrl, x + w - qrSize, qrY, qrSize);
  block(doc, labels.scanForProgress, x + w - qrSize, qrY + qrSize, {
    size: 7.5,
    width: qrSize,
    align: 'center',
  });
  const fw = w - qrSize - 6 * MM;
  const lw = receipt.locale === 'en' ? 32 * MM : 29 * MM;
  y = field(doc, c(labels.transactionNumber), clean(receipt.transactionNumber), x, y, fw, lw, 11);
  y = field(doc, c(labels.completedAt), formatDateTime(receipt.completedAt), x, y + 3, fw, lw, 11);
  y = field(
    doc,
    c(labels.kiosk),
    `${clean(receipt.kioskName)} (${clean(receipt.kioskId)})`,
    x,
    y + 3,
    fw,
    lw,
    11,
    3,
  );
  if (receipt.citizen) {
    y = field(doc, c(labels.name), clean(receipt.citizen.name), x, y + 3, fw, lw, 11, 2);
    y = field(doc, c(labels.idNumber), clean(receipt.citizen.idNumberMasked), x, y + 3, fw, lw, 11, 1);
  }
  y = Math.max(y, qrY + qrSize + 24) + 8;

  // Services table: name (+ reference) | status | promise | fee.
  const cols = [0.38, 0.2, 0.28, 0.14].map((f) => f * w);
  const colX = cols.map((_, i) => x + cols.slice(0, i).reduce((a, b) => a + b, 0));
  const header = [labels.services, labels.status, labels.promise, labels.fee];
  const drawHeader = (): void => {
    doc.rect(x, y, w, 20).fill('#eeeeee');
    header.forEach((h, i) => {
      block(doc, h, (colX[i] ?? x) + 4, y + 5, {
        size: 9.5,
        width: (cols[i] ?? 0) - 8,
        maxLines: 1,
        bold: true,
      });
    });
    y += 24;
  };
  drawHeader();
  receipt.services.forEach((service, index) => {
    const name = `${index + 1}. ${clean(service.name)}${service.reference ? `\n${c(labels.reference)}${clean(service.reference)}` : ''}`;
    const cells = [
      name,
      clean(service.status),
      service.promise ? clean(service.promise) : '—',
      service.fee === undefined ? '—' : formatFee(service.fee),
    ];
    doc.fontSize(10);
    const heights = cells.map((t, i) =>
      Math.min(doc.heightOfString(t, { width: (cols[i] ?? 0) - 8, lineGap: 2.5 }), 80),
    );
    const rowHeight = Math.max(...heights) + 6;
    if (y + rowHeight > bottom) {
      doc.addPage();
      y = A4_MARGIN;
      drawHeader();
    }
    cells.forEach((t, i) => {
      block(doc, t, (colX[i] ?? x) + 4, y, {
        size: 10,
        width: (cols[i] ?? 0) - 8,
        maxLines: 5,
        lineGap: 2.5,
      });
    });
    y += rowHeight;
    rule(doc, x, x + w, y - 3);
  });
  const total = totalFee(receipt);
  if (total !== null) {
    y = block(doc, `${c(labels.total)} ${formatFee(total)}`, x, y + 4, {
      size: 11,
      width: w - 4,
      align: 'right',
      bold: true,
    });
  }
  if (receipt.notice) {
    const notice = clean(receipt.notice, true);
    doc.fontSize(9.5);
    if (y + 16 + doc.heightOfString(notice, { width: w }) > bottom) {
      doc.addPage();
      y = A4_MARGIN;
    }
    y = block(doc, notice, x, y + 16, { size: 9.5, width: w, color: '#333333' });
  }
  pageFurniture(
    doc,
    labels,
    receipt.demonstration,
    `${labels.transactionNumber} ${clean(receipt.transactionNumber)}`,
  );
  return finish(doc);
}

/**
 * Adds the footer (page n of m, a reference) and, outside production, the watermark to every buffered page.
 */
export function pageFurniture(
  doc: PDFKit.PDFDocument,
  labels: DocumentLabels,
  demonstration: boolean,
  reference: string,
): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    const { width, height } = doc.page;
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // the footer sits in the margin; pdfkit would otherwise start a new page
    const y = height - bottom + 8;
    block(doc, reference, A4_MARGIN, y, { size: 8, width: width / 2, color: '#666666', maxLines: 1 });
    block(doc, labels.page(i - range.start + 1, range.count), width / 2, y, {
      size: 8,
      width: width / 2 - A4_MARGIN,
      align: 'right',
      color: '#666666',
    });
    doc.page.margins.bottom = bottom;
    if (demonstration) drawWatermark(doc, labels.demonstration);
  }
}
