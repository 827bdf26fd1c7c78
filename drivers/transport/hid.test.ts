import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { TransportError } from './types.js';
import {
  HidTransport,
  formatVidPid,
  parseVidPid,
  type HidBackend,
  type HidDeviceHandle,
  type HidDeviceInfo,
  type HidTarget,
} from './hid.js';

/** A fake HIDAsync device: the test pushes reports and errors through it. */
class FakeDevice extends EventEmitter implements HidDeviceHandle {
  closed = false;
  written: number[][] = [];
  async write(bytes: number[]): Promise<number> {
    this.written.push(bytes);
    return bytes.length;
  }
  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners();
  }
}

function fakeBackend(options: { present?: HidDeviceInfo[]; openFails?: boolean } = {}) {
  const opened: HidTarget[] = [];
  let device: FakeDevice | null = null;
  const backend: HidBackend = {
    async open(target) {
      opened.push(target);
      if (options.openFails) throw new Error('cannot open device with path /dev/hidraw3');
      device = new FakeDevice();
      return device;
    },
    async devices() {
      return options.present ?? [];
    },
  };
  return { backend, opened, device: () => device };
}

describe('VID:PID', () => {
  it('parses and formats hex id pairs', () => {
    expect(parseVidPid('0c2e:0b61')).toEqual({ vendorId: 0x0c2e, productId: 0x0b61 });
    expect(parseVidPid('0x05E0:0x1200')).toEqual({ vendorId: 0x05e0, productId: 0x1200 });
    expect(parseVidPid('0c2e')).toBeNull();
    expect(parseVidPid('zzzz:0001')).toBeNull();
    expect(parseVidPid('12345:1')).toBeNull();
    expect(formatVidPid(0x5e0, 0x1200)).toBe('05e0:1200');
  });
});

describe('HidTransport with an injected backend', () => {
  it('opens by VID:PID and delivers each report as one chunk', async () => {
    const fake = fakeBackend();
    const t = new HidTransport({ vendorId: 0x0c2e, productId: 0x0b61 }, fake.backend);
    expect(t.description).toBe('hid:0c2e:0b61');
    const chunks: number[][] = [];
    t.onData((c) => chunks.push([...c]));
    await t.open();
    expect(t.isOpen).toBe(true);
    expect(fake.opened).toEqual([{ vendorId: 0x0c2e, productId: 0x0b61 }]);
    fake.device()?.emit('data', Buffer.from([2, 3, 0x41]));
    fake.device()?.emit('data', Buffer.from([2, 1]));
    expect(chunks).toEqual([
      [2, 3, 0x41],
      [2, 1],
    ]);
    await t.write(Uint8Array.of(0, 1, 2));
    expect(fake.device()?.written).toEqual([[0, 1, 2]]);
  });

  it('reports a read error (unplug) as a closed transport, once, and can reopen', async () => {
    const fake = fakeBackend();
    const t = new HidTransport({ path: '/dev/hidraw3' }, fake.backend);
    const reasons: Array<TransportError | null> = [];
    t.onClose((r) => reasons.push(r));
    await t.open();
    const device = fake.device();
    device?.emit('error', new Error('could not read from HID device'));
    expect(reasons).toHaveLength(1);
    expect(device?.closed).toBe(true);
    await t.close(); // already gone: no second notification
    expect(reasons[0]?.kind).toBe('closed');
    expect(t.isOpen).toBe(false);
    await expect(t.write(Uint8Array.of(0))).rejects.toMatchObject({ kind: 'closed' });
    await t.open();
    expect(t.isOpen).toBe(true);
  });

  it('close() closes the device and notifies listeners with null', async () => {
    const fake = fakeBackend();
    const t = new HidTransport({ path: '/dev/hidraw0' }, fake.backend);
    const reasons: Array<TransportError | null> = [];
    t.onClose((r) => reasons.push(r));
    await t.open();
    await t.close();
    await t.close();
    expect(fake.device()?.closed).toBe(true);
    expect(reasons).toEqual([null]);
  });

  it('classifies a failed open: absent → not-found, present → permission', async () => {
    const absent = new HidTransport({ path: '/dev/hidraw3' }, fakeBackend({ openFails: true }).backend);
    await expect(absent.open()).rejects.toMatchObject({ kind: 'not-found' });
    const present = new HidTransport(
      { vendorId: 1, productId: 2 },
      fakeBackend({ openFails: true, present: [{ vendorId: 1, productId: 2, path: '/dev/hidraw3' }] })
        .backend,
    );
    await expect(present.open()).rejects.toMatchObject({ kind: 'permission' });
  });
});
