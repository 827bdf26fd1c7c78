import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DeviceError } from '../../drivers/common/result.js';
import { HidPosScanner } from '../../drivers/scanner/hid-pos.js';
import { hidReportsFor } from '../../drivers/scanner/simulator.js';
import type { ScannedCode } from '../../drivers/scanner/types.js';
import { HidTransport, type HidBackend, type HidDeviceHandle } from '../../drivers/transport/hid.js';
import { createWaiter } from '../support/wait.js';

/** Stands in for node-hid's HIDAsync (no /dev/uhid on these machines to fake a real device). */
class FakeHidDevice extends EventEmitter implements HidDeviceHandle {
  async write(bytes: number[]): Promise<number> {
    return bytes.length;
  }
  async close(): Promise<void> {
    this.removeAllListeners();
  }
  /** Sends reports the way node-hid does: one Buffer per `data` event. */
  send(reports: Uint8Array[]): void {
    for (const r of reports) this.emit('data', Buffer.from(r));
  }
}

describe('HID POS scanner facade over HidTransport with an injected node-hid backend', () => {
  it('reassembles codes, goes no-device on unplug, and reads again after replug', async () => {
    let plugged = true;
    let current: FakeHidDevice | null = null;
    const backend: HidBackend = {
      async open() {
        if (!plugged) throw new Error('cannot open device with vendor id 0xc2e and product id 0xb61');
        current = new FakeHidDevice();
        return current;
      },
      async devices() {
        return plugged
          ? [{ vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw1', usagePage: 0x8c, usage: 2 }]
          : [];
      },
    };
    const scanner = new HidPosScanner(new HidTransport({ vendorId: 0x0c2e, productId: 0x0b61 }, backend), {
      reconnectIntervalMs: 10,
      classify: { progressHosts: ['progress.police.example'] },
    });
    const codes: ScannedCode[] = [];
    const errors: DeviceError[] = [];
    const waiter = createWaiter(() => `state ${scanner.status.state}, ${codes.length} codes`);
    scanner.on('scanned', (c) => (codes.push(c), waiter.poke()));
    scanner.on('scan-error', (e) => (errors.push(e), waiter.poke()));
    scanner.on('status', () => waiter.poke());
    const until = (done: () => boolean): Promise<void> => waiter.until(String(done), done);

    await scanner.start();
    expect(scanner.status.state).toBe('online');
    const url =
      'https://progress.police.example/progress/JW-20261129-000123?from=receipt&pad=' + 'z'.repeat(120);
    current!.send(hidReportsFor(url, { symbology: 'QR' }));
    current!.send([Uint8Array.of(2, 99)]); // a garbage report: length beyond the layout
    current!.send(hidReportsFor('6901234567892', { symbology: 'EAN-13' }));
    await until(() => codes.length === 2);
    expect(codes.map((c) => [c.kind, c.reference, c.symbology, c.source])).toEqual([
      ['progress', 'JW-20261129-000123', 'QR', 'hid'],
      ['unknown', null, 'EAN-13', 'hid'],
    ]);
    expect(errors.map((e) => e.code)).toEqual(['hid-bad-report']);

    // Unplug mid-code: hidraw read fails, node-hid emits `error`.
    plugged = false;
    current!.send(hidReportsFor('x'.repeat(100)).slice(0, 1));
    current!.emit('error', new Error('could not read from HID device'));
    await until(() => scanner.status.state === 'no-device');
    plugged = true;
    await until(() => scanner.status.state === 'online');
    current!.send(hidReportsFor('JW-20261129-000999', { symbology: 'Code128' }));
    await until(() => codes.length === 3);
    // The half-received code from before the unplug did not leak into the first code after it.
    expect(codes[2]).toMatchObject({ text: 'JW-20261129-000999', symbology: 'Code128', kind: 'progress' });
    await scanner.stop();
    expect(scanner.status).toEqual({ state: 'offline', reason: 'stopped' });
  });
});
