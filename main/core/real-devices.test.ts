import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../drivers/common/status.js';
import { EscPosEncoder, PROFILE_80MM } from '../../drivers/printer/encoder.js';
import { serveSimulatorTcp } from '../../drivers/printer/serve.js';
import { PrinterSimulator } from '../../drivers/printer/simulator.js';
import { hidReportsFor } from '../../drivers/scanner/simulator.js';
import type { ScannedCode } from '../../drivers/scanner/types.js';
import type { HidBackend, HidDeviceHandle, HidTarget } from '../../drivers/transport/hid.js';
import type { LogFields, Logger } from './log.js';
import { AbsentDevice, createRealDevices, openConfiguredDevices } from './real-devices.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fake HIDAsync device the test pushes reports through. */
class FakeHidDevice extends EventEmitter implements HidDeviceHandle {
  async write(bytes: number[]): Promise<number> {
    return bytes.length;
  }
  async close(): Promise<void> {
    this.removeAllListeners();
  }
}

describe('AbsentDevice', () => {
  it('says it is not there, never emits, and refuses to print', async () => {
    const d = new AbsentDevice();
    expect(d.status).toEqual({ state: 'no-device', reason: 'not configured' });
    await expect(d.start()).resolves.toBeUndefined();
    const off = d.on();
    expect(typeof off).toBe('function');
    off();
    expect(await d.print()).toEqual({
      ok: false,
      error: { kind: 'failed', code: 'no-device', message: 'no printer configured' },
    });
    await expect(d.stop()).resolves.toBeUndefined();
    expect(d.status.state).toBe('no-device');
  });

  it('with a configuration problem, reports an error a technician can act on', async () => {
    const d = new AbsentDevice("BOOTH_PRINTER: unknown device kind 'usb' in 'usb:x'");
    expect(d.status).toEqual({
      state: 'error',
      code: 'device-misconfigured',
      recovery: 'check-configuration',
      message: "BOOTH_PRINTER: unknown device kind 'usb' in 'usb:x'",
    });
    expect(await d.print()).toMatchObject({ ok: false, error: { kind: 'failed', code: 'no-device' } });
  });
});

describe('createRealDevices', () => {
  it('with nothing configured: absent devices, no simulation, connections say so', async () => {
    const set = createRealDevices({ idCard: null, printer: null, scanner: null });
    expect(set.simulation).toBeNull();
    expect(set.connections).toEqual({
      'id-card': 'not configured',
      printer: 'not configured',
      scanner: 'not configured',
    });
    await set.start();
    expect(set.idCard.status).toEqual({ state: 'no-device', reason: 'not configured' });
    expect(set.scanner.status.state).toBe('no-device');
    expect(await set.printer.print(new Uint8Array([0x1b, 0x40]))).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'no-device' },
    });
    await set.stop();
  });

  it('start() resolves when every configured port is missing: no-device, then clean stop', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'booth-real-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const openFails: HidBackend = {
      open: async () => {
        throw new Error('cannot open device');
      },
      devices: async () => [],
    };
    const set = createRealDevices(
      {
        idCard: { kind: 'serial', path: path.join(dir, 'ttyUSB0'), baudRate: 115200 },
        printer: { kind: 'file', path: path.join(dir, 'lp0') },
        scanner: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61 },
      },
      { hidBackend: openFails, reconnectIntervalMs: 100 },
    );
    expect(set.connections).toEqual({
      'id-card': `serial:${path.join(dir, 'ttyUSB0')}@115200`,
      printer: `file:${path.join(dir, 'lp0')}`,
      scanner: 'hid:0c2e:0b61',
    });
    await expect(set.start()).resolves.toBeUndefined();
    expect(set.idCard.status.state).toBe('no-device');
    expect(set.printer.status.state).toBe('no-device');
    expect(set.scanner.status.state).toBe('no-device');
    expect(await set.printer.print(new Uint8Array([0x1b, 0x40]))).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'no-device' },
    });
    await set.stop();
  });

  it('a HID POS scanner by VID:PID delivers scanned codes', async () => {
    const opened: HidTarget[] = [];
    const device = new FakeHidDevice();
    const backend: HidBackend = {
      open: async (target) => {
        opened.push(target);
        return device;
      },
      devices: async () => [],
    };
    const set = createRealDevices(
      { idCard: null, printer: null, scanner: { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61 } },
      { hidBackend: backend },
    );
    const codes: ScannedCode[] = [];
    set.scanner.on('scanned', (c) => codes.push(c));
    await set.start();
    cleanups.push(() => set.stop());
    expect(opened).toEqual([{ vendorId: 0x0c2e, productId: 0x0b61 }]);
    expect(set.scanner.status.state).toBe('online');
    for (const report of hidReportsFor('PARCEL-0042', { symbology: 'Code128' })) device.emit('data', report);
    await until('scanned', () => codes.length === 1);
    expect(codes[0]).toMatchObject({ text: 'PARCEL-0042', source: 'hid', symbology: 'Code128' });
  });

  it('a HID scanner by path opens that path', async () => {
    const opened: HidTarget[] = [];
    const backend: HidBackend = {
      open: async (target) => {
        opened.push(target);
        return new FakeHidDevice();
      },
      devices: async () => [],
    };
    const set = createRealDevices(
      { idCard: null, printer: null, scanner: { kind: 'hid-path', path: '/dev/hidraw7' } },
      { hidBackend: backend },
    );
    expect(set.connections.scanner).toBe('hid:/dev/hidraw7');
    await set.start();
    cleanups.push(() => set.stop());
    expect(opened).toEqual([{ path: '/dev/hidraw7' }]);
  });

  it('a TCP printer prints, and its idle status poll shows paper-out before the next job', async () => {
    const sim = new PrinterSimulator();
    const ep = await serveSimulatorTcp(sim, { port: 0 });
    cleanups.push(() => ep.close());
    const set = createRealDevices(
      { idCard: null, printer: { kind: 'tcp', host: '127.0.0.1', port: ep.port ?? 0 }, scanner: null },
      { monitorIntervalMs: 50 },
    );
    expect(set.connections.printer).toBe(`tcp:127.0.0.1:${ep.port}`);
    const statuses: DeviceStatus[] = [];
    set.printer.on('status', (s) => statuses.push(s));
    await set.start();
    cleanups.push(() => set.stop());
    expect(set.printer.status.state).toBe('online');

    const job = new EscPosEncoder(PROFILE_80MM).init().line('受理回执 receipt').cut().encode().bytes;
    expect(await set.printer.print(job)).toEqual({ ok: true, value: undefined });
    expect(PrinterSimulator.textLines(sim.jobs[0]?.items ?? [])).toContain('受理回执 receipt');

    // No job is printing: only the idle monitor can notice this.
    sim.setScenario('paper-out');
    await until('paper-out seen while idle', () => set.printer.status.state === 'error');
    expect(set.printer.status).toMatchObject({ state: 'error', code: 'paper-end', recovery: 'refill-paper' });
    expect(statuses.some((s) => s.state === 'error')).toBe(true);
  });
});

