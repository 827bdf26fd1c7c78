import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTransport } from '../transport/memory.js';
import { TransportError } from '../transport/types.js';
import type { DeviceStatus } from '../common/status.js';
import { EscPosEncoder, PROFILE_80MM } from './encoder.js';
import type { PrintJobReport, PrintJobResult } from './printer.js';
import { EscPosPrinter, printFailed, printJobOutcome, printUnknown, printed } from './printer.js';
import type { PrinterProfile } from './profile.js';
import type { SimulatedPrinter, SimulatorOptions } from './simulator.js';
import { PrinterSimulator, createSimulatedPrinter } from './simulator.js';
import { testPage } from './test-page.js';

const fast = { replyTimeoutMs: 300, pollIntervalMs: 10, reconnectIntervalMs: 20 };
/** A very fast mechanism, for tests where the physical time is not the point. */
const QUICK: PrinterProfile = { ...PROFILE_80MM, speedMmPerSec: 600, cutMs: 20 };
let open: SimulatedPrinter[] = [];

async function sim(
  options: SimulatorOptions & { profile?: PrinterProfile; printer?: Record<string, number> } = {},
): Promise<SimulatedPrinter> {
  const s = createSimulatedPrinter({ profile: QUICK, ...options, printer: { ...fast, ...options.printer } });
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
    expect(r).toEqual({ ok: true, value: undefined });
    expect(simulator.jobs).toHaveLength(1);
    expect(PrinterSimulator.textLines(simulator.jobs[0]!.items)[0]).toBe('自助警务舱');
    expect(printer.status).toEqual({ state: 'online' });
  });

  it('refuses a job when paper is out, sending nothing', async () => {
    const { printer, simulator } = await sim({ scenario: 'paper-out' });
    expect(printer.status).toMatchObject({ state: 'error', code: 'paper-end', recovery: 'refill-paper' });
    const r = await printer.print(receipt());
    expect(r).toMatchObject({ ok: false, error: { kind: 'failed', code: 'paper-end' } });
    expect(simulator.paper).toHaveLength(0);
  });

  it('paper running out during a job is failed{paper-end}, never printed', async () => {
    const { printer, simulator } = await sim({ paperDots: 200 });
    const r = await printer.print(receipt(20));
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ ok: false, error: { kind: 'failed', code: 'paper-end' } });
    expect(simulator.jobs).toHaveLength(0);
    expect(printer.condition?.details.stoppedAtPaperEnd).toBe(true);
  });

  it('cover open refuses; closing it lets the job print', async () => {
    const { printer, simulator } = await sim({ scenario: 'cover-open' });
    expect(await printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'cover-open' },
    });
    expect(printer.status).toMatchObject({ code: 'cover-open', recovery: 'close-cover' });
    simulator.coverOpen = false;
    expect(await printer.print(receipt())).toEqual({ ok: true, value: undefined });
  });

  it('offline mid-job → failed{offline}', async () => {
    const { printer, simulator } = await sim({ scenario: 'offline-mid-job', offlineAfterBytes: 40 });
    const r = await printer.print(receipt(10));
    expect(r).toMatchObject({ ok: false, error: { kind: 'failed', code: 'offline' } });
    expect(simulator.jobs).toHaveLength(0);
  });

  it('autocutter error → failed{cutter-error}', async () => {
    const { printer, simulator } = await sim();
    simulator.autocutterError = true;
    expect(await printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'cutter-error' },
    });
    simulator.autocutterError = false;
    simulator.unrecoverableError = true;
    expect(await printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'unrecoverable' },
    });
  });

  it('near end prints and reports near end', async () => {
    const { printer } = await sim({ scenario: 'paper-near-end' });
    expect(await printer.print(receipt())).toEqual({ ok: true, value: undefined });
    expect(printer.condition?.paperNearEnd).toBe(true);
  });

  it('a silent printer: job refused as offline before sending (nothing printed), status offline', async () => {
    const { printer, simulator } = await sim({ scenario: 'silent' });
    expect(printer.status).toMatchObject({ state: 'offline' });
    const r = await printer.print(receipt());
    expect(r).toMatchObject({ ok: false, error: { kind: 'failed', code: 'offline' } });
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
    expect(r).toMatchObject({ ok: false, error: { kind: 'unknown', code: 'timeout' } });
    expect(printer.status).toMatchObject({ state: 'offline' });
  });

  it('a slow printer within the reply timeout still prints', async () => {
    const { printer } = await sim({ scenario: 'slow', replyDelayMs: 20 });
    expect(await printer.print(receipt())).toEqual({ ok: true, value: undefined });
  });

  it('a slow printer beyond the reply timeout is never reported printed', async () => {
    const s = createSimulatedPrinter({
      scenario: 'slow',
      replyDelayMs: 150,
      profile: QUICK,
      printer: { ...fast, replyTimeoutMs: 50 },
    });
    open.push(s);
    await s.printer.start();
    const r = await s.printer.print(receipt());
    expect(r.ok).toBe(false);
  });

  it('garbage status bytes → typed error, failed{io}, no crash', async () => {
    const [host, device] = MemoryTransport.pair();
    await device.open();
    device.onData(() => void device.write(Uint8Array.of(0xff)));
    const printer = new EscPosPrinter({ transport: host, ...fast });
    await printer.start();
    expect(printer.status).toMatchObject({ state: 'error', code: 'invalid-status-byte' });
    expect(await printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'io' },
    });
    await printer.stop();
  });

  it('concurrent prints are serialised by the lock', async () => {
    const { printer, simulator } = await sim();
    const results = await Promise.all([
      printer.print(receipt(1)),
      printer.print(receipt(2)),
      printer.queryCondition(),
    ]);
    expect(results[0]).toEqual({ ok: true, value: undefined });
    expect(results[1]).toEqual({ ok: true, value: undefined });
    expect(simulator.jobs.map((j) => PrinterSimulator.textLines(j.items).length)).toEqual([2, 3]);
  });

  it('cable pulled: no-device, job fails as no-device, reconnects when it comes back', async () => {
    const s = await sim();
    const statuses: DeviceStatus[] = [];
    s.printer.on('status', (st) => statuses.push(st));
    s.hostTransport.unplug();
    expect(s.printer.status).toMatchObject({ state: 'no-device' });
    expect(await s.printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'no-device' },
    });
    s.hostTransport.replug();
    await until(() => s.printer.status.state === 'online');
    expect(await s.printer.print(receipt())).toEqual({ ok: true, value: undefined });
    expect(statuses.map((x) => x.state)).toContain('no-device');
  });

  it('a port that refuses writes but never reports closing is taken as unplugged, and reopened', async () => {
    // A serial port notices a hang-up only in its read loop, which can miss it: the writes fail (EIO) instead.
    const s = await sim({ printer: { monitorIntervalMs: 20 } });
    const host = s.hostTransport;
    const write = host.write.bind(host);
    let refuse = true;
    host.write = async (bytes) => {
      if (refuse) throw new TransportError('io', 'EIO: i/o error, write');
      return write(bytes);
    };
    await until(() => s.printer.status.state === 'no-device');
    expect(host.isOpen).toBe(false);
    expect(s.printer.status).toMatchObject({ state: 'no-device', reason: expect.stringContaining('EIO') });
    refuse = false;
    await until(() => s.printer.status.state === 'online');
    expect(await s.printer.print(receipt())).toEqual({ ok: true, value: undefined });
    // The same when a job finds the port dead: refused as no-device, nothing printed, and the port reopened.
    refuse = true;
    expect(await s.printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'no-device' },
    });
    await until(() => s.printer.status.state === 'no-device');
    refuse = false;
    await until(() => s.printer.status.state === 'online');
    expect(s.simulator.jobs).toHaveLength(1);
  });

  it('cable pulled while the job is being sent → unknown{connection-lost}, never printed', async () => {
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
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ ok: false, error: { kind: 'unknown', code: 'connection-lost' } });
  });

  it('print before start → failed{no-device}', async () => {
    const [host] = MemoryTransport.pair();
    const printer = new EscPosPrinter({ transport: host });
    expect(await printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'no-device' },
    });
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

