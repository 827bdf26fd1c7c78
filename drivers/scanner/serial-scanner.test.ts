import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceError } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import { MemoryTransport } from '../transport/memory.js';
import { formatAppointmentCode } from './classify.js';
import { SerialScanner } from './serial-scanner.js';
import { SerialScannerSimulator, createSimulatedScanner } from './simulator.js';
import type { ScannedCode, Scanner } from './types.js';
import { createWaiter } from '../../test/support/wait.js';

/** Collects a scanner's events and lets a test wait for the n-th of a kind. */
function record(scanner: Scanner) {
  const codes: ScannedCode[] = [];
  const errors: DeviceError[] = [];
  const statuses: DeviceStatus[] = [];
  const waiter = createWaiter(
    () =>
      `${codes.length} codes, errors ${errors.map((e) => e.code).join(',')}, states ${statuses.map((s) => s.state).join(',')}`,
  );
  scanner.on('scanned', (c) => (codes.push(c), waiter.poke()));
  scanner.on('scan-error', (e) => (errors.push(e), waiter.poke()));
  scanner.on('status', (s) => (statuses.push(s), waiter.poke()));
  // Named by the condition's own text when it times out.
  const until = (done: () => boolean): Promise<void> => waiter.until(String(done), done);
  return { codes, errors, statuses, until };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(options: ConstructorParameters<typeof SerialScanner>[1] = {}) {
  const [host, device] = MemoryTransport.pair('scanner');
  const scanner = new SerialScanner(host, { reconnectIntervalMs: 20, ...options });
  const sim = new SerialScannerSimulator(device);
  await sim.open();
  const rec = record(scanner);
  await scanner.start();
  cleanups.push(async () => {
    await scanner.stop();
    await sim.close();
  });
  return { host, device, scanner, sim, rec };
}

describe('SerialScanner', () => {
  it('goes online and emits classified codes for CR and CR LF lines', async () => {
    const { scanner, sim, rec } = await setup({ classify: { progressHosts: ['p.example'] } });
    expect(scanner.status).toEqual({ state: 'online' });
    const appt = formatAppointmentCode('2026-11-30', 7);
    await sim.scan(appt);
    await sim.scan('https://p.example/progress/JW-20261129-000123', { terminator: 'crlf' });
    await sim.scan('https://www.gov.cn/', { terminator: 'lf' });
    await rec.until(() => rec.codes.length === 3);
    expect(rec.codes.map((c) => [c.kind, c.reference, c.source])).toEqual([
      ['appointment', appt, 'serial'],
      ['progress', 'JW-20261129-000123', 'serial'],
      ['url', 'https://www.gov.cn/', 'serial'],
    ]);
    expect(rec.errors).toEqual([]);
  });

  it('reports the symbology from an AIM prefix and strips it from the text', async () => {
    const { sim, rec } = await setup();
    await sim.scan('JW-20261129-000123', { symbology: 'QR' });
    await sim.scan('6901234567892', { symbology: 'EAN-13' });
    await sim.scan(']]not-aim');
    await rec.until(() => rec.codes.length === 3);
    expect(rec.codes.map((c) => [c.symbology, c.text])).toEqual([
      ['QR', 'JW-20261129-000123'],
      ['EAN-13', '6901234567892'],
      [null, ']]not-aim'],
    ]);
  });

  it('reassembles a code split into several chunks', async () => {
    const { sim, rec } = await setup();
    const enc = new TextEncoder();
    for (const part of ['JW-2026', '1129-', '000123\r', '\n']) await sim.writeRaw(enc.encode(part));
    await rec.until(() => rec.codes.length === 1);
    expect(rec.codes[0]?.text).toBe('JW-20261129-000123');
  });

  it('turns an overlong line into a typed error, then resyncs for the next code', async () => {
    const { sim, rec } = await setup({ maxLineBytes: 64 });
    await sim.overlong(500);
    await sim.scan('JW-20261129-000124');
    await rec.until(() => rec.codes.length === 1);
    expect(rec.errors).toEqual([
      expect.objectContaining({ code: 'scanner-line-too-long', recovery: 'retry' }),
    ]);
    expect(rec.codes[0]?.reference).toBe('JW-20261129-000124');
  });

  it('reports garbage as an unknown code or an empty-code error, never crashing', async () => {
    const { sim, rec } = await setup();
    await sim.writeLine(Uint8Array.of(0x01, 0x02, 0x1b, 0x7f));
    await sim.garbage(40, 3);
    await sim.scan('JW-20261129-000125');
    await rec.until(() => rec.codes.some((c) => c.kind === 'progress'));
    expect(rec.errors[0]).toMatchObject({ code: 'scanner-empty-code' });
    expect(rec.codes.filter((c) => c.kind !== 'progress').every((c) => c.kind === 'unknown')).toBe(true);
    expect(rec.codes.at(-1)?.text).toBe('JW-20261129-000125');
  });

  it('drops an unterminated fragment after the line timeout so it cannot prefix the next code', async () => {
    const { sim, rec } = await setup({ lineTimeoutMs: 30 });
    await sim.writeRaw(new TextEncoder().encode('stray'));
    await rec.until(() => rec.errors.length === 1);
    expect(rec.errors[0]).toMatchObject({ code: 'scanner-incomplete-code' });
    expect(rec.errors[0]?.message).not.toContain('stray');
    await sim.scan('JW-20261129-000126');
    await rec.until(() => rec.codes.length === 1);
    expect(rec.codes[0]?.text).toBe('JW-20261129-000126');
  });

  it('keeps the GS1 separator (GS) in the text and parses the AIs', async () => {
    const { sim, rec } = await setup();
    const enc = new TextEncoder();
    await sim.writeLine(enc.encode(']C10109506000134352' + '10ABC123\u001d17261231'));
    await rec.until(() => rec.codes.length === 1);
    const code = rec.codes[0];
    expect(code?.symbology).toBe('GS1-128');
    expect(code?.text).toBe('0109506000134352' + '10ABC123\u001d17261231');
    expect(code?.gs1?.map((e) => [e.ai, e.value])).toEqual([
      ['01', '09506000134352'],
      ['10', 'ABC123'],
      ['17', '261231'],
    ]);
  });

  it('decodes a GB18030 payload and says so; refuses undecodable bytes with a typed error', async () => {
    const { sim, rec } = await setup();
    // 张三 in GB18030: D5 C5 C8 FD (not valid UTF-8).
    await sim.writeLine(Uint8Array.of(0x5d, 0x51, 0x31, 0xd5, 0xc5, 0xc8, 0xfd));
    await sim.writeLine(Uint8Array.of(0x41, 0xff, 0xff, 0x42));
    await sim.scan('JW-20261129-000127');
    await rec.until(() => rec.codes.length === 2);
    expect(rec.codes.map((c) => [c.text, c.encoding, c.symbology])).toEqual([
      ['张三', 'gb18030', 'QR'],
      ['JW-20261129-000127', 'utf-8', null],
    ]);
    expect(rec.errors).toEqual([expect.objectContaining({ code: 'scanner-bad-encoding' })]);
    expect(rec.codes.some((c) => c.text.includes('\ufffd'))).toBe(false);
  });

  it('decodes with the configured encoding', async () => {
    const { sim, rec } = await setup({ encoding: 'utf-8' });
    await sim.writeLine(Uint8Array.of(0xd5, 0xc5, 0xc8, 0xfd));
    await sim.scan('ok');
    await rec.until(() => rec.codes.length === 1);
    expect(rec.errors).toEqual([expect.objectContaining({ code: 'scanner-bad-encoding' })]);
  });

  it('counts the length limit on the payload, not on the AIM identifier in front', async () => {
    const { sim, rec } = await setup({ maxLineBytes: 10 });
    await sim.scan('0123456789', { symbology: 'QR' });
    await sim.scan('0123456789');
    await sim.scan('0123456789A', { symbology: 'QR' });
    await sim.scan('0123456789A');
    await sim.scan('end');
    await rec.until(() => rec.codes.length === 3);
    expect(rec.codes.map((c) => c.text)).toEqual(['0123456789', '0123456789', 'end']);
    expect(rec.errors.map((e) => e.code)).toEqual(['scanner-line-too-long', 'scanner-line-too-long']);
  });

  it('delivers codes from a scanner that sends no suffix after the configured gap', async () => {
    const { sim, rec } = await setup({ codeGapMs: 40 });
    const enc = new TextEncoder();
    await sim.writeRaw(enc.encode('JW-2026'));
    await sim.writeRaw(enc.encode('1129-000128'));
    await rec.until(() => rec.codes.length === 1);
    expect(rec.codes[0]).toMatchObject({ text: 'JW-20261129-000128', kind: 'progress' });
    await sim.writeRaw(enc.encode(']Q1https://a.example/'));
    await rec.until(() => rec.codes.length === 2);
    expect(rec.codes[1]).toMatchObject({ text: 'https://a.example/', symbology: 'QR' });
    // A terminator still ends a code at once.
    await sim.scan('JW-20261129-000129');
    await rec.until(() => rec.codes.length === 3);
    expect(rec.errors).toEqual([]);
  });

  it('reports no-device when unplugged, reconnects when replugged, and receives the next scan', async () => {
    const { host, sim, scanner, rec } = await setup();
    host.unplug();
    await rec.until(() => scanner.status.state === 'no-device');
    host.replug();
    await rec.until(() => scanner.status.state === 'online');
    expect(rec.statuses.map((s) => s.state)).toEqual(['online', 'no-device', 'online']);
    await sim.scan('JW-20261129-000127');
    await rec.until(() => rec.codes.length === 1);
    expect(rec.codes[0]?.reference).toBe('JW-20261129-000127');
  });

  it('starts on a missing device as no-device and comes online once it appears', async () => {
    const [host] = MemoryTransport.pair('absent');
    host.unplugged = true;
    const scanner = new SerialScanner(host, { reconnectIntervalMs: 10 });
    const rec = record(scanner);
    cleanups.push(() => scanner.stop());
    await scanner.start();
    expect(scanner.status.state).toBe('no-device');
    host.replug();
    await rec.until(() => scanner.status.state === 'online');
  });

  it('stop() closes the port and reports offline', async () => {
    const { host, scanner } = await setup();
    await scanner.stop();
    expect(host.isOpen).toBe(false);
    expect(scanner.status).toEqual({ state: 'offline', reason: 'stopped' });
  });
});

describe('createSimulatedScanner', () => {
  it('delivers simulated scans with source "simulated" and supports unplug/replug', async () => {
    const sim = createSimulatedScanner({
      reconnectIntervalMs: 10,
      classify: { progressHosts: ['p.example'] },
    });
    cleanups.push(() => sim.close());
    const rec = record(sim.scanner);
    await sim.scanner.start();
    await sim.simulator.scan('https://p.example/progress/JW-20261129-000123', 'QR');
    await rec.until(() => rec.codes.length === 1);
    expect(rec.codes[0]).toMatchObject({
      kind: 'progress',
      symbology: 'QR',
      source: 'simulated',
      reference: 'JW-20261129-000123',
    });
    sim.simulator.unplug();
    await rec.until(() => sim.scanner.status.state === 'no-device');
    sim.simulator.replug();
    await rec.until(() => sim.scanner.status.state === 'online');
    await sim.simulator.scan('hello code');
    await rec.until(() => rec.codes.length === 2);
    expect(rec.codes[1]).toMatchObject({ kind: 'unknown', symbology: null, text: 'hello code' });
  });
});
