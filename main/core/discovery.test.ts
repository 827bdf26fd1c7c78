import { describe, expect, it } from 'vitest';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { DeviceDiscovery, probeSerialPort } from './discovery.js';

describe('DeviceDiscovery', () => {
  it('guesses a HID POS scanner by its usage page, marks ports in use, and lists what it could', async () => {
    const discovery = new DeviceDiscovery({
      listers: {
        serial: async () => {
          throw new Error('spawn udevadm ENOENT');
        },
        hid: async () => [
          {
            vendorId: 0x0c2e,
            productId: 0x0b61,
            usagePage: 0x8c,
            usage: 0x02,
            path: '/dev/hidraw3',
            product: 'Scanner',
          },
          {
            vendorId: 0x046d,
            productId: 0xc31c,
            usagePage: 0x01,
            usage: 0x06,
            path: '/dev/hidraw1',
            product: 'Keyboard',
          },
        ],
      },
      inUse: () => new Map([['/dev/hidraw1', 'scanner']]),
    });
    const changes: number[] = [];
    discovery.events.on('changed', (v) => changes.push(v.devices.length));
    const view = await discovery.refresh();
    expect(view.warnings).toEqual([
      'serial ports could not be listed: spawn udevadm ENOENT (udev is not available)',
    ]);
    expect(view.devices).toMatchObject([
      { kind: 'hid', vidPid: '0c2e:0b61', usedBy: null, guess: { kind: 'scanner' } },
      { kind: 'hid', vidPid: '046d:c31c', usedBy: 'scanner', guess: { kind: 'in-use' } },
    ]);
    // Only a change is announced.
    await discovery.refresh();
    expect(changes).toEqual([2]);
  });

  it('never probes a port a role uses, and says why a port cannot be probed', async () => {
    const discovery = new DeviceDiscovery({
      listers: { serial: async () => [], hid: async () => [] },
      inUse: () => new Map([['/dev/ttyUSB0', 'printer']]),
      openProbe: () => {
        throw new Error('must not open a port in use');
      },
    });
    expect(await discovery.probe('/dev/ttyUSB0')).toEqual({ kind: 'in-use', detail: 'printer' });
    const missing = await probeSerialPort(new SerialTransport({ path: '/nonexistent/ttyBOOTH' }));
    expect(missing.kind).toBe('unavailable');
  });
});
