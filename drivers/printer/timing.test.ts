import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { EscPosEncoder } from './encoder.js';
import type { PrinterProfile } from './profile.js';
import { PROFILE_58MM, PROFILE_80MM } from './profile.js';
import { testPage } from './test-page.js';
import { CUTTER_DISTANCE_DOTS, estimatePrintTime, qrModules, qrVersionFor } from './timing.js';

const P: PrinterProfile = { ...PROFILE_80MM, speedMmPerSec: 100, cutMs: 200 };
const dots = (f: (e: EscPosEncoder) => EscPosEncoder, profile = P): number =>
  estimatePrintTime(f(new EscPosEncoder(profile)).encode().bytes, profile).paperDots;

describe('estimatePrintTime', () => {
  it('line feeds advance the line spacing: ESC 2 (30 dots) by default, ESC 3 n, ESC d n, ESC J n', () => {
    expect(dots((e) => e.raw(Uint8Array.of(0x0a, 0x0a, 0x0a)))).toBe(90);
    expect(dots((e) => e.lineSpacing(50).line().line().lineSpacing(null).line())).toBe(130);
    expect(dots((e) => e.lineSpacing(20).feed(5))).toBe(100);
    expect(dots((e) => e.raw(Uint8Array.of(0x1b, 0x4a, 77)))).toBe(77);
  });

  it('a text line is as tall as its tallest characters (GS !) or the spacing, whichever is more', () => {
    expect(dots((e) => e.line('abc'))).toBe(30);
    expect(dots((e) => e.size(2, 2).line('大字'))).toBe(48);
    expect(dots((e) => e.size(1, 3).line('x').size(1, 1).line('y'))).toBe(72 + 30);
    // ESC ! bit 4 doubles the height too.
    expect(dots((e) => e.raw(Uint8Array.of(0x1b, 0x21, 0x10)).line('x'))).toBe(48);
  });

  it('text wraps at the paper width like the printer: 49 columns are two lines on 80 mm, 33 on 58 mm', () => {
    expect(dots((e) => e.init().line('x'.repeat(48)))).toBe(30);
    expect(dots((e) => e.init().line('x'.repeat(49)))).toBe(60);
    expect(dots((e) => e.init().line('中'.repeat(16)), PROFILE_58MM)).toBe(30);
    expect(dots((e) => e.init().line('中'.repeat(17)), PROFILE_58MM)).toBe(60);
    // Without FS & the same bytes are two single-width characters each.
    expect(
      dots((e) =>
        e
          .init({ chinese: false })
          .raw(Buffer.from('中'.repeat(12), 'latin1'))
          .line(),
      ),
    ).toBe(30);
  });

  it('raster images count their rows; QR codes their version times the module size', () => {
    const bits = new Uint8Array(10 * 300);
    expect(dots((e) => e.image({ width: 80, height: 300, bits }))).toBe(300);
    const url = 'https://booth.example.gov.cn/p/JW-20261129-000123'; // 50 bytes: version 4 at M
    expect(qrVersionFor(50, 'M')).toBe(4);
    expect(dots((e) => e.qr(url, { moduleSize: 6, errorCorrection: 'M' }))).toBe(qrModules(4) * 6);
    expect(dots((e) => e.qr(url, { moduleSize: 4, errorCorrection: 'H' }))).toBe(qrModules(6) * 4);
  });

  it('the QR version table agrees with a QR encoder for every level', () => {
    for (const level of ['L', 'M', 'Q', 'H'] as const) {
      for (const n of [1, 7, 14, 15, 42, 43, 100, 271, 272, 1000, 1273]) {
        const v = qrVersionFor(n, level);
        if (v === null) continue;
        const code = QRCode.create([{ data: Buffer.alloc(n, 0x61), mode: 'byte' }], {
          errorCorrectionLevel: level,
        });
        expect(v, `${n} bytes at ${level}`).toBe(code.version);
      }
    }
    expect(qrVersionFor(2954, 'L')).toBeNull();
  });

  it('a cut costs the cutter cycle, and GS V 65 n feeds to the blade plus n dots first', () => {
    const a = estimatePrintTime(new EscPosEncoder(P).line('x').cut().encode().bytes, P);
    expect(a).toMatchObject({ paperDots: 30, cuts: 1 });
    expect(a.ms).toBeCloseTo((30 / 8 / 100) * 1000 + 200);
    const b = estimatePrintTime(new EscPosEncoder(P).line('x').cut({ feed: 4 }).encode().bytes, P);
    expect(b.paperDots).toBe(30 + CUTTER_DISTANCE_DOTS + 4);
  });

  it('time is paper at the profile speed; the tail is the last printed item onwards', () => {
    const job = new EscPosEncoder(P).init().line('a').feed(2).line('b').cut({ feed: 0 }).encode().bytes;
    const e = estimatePrintTime(job, P);
    expect(e.paperDots).toBe(30 + 60 + 30 + CUTTER_DISTANCE_DOTS);
    expect(e.paperMm).toBe(e.paperDots / 8);
    expect(e.ms).toBeCloseTo((e.paperDots / 8 / 100) * 1000 + 200);
    expect(e.tailMs).toBeCloseTo(((30 + CUTTER_DISTANCE_DOTS) / 8 / 100) * 1000 + 200);
    const fast = estimatePrintTime(job, { ...P, speedMmPerSec: 200 });
    expect(fast.ms - 200).toBeCloseTo((e.ms - 200) / 2);
  });

  it('the 80 mm test page is 91.5 mm: 610 ms of paper plus the cut at 150 mm/s', () => {
    const e = estimatePrintTime(testPage(80), PROFILE_80MM);
    expect(e.paperMm).toBe(91.5);
    expect(e.ms).toBeCloseTo(610 + PROFILE_80MM.cutMs);
  });

  it('real-time requests, unknown commands and a truncated job do not throw or count paper', () => {
    expect(dots((e) => e.statusQuery(1).statusQuery(4))).toBe(0);
    expect(dots((e) => e.raw(Uint8Array.of(0x1b, 0x70, 0, 25, 250)))).toBe(0);
    expect(dots((e) => e.raw(Uint8Array.of(0x1d, 0x76, 0x30, 0)))).toBe(0);
    // A line not ended by LF is not printed yet.
    expect(dots((e) => e.text('pending'))).toBe(0);
  });
});