/** Prints and records when the simulator cut the paper, when the facade decided, and the facade's report. */
async function timedPrint(
  s: SimulatedPrinter,
  job: Uint8Array,
): Promise<{
  result: PrintJobResult;
  cutAt: number | null;
  decidedAt: number;
  report: PrintJobReport | null;
}> {
  let cutAt: number | null = null;
  let report: PrintJobReport | null = null;
  const offCut = s.simulator.on('cut', () => (cutAt = performance.now()));
  const offJob = s.printer.on('job', (r) => (report = r));
  const result = await s.printer.print(job);
  const decidedAt = performance.now();
  offCut();
  offJob();
  return { result, cutAt, decidedAt, report };
}

describe('EscPosPrinter: "printed" means the paper came out', () => {
  // The simulator's mechanism runs at the profile's speed: an 80 mm test page is 91.5 mm plus a cut.
  const REAL: PrinterProfile = PROFILE_80MM;

  it('a test page at 150 mm/s is decided only after the simulator has printed and cut it', async () => {
    const s = await sim({ profile: REAL, printer: { pollIntervalMs: 100 } });
    const page = testPage(REAL);
    const { result, cutAt, decidedAt, report } = await timedPrint(s, page);
    expect(result).toEqual({ ok: true, value: undefined });
    expect(cutAt).not.toBeNull();
    expect(decidedAt).toBeGreaterThanOrEqual(cutAt!);
    // The host's estimate from the bytes is the paper the simulated mechanism actually used.
    expect(report!.estimate.paperDots).toBe(400_000 - s.simulator.paperLeft);
    expect(report!.confirmation).toBe('status');
    expect(s.printer.status).toEqual({ state: 'online' });
  });

  it('paper running out 0.45 s into the page → failed{paper-end}; the rest of the page is lost', async () => {
    // 0.45 s at 150 mm/s is 67.5 mm = 540 dots of paper.
    const s = await sim({ profile: REAL, paperDots: 540, printer: { pollIntervalMs: 100 } });
    let lost = 0;
    s.simulator.on('lost', (n) => (lost += n));
    const { result, cutAt } = await timedPrint(s, testPage(REAL));
    expect(result).toMatchObject({ ok: false, error: { kind: 'failed', code: 'paper-end' } });
    expect(cutAt).toBeNull();
    expect(s.simulator.jobs).toHaveLength(0);
    expect(PrinterSimulator.textLines(s.simulator.paper).length).toBeGreaterThan(3);
    expect(lost).toBeGreaterThan(0);
    expect(s.printer.status).toMatchObject({ state: 'error', code: 'paper-end' });
  });

  it('paper out while printing is reported as soon as a poll sees it, not only at the end', async () => {
    const long = new EscPosEncoder(REAL).init();
    for (let i = 0; i < 80; i++) long.line(`第 ${i} 行`); // 80 × 3.75 mm = 300 mm ≈ 2 s
    const s = await sim({ profile: REAL, paperDots: 200, printer: { pollIntervalMs: 50 } });
    const { result, report } = await timedPrint(s, long.cut().encode().bytes);
    expect(result).toMatchObject({ ok: false, error: { kind: 'failed', code: 'paper-end' } });
    expect(report!.decisionMs).toBeLessThan(report!.estimate.ms);
  });

  it('GS r confirmation: printed once the printer reaches the end of the job', async () => {
    const s = await sim({ profile: { ...REAL, confirm: 'gs-r' }, printer: { pollIntervalMs: 100 } });
    const { result, cutAt, decidedAt, report } = await timedPrint(s, testPage(REAL));
    expect(result).toEqual({ ok: true, value: undefined });
    expect(report!.confirmation).toBe('gs-r');
    expect(decidedAt).toBeGreaterThanOrEqual(cutAt!);
    // The GS r reply was taken by the job, not left to be misread as a status reply.
    expect(await s.printer.queryCondition()).toMatchObject({ ok: true, value: { online: true } });
  });

  it('GS r confirmation with paper running out → failed{paper-end}, never printed', async () => {
    const s = await sim({
      profile: { ...REAL, confirm: 'gs-r' },
      paperDots: 300,
      printer: { pollIntervalMs: 100 },
    });
    expect(await s.printer.print(testPage(REAL))).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'paper-end' },
    });
  });

  it('GS r confirmation on a printer that never answers GS r → unknown{not-confirmed}', async () => {
    const s = await sim({
      profile: { ...QUICK, confirm: 'gs-r' },
      answersGsR: false,
      printer: { confirmGraceMs: 50 },
    });
    expect(await s.printer.print(receipt())).toMatchObject({
      ok: false,
      error: { kind: 'unknown', code: 'not-confirmed' },
    });
    expect(s.simulator.jobs).toHaveLength(1);
  });

  it('the connection dropping while the paper comes out → unknown{connection-lost}, not timeout', async () => {
    const s = await sim({ profile: REAL, printer: { pollIntervalMs: 100 } });
    s.simulator.on('data', (n) => {
      if (n > 100) setTimeout(() => s.hostTransport.unplug(), 150);
    });
    const { result } = await timedPrint(s, testPage(REAL));
    expect(result).toMatchObject({ ok: false, error: { kind: 'unknown', code: 'connection-lost' } });
    expect(s.printer.status).toMatchObject({ state: 'no-device' });
  });
});

