import type { MonoBitmap, PrinterProfile } from '../../../drivers/printer/encoder.js';
import { EscPosEncoder, PROFILE_80MM } from '../../../drivers/printer/encoder.js';
import type { Replacement } from '../../../drivers/printer/text.js';
import { maskName } from '../../../domain/documents/masking.js';
import type { Locale, ReceiptData } from '../../../domain/documents/receipt-data.js';

/**
 * The visit receipt as ESC/POS bytes for the kiosk's thermal printer: header, kiosk, masked citizen, each
 * service with status/promise/fee/reference, the transaction number, a QR code of the progress URL, the notice,
 * and a "演示 / DEMONSTRATION" marking outside production, then a cut.
 */

interface Labels {
  readonly title: string;
  readonly subtitle: string | null;
  readonly transaction: string;
  readonly time: string;
  readonly kiosk: string;
  readonly name: string;
  readonly idNumber: string;
  readonly status: string;
  readonly promise: string;
  readonly fee: string;
  readonly reference: string;
  readonly total: string;
  readonly scan: string;
  readonly demo: string;
  readonly demoNote: string;
}

const LABELS: Record<Locale, Labels> = {
  'zh-CN': {
    title: '智慧警务舱',
    subtitle: 'Smart Police Booth',
    transaction: '业务编号',
    time: '办理时间',
    kiosk: '终端',
    name: '姓名',
    idNumber: '证件号码',
    status: '状态',
    promise: '承诺',
    fee: '费用',
    reference: '单号',
    total: '合计',
    scan: '扫码查询办理进度、下载电子回执',
    demo: '演示 DEMONSTRATION',
    demoNote: '演示凭条，不作为办理凭证',
  },
  'zh-HK': {
    title: '智慧警務艙',
    subtitle: 'Smart Police Booth',
    transaction: '業務編號',
    time: '辦理時間',
    kiosk: '終端',
    name: '姓名',
    idNumber: '證件號碼',
    status: '狀態',
    promise: '承諾',
    fee: '費用',
    reference: '單號',
    total: '合計',
    scan: '掃碼查詢辦理進度、下載電子回執',
    demo: '演示 DEMONSTRATION',
    demoNote: '演示憑條，不作為辦理憑證',
  },
  en: {
    title: 'Smart Police Booth',
    subtitle: '智慧警务舱',
    transaction: 'Transaction',
    time: 'Time',
    kiosk: 'Kiosk',
    name: 'Name',
    idNumber: 'ID No.',
    status: 'Status',
    promise: 'Promise',
    fee: 'Fee',
    reference: 'Ref.',
    total: 'Total',
    scan: 'Scan to check progress and get the PDF receipt',
    demo: '演示 DEMONSTRATION',
    demoNote: 'Demonstration receipt, not valid as proof',
  },
};

/** Options for {@link encodeReceipt}. */
export interface ReceiptEncodeOptions {
  /** A logo printed centred at the top (already 1-bit, at most the profile's dots wide). */
  readonly logo?: MonoBitmap;
}

/** The encoded receipt and the characters the printer could not print (replaced by `□`). */
export interface EncodedReceipt {
  readonly bytes: Uint8Array;
  readonly replacements: Replacement[];
}

/**
 * Defence in depth: the schema promises a masked ID number, but if a full one slipped through, mask it here
 * (first 3 and last 4 kept) rather than print it.
 */
export function ensureMaskedId(id: string): string {
  if (id.includes('*') || id.length < 8) return id;
  return id.slice(0, 3) + '*'.repeat(id.length - 7) + id.slice(-4);
}

/** `2026-11-29T10:15:00+08:00` → `2026-11-29 10:15` in the kiosk's own offset (read from the string). */
function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

function formatFee(yuan: number): string {
  return `￥${yuan.toFixed(2)}`;
}

/** Byte-mode capacity of QR versions 1–40 at error correction M (ISO/IEC 18004 table 7). */
const QR_BYTES_M = [
  14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779,
  857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
];

/** The largest module size (≤ 8 dots) at which the printer's QR code (level M) fits in 60 % of the paper. */
export function qrModuleSize(data: string, profile: PrinterProfile): number {
  const bytes = Buffer.byteLength(data, 'utf8');
  const version = QR_BYTES_M.findIndex((cap) => cap >= bytes) + 1 || 40;
  const modules = 17 + 4 * version;
  return Math.max(1, Math.min(8, Math.floor((profile.dots * 0.6) / modules)));
}

/** Encodes a validated receipt for the given paper profile. */
export function encodeReceipt(
  data: ReceiptData,
  profile: PrinterProfile = PROFILE_80MM,
  options: ReceiptEncodeOptions = {},
): EncodedReceipt {
  const l = LABELS[data.locale];
  const e = new EscPosEncoder(profile).init().lineSpacing(null);

  e.align('center');
  if (options.logo) e.image(options.logo).feed(1);
  e.bold(true).size(2, 2).wrapped(l.title, 'center').size(1, 1).bold(false);
  if (l.subtitle) e.wrapped(l.subtitle, 'center');
  e.wrapped(data.kioskName, 'center');
  if (data.demonstration) e.bold(true).size(1, 2).wrapped(l.demo, 'center').size(1, 1).bold(false);
  e.align('left').separator('-');

  e.row(l.transaction, data.transactionNumber);
  e.row(l.time, formatTime(data.completedAt));
  e.row(l.kiosk, data.kioskId);
  if (data.citizen) {
    e.row(l.name, maskName(data.citizen.name));
    e.row(l.idNumber, ensureMaskedId(data.citizen.idNumberMasked));
  }
  e.separator('-');

  data.services.forEach((s, i) => {
    e.bold(true)
      .wrapped(`${i + 1}. ${s.name}`)
      .bold(false);
    e.row(l.status, s.status);
    if (s.promise) e.row(l.promise, s.promise);
    if (s.fee !== undefined) e.row(l.fee, formatFee(s.fee));
    if (s.reference) e.row(l.reference, s.reference);
  });
  const total = data.services.reduce((sum, s) => sum + (s.fee ?? 0), 0);
  if (data.services.some((s) => s.fee !== undefined)) {
    e.separator('-');
    e.bold(true).row(l.total, formatFee(total)).bold(false);
  }
  e.separator('-');

  e.align('center').wrapped(l.scan, 'center').feed(1);
  e.qr(data.progressUrl, { moduleSize: qrModuleSize(data.progressUrl, profile), errorCorrection: 'M' });
  e.line().bold(true).line(data.transactionNumber).bold(false).align('left');

  if (data.notice) e.separator('-').wrapped(data.notice);
  if (data.demonstration)
    e.feed(1).align('center').bold(true).wrapped(l.demoNote, 'center').bold(false).align('left');
  e.cut({ mode: 'partial', feed: 4 });
  return e.encode();
}
