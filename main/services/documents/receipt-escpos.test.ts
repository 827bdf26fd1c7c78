import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { PROFILE_58MM, PROFILE_80MM } from '../../../drivers/printer/encoder.js';
import { renderPaper } from '../../../drivers/printer/render.js';
import { PrinterSimulator } from '../../../drivers/printer/simulator.js';
import { displayWidth } from '../../../drivers/printer/text.js';
import type { ReceiptData } from '../../../domain/documents/receipt-data.js';
import { receiptDataSchema } from '../../../domain/documents/receipt-data.js';
import { encodeReceipt, ensureMaskedId } from './receipt-escpos.js';

// jsqr is CommonJS with a `default` property; under NodeNext its default import types as the module object.
const jsQR = jsQRModule.default;

const here = path.dirname(fileURLToPath(import.meta.url));
const SNAPSHOT = path.resolve(here, '../../../drivers/printer/__image_snapshots__/receipt-zh-CN-80mm.png');

/** A typical receipt (the same shape the kiosk produces). */
export const sampleReceipt: ReceiptData = receiptDataSchema.parse({
  locale: 'zh-CN',
  kioskId: 'SZ-FT-0012',
  kioskName: '福田派出所 自助警务舱',
  transactionNumber: 'JW-20261129-000123',
  completedAt: '2026-11-29T10:24:00+08:00',
  citizen: { name: '张三丰', idNumberMasked: '4403**********123X' },
  services: [
    {
      id: 'driver-licence-replacement',
      name: '驾驶证补领',
      status: '已受理',
      promise: '3 个工作日内寄出',
      fee: 10,
    },
    {
      id: 'household-certificate',
      name: '户籍证明开具',
      status: '已办结',
      reference: 'HJZM-2026-440304-000123',
    },
    {
      id: 'chief-mailbox',
      name: '局长信箱来信',
      status: '已提交',
      promise: '10 分钟内签收',
      reference: 'XX-20261129-0042',
    },
  ],
  progressUrl: 'https://booth.example.gov.cn/p/JW-20261129-000123',
  notice: '反诈提醒：公安机关不会通过电话要求您转账汇款。',
  demonstration: true,
});

function printOnSimulator(bytes: Uint8Array, width: 58 | 80 = 80): PrinterSimulator {
  const sim = new PrinterSimulator({ width });
  sim.receive(bytes);
  return sim;
}

describe('encodeReceipt', () => {
  it('prints everything the citizen needs, masked, and the QR payload is the progress URL', () => {
    const { bytes, replacements } = encodeReceipt(sampleReceipt, PROFILE_80MM);
    expect(replacements).toEqual([]);
    const sim = printOnSimulator(bytes);
    expect(sim.jobs).toHaveLength(1);
    const job = sim.jobs[0]!;
    const text = PrinterSimulator.textLines(job.items).join('\n');
    for (const s of [
      '智慧警务舱',
      '福田派出所 自助警务舱',
      'JW-20261129-000123',
      '2026-11-29 10:24',
      'SZ-FT-0012',
      '张**',
      '4403**********123X',
      '驾驶证补领',
      '已受理',
      '3 个工作日内寄出',
      '￥10.00',
      'HJZM-2026-440304-000123',
      '反诈提醒',
      '演示 DEMONSTRATION',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('张三丰');
    expect(PrinterSimulator.qrPayloads(job.items)).toEqual([sampleReceipt.progressUrl]);
    expect(job.items[job.items.length - 1]).toEqual({ kind: 'cut', mode: 'partial' });
  });

  it('fits the paper: no printed line is wider than the profile (58 and 80 mm)', () => {
    for (const [profile, width] of [
      [PROFILE_58MM, 58],
      [PROFILE_80MM, 80],
    ] as const) {
      const sim = printOnSimulator(encodeReceipt(sampleReceipt, profile).bytes, width);
      for (const item of sim.paper) {
        if (item.kind !== 'text') continue;
        const cols = item.runs.reduce((n, r) => n + displayWidth(r.text) * r.widthMul, 0);
        expect(cols).toBeLessThanOrEqual(profile.columns);
      }
    }
  });

  it('no demonstration marking in production; no citizen block when anonymous', () => {
    const data = { ...sampleReceipt, demonstration: false, citizen: null };
    const text = PrinterSimulator.textLines(printOnSimulator(encodeReceipt(data).bytes).paper).join('\n');
    expect(text).not.toContain('DEMONSTRATION');
    expect(text).not.toContain('证件号码');
  });

  it('Traditional Chinese and English labels', () => {
    const hk = PrinterSimulator.textLines(
      printOnSimulator(encodeReceipt({ ...sampleReceipt, locale: 'zh-HK' }).bytes).paper,
    ).join('\n');
    expect(hk).toContain('智慧警務艙');
    expect(hk).toContain('業務編號');
    const en = PrinterSimulator.textLines(
      printOnSimulator(encodeReceipt({ ...sampleReceipt, locale: 'en' }).bytes).paper,
    ).join('\n');
    expect(en).toContain('Transaction');
  });

  it('emoji and rare characters are replaced visibly and reported, huge notice wraps', () => {
    const data = {
      ...sampleReceipt,
      citizen: { name: '𠀀明', idNumberMasked: '4403**********123X' },
      notice: '谢谢😀'.repeat(100),
    };
    const { bytes, replacements } = encodeReceipt(data);
    expect(replacements.map((r) => r.char)).toContain('😀');
    expect(replacements.filter((r) => r.char === '😀')).toHaveLength(100);
    // The name is masked before printing, so its rare first character is replaced too.
    expect(replacements.map((r) => r.char)).toContain('𠀀');
    const text = PrinterSimulator.textLines(printOnSimulator(bytes).paper).join('');
    expect(text).toContain('谢谢□');
  });

  it('masks defensively', () => {
    expect(ensureMaskedId('440304199001011234')).toBe('440***********1234');
    expect(ensureMaskedId('4403**********123X')).toBe('4403**********123X');
  });

  it('renders a preview PNG that matches the reference and whose QR decodes to the URL', () => {
    const sim = printOnSimulator(encodeReceipt(sampleReceipt, PROFILE_80MM).bytes);
    const png = renderPaper(sim.jobs[0]!.items, { width: 80 });
    if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(SNAPSHOT)) {
      // The reference is committed; regenerate only deliberately (UPDATE_SNAPSHOTS=1) after checking it by eye.
      if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, png);
      else throw new Error(`reference image missing: ${SNAPSHOT}`);
    }
    const actual = PNG.sync.read(Buffer.from(png));
    const expected = PNG.sync.read(readFileSync(SNAPSHOT));
    expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
    let diff = 0;
    for (let i = 0; i < actual.data.length; i += 4)
      if (Math.abs(actual.data[i]! - expected.data[i]!) > 64) diff += 1;
    expect(diff / (actual.width * actual.height)).toBeLessThan(0.002);

    const qr = jsQR(new Uint8ClampedArray(actual.data), actual.width, actual.height);
    expect(qr?.data).toBe(sampleReceipt.progressUrl);
  });
});