describe('EscPosPrinter with a device that is not the simulator', () => {
  /** Answers every DLE EOT with `reply(n)` (null = silence), and can hold replies back for a while. */
  async function device(
    reply: (n: number) => number | null,
    options: { holdAfterJobMs?: number } = {},
  ): Promise<{ printer: EscPosPrinter; close: () => Promise<void> }> {
    const [host, dev] = MemoryTransport.pair();
    await dev.open();
    let pending = new Uint8Array(0);
    let holdUntil = 0;
    dev.onData((chunk) => {
      const all = new Uint8Array(pending.length + chunk.length);
      all.set(pending);
      all.set(chunk, pending.length);
      let i = 0;
      for (; i + 2 < all.length; i++) {
        if (all[i] !== 0x10 || all[i + 1] !== 0x04) continue;
        const b = reply(all[i + 2]!);
        const wait = holdUntil - performance.now();
        if (b !== null) setTimeout(() => void dev.write(Uint8Array.of(b)), Math.max(0, wait));
        i += 2;
      }
      if (chunk.length > 16 && options.holdAfterJobMs) holdUntil = performance.now() + options.holdAfterJobMs;
      pending = all.slice(Math.max(i, all.length - 2));
    });
    const printer = new EscPosPrinter({
      transport: host,
      profile: { ...QUICK, speedMmPerSec: 300 },
      ...fast,
    });
    await printer.start();
    return { printer, close: () => printer.stop() };
  }

  it('a clone leaving the fixed bits unset is still answering: online with a warning, and prints', async () => {
    const d = await device(() => 0x00);
    try {
      expect(d.printer.status).toEqual({ state: 'online', warning: 'status-fixed-bits' });
      expect(await d.printer.print(receipt())).toEqual({ ok: true, value: undefined });
      expect(d.printer.condition?.nonStandardFixedBits).toBe(true);
    } finally {
      await d.close();
    }
  });

  it("a clone's paper-end bits are read without the fixed bits", async () => {
    // n=1 offline (bit 3), n=2 stopped at paper end (bit 5), n=4 paper end (bits 5–6): no bit 1 or 4 anywhere.
    const d = await device((n) => ({ 1: 0x08, 2: 0x20, 3: 0x00, 4: 0x60 })[n] ?? null);
    try {
      expect(d.printer.status).toMatchObject({
        state: 'error',
        code: 'paper-end',
        warning: 'status-fixed-bits',
      });
      expect(await d.printer.print(receipt())).toMatchObject({
        ok: false,
        error: { kind: 'failed', code: 'paper-end' },
      });
    } finally {
      await d.close();
    }
  });

  it('a printer that holds status replies while it takes in a job is not reported as silent', async () => {
    // Replies held 600 ms after the job arrives (its input buffer full), beyond the 300 ms reply timeout.
    const d = await device(() => 0x12, { holdAfterJobMs: 600 });
    try {
      const long = new EscPosEncoder(QUICK).init();
      for (let i = 0; i < 60; i++) long.line(`line ${i}`); // 225 mm at 300 mm/s: 750 ms
      const r = await d.printer.print(long.cut().encode().bytes);
      expect(r).toEqual({ ok: true, value: undefined });
    } finally {
      await d.close();
    }
  });
});

describe('print job results', () => {
  it('are the one Result: printed is ok, failed and unknown are errors whose code is the reason', () => {
    expect(printed).toStrictEqual({ ok: true, value: undefined });
    expect(printFailed('paper-end')).toStrictEqual({
      ok: false,
      error: { kind: 'failed', code: 'paper-end' },
    });
    expect(printUnknown('timeout', 'no answer')).toStrictEqual({
      ok: false,
      error: { kind: 'unknown', code: 'timeout', message: 'no answer' },
    });
  });

  it('name their outcome for the screens and the audit log as before', () => {
    expect(printJobOutcome(printed)).toStrictEqual({ outcome: 'printed', reason: null });
    expect(printJobOutcome(printFailed('cover-open', 'open'))).toStrictEqual({
      outcome: 'failed',
      reason: 'cover-open',
    });
    expect(printJobOutcome(printUnknown('connection-lost'))).toStrictEqual({
      outcome: 'unknown',
      reason: 'connection-lost',
    });
  });
});