describe('the printer profile from the configuration', () => {
  it("sets the facade's paper width, speed and confirmation; an unset one is the 80 mm default", async () => {
    const sim = new PrinterSimulator({ width: 58, speedMmPerSec: 70 });
    const ep = await serveSimulatorTcp(sim, { port: 0 });
    cleanups.push(async () => {
      await ep.close();
      sim.dispose();
    });
    const set = createRealDevices(
      {
        idCard: null,
        printer: {
          kind: 'tcp',
          host: '127.0.0.1',
          port: ep.port ?? 0,
          profile: { width: 58, speed: 70, confirm: 'gs-r' },
        },
        scanner: null,
      },
      { monitorIntervalMs: 60_000 },
    );
    expect(set.printer.profile).toMatchObject({
      widthMm: 58,
      columns: 32,
      speedMmPerSec: 70,
      confirm: 'gs-r',
    });
    await set.start();
    cleanups.push(() => set.stop());
    const job = new EscPosEncoder(set.printer.profile).init().line('受理回执').cut().encode().bytes;
    expect(await set.printer.print(job)).toEqual({ ok: true, value: undefined });
    // Confirmed by GS r: the simulated mechanism had finished the job when the result came.
    expect(sim.jobs).toHaveLength(1);
    expect(sim.printing).toBe(false);

    const plain = createRealDevices({
      idCard: null,
      printer: { kind: 'file', path: '/nonexistent/lp0' },
      scanner: null,
    });
    expect(plain.printer.profile).toMatchObject({ widthMm: 80, speedMmPerSec: 150, confirm: 'status' });
    expect(new AbsentDevice().profile.widthMm).toBe(80);
  });
});

describe('openConfiguredDevices', () => {
  it('builds from environment and stored settings; a bad one becomes a misconfigured device and a warning', async () => {
    const warnings: Array<{ event: string; fields: LogFields | undefined }> = [];
    const infos: Array<LogFields | undefined> = [];
    const log: Logger = {
      info: (_event, fields) => infos.push(fields),
      warn: (event, fields) => warnings.push({ event, fields }),
      error: () => undefined,
    };
    const set = await openConfiguredDevices({
      env: { BOOTH_PRINTER: 'usb:/dev/lp0' },
      stored: {
        all: async () => ({ scanner: { kind: 'serial', path: '/nonexistent/ttyACM0', baudRate: 9600 } }),
      },
      log,
    });
    expect(set.connections).toEqual({
      'id-card': 'not configured',
      printer: 'invalid configuration',
      scanner: 'serial:/nonexistent/ttyACM0@9600',
    });
    expect(set.printer.status).toMatchObject({ state: 'error', code: 'device-misconfigured' });
    expect(warnings).toEqual([
      {
        event: 'devices.misconfigured',
        fields: expect.objectContaining({
          role: 'printer',
          source: 'env',
          problem: expect.stringMatching(/^BOOTH_PRINTER: /),
        }),
      },
    ]);
    expect(infos).toContainEqual(
      expect.objectContaining({
        role: 'scanner',
        source: 'stored',
        connection: 'serial:/nonexistent/ttyACM0@9600',
      }),
    );
    await set.start();
    expect(set.scanner.status.state).toBe('no-device');
    await set.stop();
  });
});
