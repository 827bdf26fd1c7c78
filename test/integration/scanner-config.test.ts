/**
 * Per-scanner settings in the device configuration (`?encoding=…&gap=MS`): parsed, round-tripped, refused with
 * one line when wrong, and honoured by the kiosk's real scanner over a PTY (a GB18030 scanner that sends no
 * suffix).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SerialScannerSimulator } from '../../drivers/scanner/simulator.js';
import type { ScannedCode } from '../../drivers/scanner/types.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import {
  formatDeviceSpec,
  parseDeviceSpec,
  parseStoredSpec,
  scannerSpecSchema,
} from '../../main/core/device-config.js';
import { createRealDevices } from '../../main/core/real-devices.js';
import { createPtyPair } from '../support/socat.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

describe('scanner settings in a spec', () => {
  it('parses encoding and gap, and formats them back', () => {
    const serial = parseDeviceSpec('scanner', 'serial:/dev/ttyACM0@9600?encoding=gb18030&gap=50', 'X');
    expect(serial).toEqual({
      kind: 'serial',
      path: '/dev/ttyACM0',
      baudRate: 9600,
      encoding: 'gb18030',
      codeGapMs: 50,
    });
    expect(formatDeviceSpec(serial)).toBe('serial:/dev/ttyACM0@9600?encoding=gb18030&gap=50');
    const hid = parseDeviceSpec('scanner', 'hid:0c2e:0b61?encoding=utf-8', 'X');
    expect(hid).toEqual({ kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61, encoding: 'utf-8' });
    expect(formatDeviceSpec(hid)).toBe('hid:0c2e:0b61?encoding=utf-8');
    // Stored rows carry the fields; they are validated like the strings.
    expect(parseStoredSpec('scanner', serial)).toEqual(serial);
  });

  it('refuses bad settings with one line naming the setting', () => {
    for (const [text, message] of [
      ['serial:/dev/ttyACM0?encoding=latin1', /encoding: .*"gb18030"/],
      ['hid:0c2e:0b61?gap=50', /'gap' applies to serial scanners only/],
      ['serial:/dev/ttyACM0?gap=1', /gap: /],
      ['serial:/dev/ttyACM0?gap=fast', /'fast' is not a whole number/],
      ['serial:/dev/ttyACM0?colour=red', /unknown setting 'colour' for the scanner \(known: encoding, gap\)/],
    ] as const) {
      expect(() => parseDeviceSpec('scanner', text, 'BOOTH_SCANNER')).toThrow(message);
      try {
        parseDeviceSpec('scanner', text, 'BOOTH_SCANNER');
      } catch (error) {
        expect(String((error as Error).message)).toMatch(/^BOOTH_SCANNER: /);
        expect(String((error as Error).message)).not.toContain('\n');
      }
    }
    expect(() =>
      parseStoredSpec('scanner', { kind: 'hid', vendorId: 1, productId: 2, codeGapMs: 5 }),
    ).toThrow(/stored scanner configuration/);
  });
});

describe('the kiosk scanner honours its settings', () => {
  it('decodes a GB18030 scanner that sends no suffix, over a PTY', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const sim = new SerialScannerSimulator(new SerialTransport({ path: pair.b, baudRate: 9600 }));
    await sim.open();
    cleanups.push(() => sim.close());
    const spec = scannerSpecSchema.parse(
      parseDeviceSpec('scanner', `serial:${pair.a}@9600?encoding=gb18030&gap=60`, 'X'),
    );
    const set = createRealDevices({ idCard: null, printer: null, scanner: spec });
    const codes: ScannedCode[] = [];
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no code arrived')), 10_000);
      set.scanner.on('scanned', (c) => {
        codes.push(c);
        if (codes.length === 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await set.start();
    cleanups.push(() => set.stop());
    await sim.scan('深圳市公安局', { encoding: 'gb18030', terminator: 'none', symbology: 'QR' });
    // The gap ends the first code; wait until it is out before the second.
    for (const deadline = Date.now() + 10_000; codes.length < 1;) {
      if (Date.now() > deadline) throw new Error('the first code never arrived');
      await new Promise((r) => setTimeout(r, 20));
    }
    await sim.scan('福田派出所', { encoding: 'gb18030', terminator: 'none' });
    await arrived;
    expect(codes.map((c) => [c.text, c.encoding, c.symbology])).toEqual([
      ['深圳市公安局', 'gb18030', 'QR'],
      ['福田派出所', 'gb18030', null],
    ]);
  });
});
