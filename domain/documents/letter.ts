/** The citizen's copy of a letter to the chief's mailbox (局长信箱), A4, long letters over several pages. */
import type { Font } from 'fontkit';
import type { LetterCopyData } from './schemas.js';
import { documentLabels } from './labels.js';
import { block, drawQr, field, finish, MM, openCanvas } from './pdf.js';
import { pageFurniture, withColon } from './receipt.js';
import { formatDateTime } from './text.js';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 20 * MM;

/** Renders the letter copy: tracking number, the three service promises, the letter's details and text. */
export async function renderLetterCopy(font: Font, data: LetterCopyData): Promise<Uint8Array> {
  const labels = documentLabels[data.locale];
  const canvas = openCanvas(
    font,
    {
      title: `${labels.letterTitle} ${data.trackingNumber}`,
      date: new Date(data.submittedAt),
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
  let y = MARGIN;

  y = block(doc, labels.letterTitle, x, y, { size: 20, width: w, align: 'center', bold: true }) + 8 * MM;

  // Tracking number box, with the follow-up QR code at its right when there is one.
  const qrSize = data.progressUrl ? 26 * MM : 0;
  const boxTop = y;
  const inner = w - qrSize - 8 * MM;
  let by = block(doc, labels.trackingNumber, x + 4 * MM, boxTop + 4 * MM, {
    size: 10,
    width: inner,
    color: '#444444',
  });
  by = block(doc, clean(data.trackingNumber), x + 4 * MM, by + 2, {
    size: 20,
    width: inner,
    bold: true,
    maxLines: 1,
  });
  by = block(doc, labels.trackingHint, x + 4 * MM, by + 4, { size: 8.5, width: inner, color: '#444444' });
  const boxHeight = Math.max(by - boxTop + 4 * MM, qrSize + 4 * MM);
  if (data.progressUrl) drawQr(doc, data.progressUrl, x + w - qrSize - 2 * MM, boxTop + 2 * MM, qrSize);
  doc.save().lineWidth(1).strokeColor('#000000').rect(x, boxTop, w, boxHeight).stroke().restore();
  y = boxTop + boxHeight + 6 * MM;

  // The three promises.
  const promiseTop = y;
  let py =
    block(doc, labels.promisesTitle, x + 4 * MM, promiseTop + 3 * MM, {
      size: 11,
      width: w - 8 * MM,
      bold: true,
    }) + 2;
  const marks = ['①', '②', '③'];
  labels.promises.forEach((promise, i) => {
    py = block(doc, `${marks[i] ?? '•'} ${promise}`, x + 6 * MM, py + 1, { size: 11, width: w - 12 * MM });
  });
  doc
    .save()
    .rect(x, promiseTop, w, py - promiseTop + 3 * MM)
    .fillOpacity(0.08)
    .fill('#0050a0')
    .restore();
  y = py + 9 * MM;

  const lw = data.locale === 'en' ? 28 * MM : 24 * MM;
  y = field(doc, c(labels.letterKind), labels.letterKinds[data.kind], x, y, w, lw, 11);
  y = field(doc, c(labels.subject), clean(data.subject), x, y + 4, w, lw, 11, 3);
  y = field(doc, c(labels.submittedAt), formatDateTime(data.submittedAt), x, y + 4, w, lw, 11);
  y = field(doc, c(labels.kiosk), clean(data.kioskName), x, y + 4, w, lw, 11, 2);
  if (data.sender) {
    y = field(doc, c(labels.name), clean(data.sender.name), x, y + 4, w, lw, 11, 2);
    y = field(doc, c(labels.idNumber), clean(data.sender.idNumberMasked), x, y + 4, w, lw, 11, 1);
    if (data.sender.phoneMasked)
      y = field(doc, c(labels.phone), clean(data.sender.phoneMasked), x, y + 4, w, lw, 11, 1);
  } else {
    y = field(doc, c(labels.citizen), labels.anonymous, x, y + 4, w, lw, 11);
  }
  y += 6 * MM;
  y = block(doc, labels.body, x, y, { size: 12, width: w, bold: true }) + 4;
  // pdfkit flows long text onto new pages by itself, from the top margin.
  block(doc, clean(data.body, true), x, y, { size: 11, width: w, lineGap: 4 });

  pageFurniture(doc, labels, data.demonstration, `${labels.trackingNumber} ${clean(data.trackingNumber)}`);
  return finish(doc);
}
