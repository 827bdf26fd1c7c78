import { describe, expect, it } from 'vitest';
import type { DeviceError } from '../common/result.js';
import { MemoryTransport } from '../transport/memory.js';
import {
  COMMON_HID_POS_LAYOUT,
  HidPosAssembler,
  HidPosScanner,
  parseHidPosReport,
  type HidPosAssembly,
  type HidPosLayout,
} from './hid-pos.js';
import { hidReportsFor } from './simulator.js';
import type { ScannedCode } from './types.js';
import { createWaiter } from '../../test/support/wait.js';

const dec = new TextDecoder();
const text = (items: HidPosAssembly[]): string[] =>
  items.map((i) => (i.type === 'code' ? `${i.symbology ?? '-'}:${dec.decode(i.bytes)}` : `!${i.error.code}`));

/** A hand-built report in the common layout, independent of the simulator. */
function report(data: string, options: { aim?: string; more?: boolean; id?: number } = {}): Uint8Array {
  const r = new Uint8Array(64);
  r[0] = options.id ?? 2;
  const bytes = new TextEncoder().encode(data);
  r[1] = bytes.length;
  r.set(new TextEncoder().encode(options.aim ?? ']Q1'), 2);
  r.set(bytes, 5);
  if (options.more) r[63] = 0x01;
  return r;
}

describe('parseHidPosReport (common layout)', () => {
  it('reads length, AIM symbology, data and the more flag', () => {
    const parsed = parseHidPosReport(report('JW-20261129-000123', { aim: ']C0', more: true }));
    expect(parsed.type).toBe('report');
    if (parsed.type !== 'report') return;
    expect(dec.decode(parsed.report.data)).toBe('JW-20261129-000123');
    expect(parsed.report.symbology).toBe('Code128');
    expect(parsed.report.more).toBe(true);
  });

  it('gives null symbology for a blank or unknown AIM field', () => {
    const blank = parseHidPosReport(report('x', { aim: '\0\0\0' }));
    const odd = parseHidPosReport(report('x', { aim: '#$%' }));
    expect(blank.type === 'report' && blank.report.symbology).toBeNull();
    expect(odd.type === 'report' && odd.report.symbology).toBeNull();
  });

  it('ignores other report IDs and rejects bad lengths and truncated reports with typed errors', () => {
    expect(parseHidPosReport(report('x', { id: 1 }))).toEqual({ type: 'ignored' });
    const claimsTooMuch = report('x');
    claimsTooMuch[1] = 200;
    expect(parseHidPosReport(claimsTooMuch)).toMatchObject({
      type: 'error',
      error: { code: 'hid-bad-report' },
    });
    expect(parseHidPosReport(report('hello').subarray(0, 8))).toMatchObject({
      type: 'error',
      error: { code: 'hid-truncated-report' },
    });
    expect(parseHidPosReport(Uint8Array.of(2))).toMatchObject({
      type: 'error',
      error: { code: 'hid-truncated-report' },
    });
    expect(parseHidPosReport(new Uint8Array(0))).toMatchObject({
      type: 'error',
      error: { code: 'hid-truncated-report' },
    });
  });

  it('works with another layout given as data (no report ID, no AIM field, more flag elsewhere)', () => {
    const layout: HidPosLayout = {
      name: 'vendor-x',
      reportId: null,
      reportLength: 32,
      lengthOffset: 1,
      symbologyOffset: null,
      dataOffset: 2,
      maxDataPerReport: 29,
      moreFlag: { offset: 0, mask: 0x80 },
    };
    const reports = hidReportsFor('A'.repeat(40), { layout, symbology: null });
    expect(reports).toHaveLength(2);
    expect(reports[0]?.[0]).toBe(0x80);
    const a = new HidPosAssembler({ layout });
    expect(
      text([...a.push(reports[0] ?? new Uint8Array(), 0), ...a.push(reports[1] ?? new Uint8Array(), 1)]),
    ).toEqual([`-:${'A'.repeat(40)}`]);
  });
});

