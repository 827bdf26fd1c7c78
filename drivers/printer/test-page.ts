import { EscPosEncoder } from './encoder.js';
import type { PrinterProfile } from './profile.js';
import { profileForWidth } from './profile.js';

/**
 * The test page for a profile (or the default profile of a paper width): both Chinese scripts, English, a width
 * ruler, a QR code and a cut.
 */
export function testPage(printer: PrinterProfile | 58 | 80): Uint8Array {
  const profile = typeof printer === 'number' ? profileForWidth(printer) : printer;
  const width = profile.widthMm;
  const e = new EscPosEncoder(profile).init();
  e.align('center').bold(true).size(2, 2).wrapped('打印测试').size(1, 1).bold(false);
  e.wrapped('Smart Police Booth printer test').align('left').separator('=');
  e.wrapped('简体中文：智慧警务舱自助服务终端打印测试。');
  e.wrapped('繁體中文：智慧警務艙自助服務終端列印測試。');
  e.wrapped('English: the quick brown fox jumps over the lazy dog 0123456789.');
  e.separator('-');
  e.row('纸宽 Paper', `${width} mm / ${profile.columns} cols / ${profile.dots} dots`);
  e.line('1234567890'.repeat(10).slice(0, profile.columns));
  e.bold(true).line('粗体 Bold').bold(false).size(2, 1).line('倍宽 Wide').size(1, 1);
  e.align('center').qr('智慧警务舱 printer test 打印测试', { moduleSize: 6, errorCorrection: 'M' }).line();
  e.align('left').separator('=');
  return e.cut({ mode: 'partial', feed: 4 }).encode().bytes;
}
