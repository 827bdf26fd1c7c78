/**
 * The household registration certificate as HTML, only for the benchmark's comparison with pdfkit: the same
 * content (title, number, holder, fields, body, verification QR, issuing unit, date, watermark) laid out
 * with CSS for Chromium's print-to-PDF.
 */
import QRCode from 'qrcode';
import type { CertificateData } from '../domain/documents/schemas.js';
import { documentLabels } from '../domain/documents/labels.js';
import { formatDate } from '../domain/documents/text.js';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Renders the certificate as a self-contained HTML page (A4, system CJK font). */
export async function certificateHtml(data: CertificateData): Promise<string> {
  const labels = documentLabels[data.locale];
  const title = labels.certificateTitles[data.type];
  const qr = await QRCode.toString(data.verificationUrl, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
  });
  const fields = [
    [labels.holder, data.holder.name],
    [labels.idNumber, data.holder.idNumberMasked],
    ...data.fields.map((f) => [f.label, f.value] as const),
  ]
    .map(([k, v]) => `<tr><th>${escape(k ?? '')}：</th><td>${escape(v ?? '')}</td></tr>`)
    .join('');
  const watermark = data.demonstration ? `<div class="wm">${escape(labels.demonstration)}</div>` : '';
  return `<!doctype html>
<html lang="${data.locale}"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
  @page { size: A4; margin: 22mm; }
  body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 13pt; margin: 0; }
  .no { text-align: right; font-size: 9.5pt; }
  h1 { text-align: center; font-size: 26pt; letter-spacing: 0.4em; margin: 12mm 0 4mm; }
  hr { width: 40%; margin: 0 auto 10mm; }
  table { border-collapse: collapse; } th { text-align: left; color: #444; font-weight: normal; width: 26mm; }
  th, td { padding: 2pt 0; font-size: 12pt; vertical-align: top; }
  .body { margin-top: 8mm; line-height: 1.7; text-align: justify; white-space: pre-wrap; }
  .foot { position: fixed; bottom: 10mm; left: 0; right: 0; display: flex; justify-content: space-between; align-items: end; }
  .qr svg { width: 30mm; height: 30mm; } .qr p { font-size: 8pt; margin: 0; text-align: center; }
  .sign { text-align: right; font-size: 12pt; line-height: 2; }
  .wm { position: fixed; top: 45%; left: -10%; width: 120%; text-align: center; font-size: 60pt; white-space: nowrap; color: rgba(192,0,0,.15);
        transform: rotate(-54.7deg); }
</style></head><body>
${watermark}
<div class="no">${escape(labels.documentNumber)}：${escape(data.documentNumber)}</div>
<h1>${escape(title)}</h1><hr>
<table>${fields}</table>
<div class="body">${escape(data.body)}</div>
<div class="foot">
  <div class="qr">${qr}<p>${escape(labels.scanToVerify)}</p></div>
  <div class="sign">${escape(labels.issuingUnit)}：${escape(data.issuingUnit)}<br>${escape(labels.issueDate)}：${escape(formatDate(data.issueDate, data.locale))}</div>
</div>
</body></html>`;
}
