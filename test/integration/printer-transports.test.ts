import { afterEach, describe, expect, it } from 'vitest';
import { EscPosEncoder, PROFILE_80MM } from '../../drivers/printer/encoder.js';
import { EscPosPrinter } from '../../drivers/printer/printer.js';
import type { PrinterProfile } from '../../drivers/printer/profile.js';
import type { SimulatorEndpoint } from '../../drivers/printer/serve.js';
import { serveSimulatorOn, serveSimulatorTcp } from '../../drivers/printer/serve.js';
import { PrinterSimulator } from '../../drivers/printer/simulator.js';
import { FileTransport } from '../../drivers/transport/file.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { TcpTransport } from '../../drivers/transport/tcp.js';
import { createPtyPair, type PtyPair } from '../support/socat.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const QR = '进度查询 https://booth.example.gov.cn/p/JW-20261129-000123';
function job(): Uint8Array {
  const e = new EscPosEncoder(PROFILE_80MM)
    .init()
    .align('center')
    .bold(true)
    .size(2, 2)
    .line('智慧警务舱')
    .size(1, 1)
    .bold(false)
    .align('left');
  e.row('业务编号', 'JW-20261129-000123').wrapped('繁體：請攜帶身份證前往窗口辦理。English text too.');
  // A large job, so it crosses many PTY/TCP chunks.
  for (let i = 0; i < 60; i++) e.row(`第 ${i} 项 item`, '已受理');
  return e.align('center').qr(QR, { moduleSize: 5 }).cut().encode().bytes;
}

/**
 * Resolves when the printer's status is `state` — at once, or at the `status` event that makes it so. The
 * deadline is for a loaded 2-core machine (a reconnect is a retry every 100 ms plus a port open and a status
 * round trip, each of which can wait for the CPU under CI load); it only bounds a hang, it measures nothing.
 */
function statusReached(printer: EscPosPrinter, state: string, ms = 30_000): Promise<void> {
  if (printer.status.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`printer still ${printer.status.state} after ${ms} ms, expected ${state}`));
    }, ms);
    const off = printer.on('status', (s) => {
      if (s.state !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function expectJob(sim: PrinterSimulator): void {
  expect(sim.jobs).toHaveLength(1);
  const lines = PrinterSimulator.textLines(sim.jobs[0]!.items);
  expect(lines[0]).toBe('智慧警务舱');
  // Wrapped by display width: 30 columns of CJK + 'English text' = 42; ' too.' would pass 48.
  expect(lines.slice(2, 4)).toEqual(['繁體：請攜帶身份證前往窗口辦理。English text', 'too.']);
  expect(lines).toHaveLength(64);
  expect(PrinterSimulator.qrPayloads(sim.jobs[0]!.items)).toEqual([QR]);
}

/** A quick mechanism, the same on both ends: the simulators print at its speed, the facade estimates with it. */
const MECHANISM: PrinterProfile = { ...PROFILE_80MM, speedMmPerSec: 500, cutMs: 50 };
const fast = { replyTimeoutMs: 1000, pollIntervalMs: 20, reconnectIntervalMs: 100, profile: MECHANISM };
const timed = { speedMmPerSec: MECHANISM.speedMmPerSec, cutMs: MECHANISM.cutMs };

describe('encoder → printer facade → real transport → simulator', () => {
  it('over a socat PTY pair with the real serialport binding', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const sim = new PrinterSimulator(timed);
    const ep = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b, baudRate: 115200 }));
    cleanups.push(() => ep.close());
    const printer = new EscPosPrinter({
      transport: new SerialTransport({ path: pair.a, baudRate: 115200 }),
      ...fast,
    });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(printer.status).toEqual({ state: 'online' });
    expect(await printer.print(job())).toEqual({ ok: true, value: undefined });
    expectJob(sim);
  });

  it('over TCP (simulator listening on 127.0.0.1)', async () => {
    const sim = new PrinterSimulator(timed);
    const ep: SimulatorEndpoint = await serveSimulatorTcp(sim, { port: 0 });
    cleanups.push(() => ep.close());
    const printer = new EscPosPrinter({
      transport: new TcpTransport({ host: '127.0.0.1', port: ep.port! }),
      ...fast,
    });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(printer.status).toEqual({ state: 'online' });
    expect(await printer.print(job())).toEqual({ ok: true, value: undefined });
    expectJob(sim);
  });

  it('over the device-file transport (a PTY standing in for /dev/usb/lp0)', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const sim = new PrinterSimulator(timed);
    const ep = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b }));
    cleanups.push(() => ep.close());
    const printer = new EscPosPrinter({ transport: new FileTransport({ path: pair.a, pollMs: 5 }), ...fast });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(await printer.print(job())).toEqual({ ok: true, value: undefined });
    expectJob(sim);
  });

  it('paper out over TCP: refused, nothing printed', async () => {
    const sim = new PrinterSimulator({ scenario: 'paper-out', ...timed });
    const ep = await serveSimulatorTcp(sim, { port: 0 });
    cleanups.push(() => ep.close());
    const printer = new EscPosPrinter({
      transport: new TcpTransport({ host: '127.0.0.1', port: ep.port! }),
      ...fast,
    });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(await printer.print(job())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'paper-end' },
    });
    expect(sim.paper).toEqual([]);
  });

  it('TCP connection reset by the printer → no-device, then reconnects when it is back', async () => {
    const sim = new PrinterSimulator(timed);
    let ep = await serveSimulatorTcp(sim, { port: 0 });
    const port = ep.port!;
    const printer = new EscPosPrinter({ transport: new TcpTransport({ host: '127.0.0.1', port }), ...fast });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(printer.status.state).toBe('online');
    await ep.close();
    await statusReached(printer, 'no-device');
    expect(await printer.print(job())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'no-device' },
    });
    ep = await serveSimulatorTcp(sim, { port });
    cleanups.push(() => ep.close());
    await statusReached(printer, 'online');
    expect(await printer.print(job())).toEqual({ ok: true, value: undefined });
  });

  it('PTY unplugged (socat killed) and replugged at the same paths: no-device then online again', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'booth-printer-'));
    let pair: PtyPair = await createPtyPair({ dir });
    const sim = new PrinterSimulator(timed);
    let ep = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b }));
    // Idle status polls, as the kiosk runs its printer (main/core/real-devices.ts): the hang-up is noticed by the
    // port's read loop or, when that misses it, by the next poll's refused write.
    const printer = new EscPosPrinter({
      transport: new SerialTransport({ path: pair.a }),
      ...fast,
      monitorIntervalMs: 200,
    });
    cleanups.push(() => printer.stop());
    await printer.start();
    expect(printer.status.state).toBe('online');
    await ep.close();
    await pair.close();
    await statusReached(printer, 'no-device');
    pair = await createPtyPair({ dir });
    cleanups.push(() => pair.close());
    ep = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b }));
    cleanups.push(() => ep.close());
    await statusReached(printer, 'online');
    expect(await printer.print(job())).toEqual({ ok: true, value: undefined });
  }, 90_000);
});
