import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTransport } from '../transport/memory.js';
import type { DeviceStatus } from '../common/status.js';
import { EscPosEncoder, PROFILE_80MM } from './encoder.js';
import { EscPosPrinter } from './printer.js';
import type { SimulatedPrinter, SimulatorOptions } from './simulator.js';
import { PrinterSimulator, createSimulatedPrinter } from './simulator.js';

const fast = { replyTimeoutMs: 300, pollIntervalMs: 10, drainMs: () => 30, reconnectIntervalMs: 20 };
let open: SimulatedPrinter[] = [];

async function sim(options: SimulatorOptions = {}): Promise<SimulatedPrinter> {
  const s = createSimulatedPrinter({ ...options, printer: fast });
  open.push(s);
  await s.printer.start();
  return s;
}

afterEach(async () => {
  for (const s of open) await s.close();
  open = [];
});

function receipt(lines = 3): Uint8Array {
  const e = new EscPosEncoder(PROFILE_80MM)
    .init()
    .align('center')
    .bold(true)
    .line('自助警务舱')
    .bold(false)
    .align('left');
  for (let i = 0; i < lines; i++) e.row(`项目 ${i}`, '已受理');
  return e.qr('https://example.invalid/p/1').cut().encode().bytes;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('EscPosPrinter over the simulator', () => {
  it('starts online and reads the condition', async () => {
    const { printer } = await sim();
    expect(printer.status).toEqual({ state: 'online' });
    const c = await printer.queryCondition();
    expect(c.ok && c.value).toMatchObject({ online: true, paperEnd: false, coverOpen: false });
  });

  it('prints a job and the simulator has it on paper', async () => {
    const { printer, simulator } = await sim();
    const r = await printer.print(receipt());
    expect(r).toEqual({ outcome: 'printed' });
    expect(simulator.jobs).toHaveLength(1);
    expect(PrinterSimulator.textLines(simulator.jobs[0]!.items)[0]).toBe('自助警务舱');
    expect(printer.status).toEqual({ state: 'online' });
  });

  it('refuses a job when paper is out, sending nothing', async () => {
    const { printer, simulator } = await sim({ scenario: 'paper-out' });
    expect(printer.status).toMatchObject({ state: 'error', code: 'paper-end', recovery: 'refill-paper' });
    const r = await printer.print(receipt());
    expect(r).toMatchObject({ outcome: 'failed', reason: 'paper-end' });
    expect(simulator.paper).toHaveLength(0);
  });

  it('paper running out during a job is failed{paper-end}, never printed', async () => {
    const { printer, simulator } = await sim({ paperDots: 200 });
    const r = await printer.print(receipt(20));
    expect(r.outcome).not.toBe('printed');
    expect(r).toMatchObject({ outcome: 'failed', reason: 'paper-end' });
    expect(simulator.jobs).toHaveLength(0);
    expect(printer.condition?.details.stoppedAtPaperEnd).toBe(true);
  });

  it('cover open refuses; closing it lets the job print', async () => {
    const { printer, simulator } = await sim({ scenario: 'cover-open' });
    expect(await printer.print(receipt())).toMatchObject({ outcome: 'failed', reason: 'cover-open' });
    expect(printer.status).toMatchObject({ code: 'cover-open', recovery: 'close-cover' });
    simulator.coverOpen = false;
    expect(await printer.print(receipt())).toEqual({ outcome: 'printed' });
  });

  it('offline mid-job → failed{offline}', async () => {
    const { printer, simulator } = await sim({ scenario: 'offline-mid-job', offlineAfterBytes: 40 });
    const r = await printer.print(receipt(10));
    expect(r).toMatchObject({ outcome: 'failed', reason: 'offline' });
    expect(simulator.jobs).toHaveLength(0);
  });

  it('autocutter error → failed{cutter-error}', async () => {
    const { printer, simulator } = await sim();
    simulator.autocutterError = true;
    expect(await printer.print(receipt())).toMatchObject({ outcome: 'failed', reason: 'cutter-error' });
    simulator.autocutterError = false;
    simulator.unrecoverableError = true;
    expect(await printer.print(receipt())).toMatchObject({ outcome: 'failed', reason: 'unrecoverable' });
  });

  it('near end prints and reports near end', async () => {
    const { printer } = await sim({ scenario: 'paper-near-end' });
    expect(await printer.print(receipt())).toEqual({ outcome: 'printed' });
    expect(printer.condition?.paperNearEnd).toBe(true);
  });

  it('a silent printer: job refused as offline before sending (nothing printed), status offline', async () => {
    const { printer, simulator } = await sim({ scenario: 'silent' });
    expect(printer.status).toMatchObject({ state: 'offline' });
    const r = await printer.print(receipt());
    expect(r).toMatchObject({ outcome: 'failed', reason: 'offline' });
    expect(simulator.paper).toHaveLength(0);
  });

  it('a printer that goes silent after the job was sent → unknown{timeout}', async () => {
    const { printer, simulator } = await sim();
    let requests = 0;
    simulator.on('status-request', () => {
      requests += 1;
      if (requests === 5) simulator.silent = true; // answers the 4 pre-check requests, then nothing
    });
    const r = await printer.print(receipt());
    expect(r).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    expect(printer.status).toMatchObject({ state: 'offline' });
  });

  it('a slow printer within the reply timeout still prints', async () => {
    const { printer } = await sim({ scenario: 'slow', replyDelayMs: 20 });
    expect(await printer.print(receipt())).toEqual({ outcome: 'printed' });
  });

  it('a slow printer beyond the reply timeout is never reported printed', async () => {
    const s = createSimulatedPrinter({
      scenario: 'slow',
      replyDelayMs: 150,
      printer: { ...fast, replyTimeoutMs: 50 },
    });
    open.push(s);
    await s.printer.start();
    const r = await s.printer.print(receipt());
    expect(r.outcome).not.toBe('printed');
  });

  it('garbage status bytes → typed error, failed{io}, no crash', async () => {
    const [host, device] = MemoryTransport.pair();
    await device.open();
    device.onData(() => void device.write(Uint8Array.of(0xff)));
    const printer = new EscPosPrinter({ transport: host, ...fast });
    await printer.start();
    expect(printer.status).toMatchObject({ state: 'error', code: 'invalid-status-byte' });
    expect(await printer.print(receipt())).toMatchObject({ outcome: 'failed', reason: 'io' });
    await printer.stop();
  });

  it('concurrent prints are serialised by the lock', async () => {
    const { printer, simulator } = await sim();
    const results = await Promise.all([
      printer.print(receipt(1)),
      printer.print(receipt(2)),
      printer.queryCondition(),
    ]);
    expect(results[0]).toEqual({ outcome: 'printed' });
    expect(results[1]).toEqual({ outcome: 'printed' });
    expect(simulator.jobs.map((j) => PrinterSimulator.textLines(j.items).length)).toEqual([2, 3]);
  });

  it('cable pulled: no-device, job fails as no-device, reconnects when it comes back', async () => {
    const s = await sim();
    const statuses: DeviceStatus[] = [];
    s.printer.on('status', (st) => statuses.push(st));
    s.hostTransport.unplug();
    expect(s.printer.status).toMatchObject({ state: 'no-device' });
    expect(await s.printer.print(receipt())).toMatchObject({ outcome: 'failed', reason: 'no-device' });
    s.hostTransport.replug();
    await until(() => s.printer.status.state === 'online');
    expect(await s.printer.print(receipt())).toEqual({ outcome: 'printed' });
    expect(statuses.map((x) => x.state)).toContain('no-device');
  });

  it('cable pulled mid-job → a typed failure, never printed', async () => {
    const s = await sim();
    let writes = 0;
    s.simulator.onOutput(() => undefined);
    const off = s.deviceTransport.onData(() => {
      writes += 1;
      if (writes === 5) s.hostTransport.unplug(); // after the 4 status requests, during the job
    });
    const big = new EscPosEncoder().init();
    for (let i = 0; i < 400; i++) big.line(`第 ${i} 行 line`);
    const r = await s.printer.print(big.cut().encode().bytes);
    off();
    expect(r.outcome).not.toBe('printed');
    expect(r).toMatchObject({ outcome: 'failed', reason: 'no-device' });
  });

  it('print before start → failed{no-device}', async () => {
    const [host] = MemoryTransport.pair();
    const printer = new EscPosPrinter({ transport: host });
    expect(await printer.print(receipt())).toMatchObject({ outcome: 'failed', reason: 'no-device' });
  });

  it('start with an absent device reports no-device and retries until present', async () => {
    const [host, device] = MemoryTransport.pair();
    const simulator = new PrinterSimulator();
    await device.open();
    simulator.attach(device);
    host.unplugged = true;
    const printer = new EscPosPrinter({ transport: host, ...fast });
    await printer.start();
    expect(printer.status).toMatchObject({ state: 'no-device' });
    host.replug();
    await until(() => printer.status.state === 'online');
    await printer.stop();
  });

  it('monitoring follows the printer while idle', async () => {
    const s = createSimulatedPrinter({ printer: { ...fast, monitorIntervalMs: 10 } });
    open.push(s);
    await s.printer.start();
    s.simulator.coverOpen = true;
    await until(() => s.printer.status.state === 'error');
    expect(s.printer.status).toMatchObject({ code: 'cover-open' });
    s.simulator.coverOpen = false;
    await until(() => s.printer.status.state === 'online');
  });
});
