/** The certificate layouts (户籍证明 household registration, 无犯罪记录证明 no criminal record), A4. */
import type { Font } from 'fontkit';
import type { CertificateData } from './schemas.js';
import { documentLabels } from './labels.js';
import { block, drawQr, field, finish, MM, openCanvas, rule } from './pdf.js';
import { pageFurniture, withColon } from './receipt.js';
import { formatDate } from './text.js';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 22 * MM;

/** Renders a certificate on one A4 page; a body too long for the page is cut with an ellipsis. */
export async function renderCertificate(font: Font, data: CertificateData): Promise<Uint8Array> {
  const labels = documentLabels[data.locale];
  const title = labels.certificateTitles[data.type];
  const canvas = openCanvas(
    font,
    {
      title: `${title} ${data.documentNumber}`,
      date: new Date(`${data.issueDate}T00:00:00+08:00`),
      lang: data.locale,
    },
    A4,
    MARGIN,
    true,
  );
  const { doc, clean } = canvas;
  const c = (label: string): string => withColon(label, data.locale);
  const x = MARGIN;
  const w = A4[0] - 2 * MARGIN;
  let y = MARGIN - 6 * MM;

  block(doc, `${c(labels.documentNumber)}${clean(data.documentNumber)}`, x, y, {
    size: 9.5,
    width: w,
    align: 'right',
    maxLines: 1,
  });
  y += 14 * MM;
  const spaced = data.locale === 'en' ? title : [...title].join(' ');
  y = block(doc, spaced, x, y, { size: 26, width: w, align: 'center', bold: true }) + 4;
  rule(doc, x + w * 0.3, x + w * 0.7, y);
  y += 10 * MM;

  const lw = data.locale === 'en' ? 34 * MM : 26 * MM;
  y = field(doc, c(labels.holder), clean(data.holder.name), x, y, w, lw, 12, 2);
  y = field(doc, c(labels.idNumber), clean(data.holder.idNumberMasked), x, y + 4, w, lw, 12, 1);
  // Extra fields may not push the body off the page: keep room for six body lines and the signature block.
  const footerTop = A4[1] - MARGIN - 48 * MM;
  const fieldsLimit = footerTop - 6 * 24;
  for (const [i, f] of data.fields.entries()) {
    doc.fontSize(12);
    const line = doc.currentLineHeight(true) + 3;
    const next =
      y + 4 + Math.min(doc.heightOfString(clean(f.value), { width: w - lw, lineGap: 3 }), 3 * line);
    if (next > fieldsLimit) {
      y = block(doc, `… (+${data.fields.length - i})`, x, y + 4, { size: 12, width: w, color: '#444444' });
      break;
    }
    y = field(doc, withColon(clean(f.label), data.locale), clean(f.value), x, y + 4, w, lw, 12, 3);
  }
  y += 8 * MM;

  // The body gets whatever is left above the signature block and the QR code.
  doc.fontSize(13);
  const lineGap = 6;
  const lineHeight = doc.currentLineHeight(true) + lineGap;
  const maxLines = Math.max(1, Math.floor((footerTop - y) / lineHeight));
  block(doc, clean(data.body, true), x, y, {
    size: 13,
    width: w,
    maxLines,
    lineGap,
    align: data.locale === 'en' ? 'left' : 'justify',
  });

  // Verification QR (left) and issuing unit, date and seal place (right).
  const qrSize = 30 * MM;
  const qrY = footerTop + 4 * MM;
  drawQr(doc, data.verificationUrl, x, qrY, qrSize);
  block(doc, labels.scanToVerify, x - 4 * MM, qrY + qrSize, {
    size: 8,
    width: qrSize + 8 * MM,
    align: 'center',
  });
  const sx = x + w * 0.45;
  const sw = w * 0.55;
  let sy = qrY + 6 * MM;
  sy = block(doc, `${c(labels.issuingUnit)}${clean(data.issuingUnit)}`, sx, sy, {
    size: 12,
    width: sw,
    align: 'right',
    maxLines: 3,
  });
  block(doc, `${c(labels.issueDate)}${formatDate(data.issueDate, data.locale)}`, sx, sy + 6, {
    size: 12,
    width: sw,
    align: 'right',
  });
  doc.save().lineWidth(1).strokeColor('#c00000').dash(3, { space: 2 });
  doc.circle(sx + sw - 22 * MM, qrY + 14 * MM, 16 * MM).stroke();
  doc.restore();
  block(doc, labels.seal, sx + sw - 38 * MM, qrY + 26 * MM, {
    size: 9,
    width: 32 * MM,
    align: 'center',
    color: '#c00000',
  });

  pageFurniture(doc, labels, data.demonstration, `${labels.documentNumber} ${clean(data.documentNumber)}`);
  return finish(doc);
}