describe('HidPosAssembler', () => {
  it('passes a single-report code through', () => {
    const a = new HidPosAssembler();
    expect(text(a.push(report('6901234567892', { aim: ']E0' }), 0))).toEqual(['EAN-13:6901234567892']);
    expect(a.pending).toBe(false);
  });

  it('reassembles a multi-report code (simulator split) with the first report’s symbology', () => {
    const code = 'https://progress.police.example/progress/JW-20261129-000123?' + 'x'.repeat(150);
    const reports = hidReportsFor(code, { symbology: 'QR' });
    expect(reports.length).toBe(Math.ceil(new TextEncoder().encode(code).length / 56));
    const a = new HidPosAssembler();
    const out = reports.flatMap((r, i) => a.push(r, i * 5));
    expect(text(out)).toEqual([`QR:${code}`]);
  });

  it('keeps multi-byte UTF-8 characters split across reports intact', () => {
    const code = '智慧警务舱'.repeat(10);
    const a = new HidPosAssembler();
    const out = hidReportsFor(code).flatMap((r) => a.push(r, 0));
    expect(text(out)).toEqual([`QR:${code}`]);
  });

  it('skips reports of other IDs interleaved inside a multi-report code', () => {
    const reports = hidReportsFor('B'.repeat(100));
    const a = new HidPosAssembler();
    const out = [
      ...a.push(reports[0] ?? new Uint8Array(), 0),
      ...a.push(report('noise', { id: 7 }), 1),
      ...a.push(Uint8Array.of(0x05, 0xff, 0xff), 2),
      ...a.push(reports[1] ?? new Uint8Array(), 3),
    ];
    expect(text(out)).toEqual([`QR:${'B'.repeat(100)}`]);
  });

  it('drops the pending code on a truncated report and recovers with the next code', () => {
    const reports = hidReportsFor('C'.repeat(100));
    const a = new HidPosAssembler();
    const out = [
      ...a.push(reports[0] ?? new Uint8Array(), 0),
      ...a.push((reports[1] ?? new Uint8Array()).subarray(0, 10), 1),
      ...a.push(report('JW-20261129-000123'), 2),
    ];
    expect(text(out)).toEqual(['!hid-truncated-report', 'QR:JW-20261129-000123']);
  });

  it('rejects an oversize code with a typed error, drops its tail, then resyncs', () => {
    const a = new HidPosAssembler({ maxCodeBytes: 100 });
    const reports = hidReportsFor('D'.repeat(300));
    expect(reports).toHaveLength(6);
    const out = [...reports.flatMap((r) => a.push(r, 0)), ...a.push(report('next'), 1)];
    expect(text(out)).toEqual(['!hid-code-too-long', 'QR:next']);
  });

  it('times out a code whose continuation never comes', () => {
    const a = new HidPosAssembler({ continuationTimeoutMs: 100 });
    const [first] = hidReportsFor('E'.repeat(80));
    expect(a.push(first ?? new Uint8Array(), 1000)).toEqual([]);
    expect(a.expire(1050)).toBeNull();
    expect(a.pending).toBe(true);
    expect(a.expire(1101)).toMatchObject({
      type: 'error',
      error: { code: 'hid-incomplete-code', recovery: 'retry' },
    });
    expect(a.pending).toBe(false);
  });

  it('reports the stale fragment and starts fresh when the next report comes too late', () => {
    const a = new HidPosAssembler({ continuationTimeoutMs: 100 });
    const [first] = hidReportsFor('F'.repeat(80));
    a.push(first ?? new Uint8Array(), 0);
    expect(text(a.push(report('fresh'), 500))).toEqual(['!hid-incomplete-code', 'QR:fresh']);
  });

  it('produces an empty code for a zero-length report (the facade reports it)', () => {
    const a = new HidPosAssembler();
    expect(text(a.push(report(''), 0))).toEqual(['QR:']);
  });
});

describe('HidPosScanner over an injected report transport', () => {
  async function setup(options: ConstructorParameters<typeof HidPosScanner>[1] = {}) {
    const [host, device] = MemoryTransport.pair('hid');
    const scanner = new HidPosScanner(host, { reconnectIntervalMs: 10, ...options });
    const codes: ScannedCode[] = [];
    const errors: DeviceError[] = [];
    const waiter = createWaiter(() => `${codes.length} codes, ${errors.length} errors`);
    scanner.on('scanned', (c) => (codes.push(c), waiter.poke()));
    scanner.on('scan-error', (e) => (errors.push(e), waiter.poke()));
    scanner.on('status', () => waiter.poke());
    await device.open();
    await scanner.start();
    // Named by the condition's own text when it times out.
    const until = (done: () => boolean): Promise<void> => waiter.until(String(done), done);
    return { host, device, scanner, codes, errors, until };
  }

  it('emits classified codes with source hid and the report symbology', async () => {
    const s = await setup();
    for (const r of hidReportsFor('JW-20261129-000123' + ' '.repeat(0), { symbology: 'Code128' }))
      await s.device.write(r);
    for (const r of hidReportsFor('https://www.gov.cn/' + 'p'.repeat(100), { symbology: 'QR' }))
      await s.device.write(r);
    await s.until(() => s.codes.length === 2);
    expect(s.codes.map((c) => [c.source, c.symbology, c.kind])).toEqual([
      ['hid', 'Code128', 'progress'],
      ['hid', 'QR', 'url'],
    ]);
    await s.scanner.stop();
  });

  it('keeps GS separators across reports (GS1 DataMatrix) and decodes a GB18030 QR payload', async () => {
    const s = await setup();
    const gs1 =
      `0109506000134352` +
      `10${'L'.repeat(20)}\u001d17261231` +
      `21${'S'.repeat(20)}\u001d240${'A'.repeat(30)}`;
    for (const r of hidReportsFor(gs1, { symbology: 'GS1 DataMatrix' })) await s.device.write(r);
    const gb = Uint8Array.of(0xc9, 0xee, 0xdb, 0xda); // 深圳 in GB18030
    for (const r of hidReportsFor(gb, { symbology: 'QR' })) await s.device.write(r);
    await s.until(() => s.codes.length === 2);
    expect(s.codes[0]?.text).toBe(gs1);
    expect(s.codes[0]?.gs1?.map((e) => e.ai)).toEqual(['01', '10', '17', '21', '240']);
    expect(s.codes[1]).toMatchObject({ text: '深圳', encoding: 'gb18030', gs1: null });
    await s.scanner.stop();
  });

  it('emits hid-incomplete-code when a continuation never arrives, then accepts the next code', async () => {
    const s = await setup({ continuationTimeoutMs: 20 });
    const [first] = hidReportsFor('G'.repeat(90));
    await s.device.write(first ?? new Uint8Array());
    await s.until(() => s.errors.length === 1);
    expect(s.errors[0]).toMatchObject({ code: 'hid-incomplete-code' });
    for (const r of hidReportsFor('JW-20261129-000123')) await s.device.write(r);
    await s.until(() => s.codes.length === 1);
    expect(s.codes[0]?.text).toBe('JW-20261129-000123');
    await s.scanner.stop();
  });

  it('goes no-device on unplug and back online on replug', async () => {
    const s = await setup();
    s.host.unplug();
    await s.until(() => s.scanner.status.state === 'no-device');
    s.host.replug();
    await s.until(() => s.scanner.status.state === 'online');
    for (const r of hidReportsFor('after replug')) await s.device.write(r);
    await s.until(() => s.codes.length === 1);
    expect(s.codes[0]?.text).toBe('after replug');
    await s.scanner.stop();
  });
});

describe('hidReportsFor', () => {
  it('follows the common layout byte for byte', () => {
    const [r] = hidReportsFor('AB', { symbology: 'QR' });
    expect(r).toHaveLength(1 + COMMON_HID_POS_LAYOUT.reportLength);
    expect([...(r ?? new Uint8Array()).subarray(0, 7)]).toEqual([2, 2, 0x5d, 0x51, 0x31, 0x41, 0x42]);
    expect(r?.[63]).toBe(0);
  });
});
