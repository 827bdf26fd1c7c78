/**
 * The printer facade against an independent fake printer — not the project's simulator: a few lines here that
 * take bytes from a socat PTY (through `serialport` directly) or a TCP socket, answer DLE EOT the way a given
 * printer does (standard bits, or a clone's without the fixed bits), print every job for a fixed physical time
 * from its first byte, and can run out of paper at a given moment or reset the connection mid-job.
 */
import net from 'node:net';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrintJobReport, PrintJobResult } from '../../drivers/printer/printer.js';
import { EscPosPrinter } from '../../drivers/printer/printer.js';
import type { PrinterProfile } from '../../drivers/printer/profile.js';
import { PROFILE_58MM } from '../../drivers/printer/profile.js';
import { testPage } from '../../drivers/printer/test-page.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { TcpTransport } from '../../drivers/transport/tcp.js';
import { runCli } from '../../main/cli/main.js';
import { createRealDevices } from '../../main/core/real-devices.js';
import { receiptDataSchema } from '../../domain/documents/receipt-data.js';
import { encodeReceipt } from '../../main/services/documents/receipt-escpos.js';
import { fixture } from '../../domain/documents/test-support.js';
import { createPtyPair } from '../support/socat.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface FakeOptions {
  /** How long any job takes to come out, from its first byte (the test states the physics). */
  readonly jobMs: number;
  /** The paper ends this long after the first job byte: from then on status says so and printing stops. */
  readonly paperOutAtMs?: number;
  /** Status bytes without the fixed bits (bits 1 and 4 left at 0), as some clones send them. */
  readonly clone?: boolean;
  /** Answers GS r 1 (with 0x00) once the job has come out. */
  readonly answersGsR?: boolean;
  /** Resets the connection after this many job bytes (TCP). */
  readonly dropAfterJobBytes?: number;
}

/** The printer end: bytes in, reply bytes out through `send`; `drop` cuts the connection. */
class FakePrinter {
  firstJobByteAt: number | null = null;
  jobBytes = 0;
  statusRequests = 0;
  private pending: number[] = [];
  private lastTwo: [number, number] = [0, 0];

  constructor(
    private readonly options: FakeOptions,
    private readonly send: (byte: number) => void,
    private readonly drop: () => void,
  ) {}

  get paperOut(): boolean {
    const at = this.options.paperOutAtMs;
    return at !== undefined && this.firstJobByteAt !== null && performance.now() - this.firstJobByteAt >= at;
  }

  feed(chunk: Uint8Array): void {
    for (const b of chunk) {
      this.pending.push(b);
      if (this.pending[0] === 0x10) {
        if (this.pending.length < 3) continue;
        if (this.pending[1] === 0x04) {
          this.answer(this.pending[2]!);
          this.pending = [];
          continue;
        }
      }
      for (const j of this.pending.splice(0)) this.jobByte(j);
    }
  }

  private answer(n: number): void {
    this.statusRequests += 1;
    const out = this.paperOut;
    // n=1 bit 3 offline, n=2 bit 5 stopped at paper end, n=4 bits 5–6 paper end.
    const bits = (
      { 1: out ? 0x08 : 0, 2: out ? 0x20 : 0, 3: 0, 4: out ? 0x6c : 0 } as Record<number, number>
    )[n];
    if (bits === undefined) return;
    this.send(this.options.clone ? bits : bits | 0x12);
  }

  private jobByte(b: number): void {
    if (this.firstJobByteAt === null) this.firstJobByteAt = performance.now();
    this.jobBytes += 1;
    if (this.lastTwo[0] === 0x1d && this.lastTwo[1] === 0x72 && b === 0x01 && this.options.answersGsR) {
      const due = this.firstJobByteAt + this.options.jobMs - performance.now();
      setTimeout(
        () => {
          if (!this.paperOut) this.send(0x00);
        },
        Math.max(0, due),
      );
    }
    this.lastTwo = [this.lastTwo[1], b];
    if (this.options.dropAfterJobBytes !== undefined && this.jobBytes === this.options.dropAfterJobBytes)
      this.drop();
  }
}

/** A fake printer on the far end of a socat PTY pair; returns the host end's path. */
async function fakeOnPty(options: FakeOptions): Promise<{ path: string; fake: FakePrinter }> {
  const pair = await createPtyPair();
  cleanups.push(() => pair.close());
  const port = new SerialPort({ path: pair.b, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  cleanups.push(() => new Promise<void>((resolve) => port.close(() => resolve())));
  const fake = new FakePrinter(
    options,
    (b) => port.write(Buffer.of(b)),
    () => port.close(),
  );
  port.on('data', (chunk: Buffer) => fake.feed(chunk));
  return { path: pair.a, fake };
}

/** A fake network printer on 127.0.0.1 (one connection at a time); returns its port. */
async function fakeOnTcp(options: FakeOptions): Promise<{ port: number; fakes: FakePrinter[] }> {
  const fakes: FakePrinter[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const fake = new FakePrinter(
      options,
      (b) => {
        if (!socket.destroyed) socket.write(Buffer.of(b));
      },
      () => socket.resetAndDestroy(),
    );
    fakes.push(fake);
    socket.on('data', (chunk) => fake.feed(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, fakes };
}

/** A facade on `transport`, started; prints `job` and says when it decided, relative to the fake's first byte. */
async function printWith(
  printer: EscPosPrinter,
  fake: () => FakePrinter | undefined,
  job: Uint8Array,
): Promise<{ result: PrintJobResult; afterFirstByteMs: number; report: PrintJobReport | null }> {
  cleanups.push(() => printer.stop());
  await printer.start();
  let report: PrintJobReport | null = null;
  printer.on('job', (r) => (report = r));
  const result = await printer.print(job);
  const first = fake()?.firstJobByteAt ?? performance.now();
  return { result, afterFirstByteMs: performance.now() - first, report };
}

// The 58 mm test page is 106.5 mm of paper: 710 ms at 150 mm/s, plus the cut.
const PAGE_PROFILE: PrinterProfile = { ...PROFILE_58MM, speedMmPerSec: 150 };
const PAGE_MS = 710;
const serialPrinter = (path: string, profile: PrinterProfile = PAGE_PROFILE): EscPosPrinter =>
  new EscPosPrinter({
    transport: new SerialTransport({ path, baudRate: 115200 }),
    profile,
    replyTimeoutMs: 500,
    pollIntervalMs: 100,
  });

describe('printer facade vs an independent fake printer on a PTY', () => {
  it('paper running out 0.45 s into a 107 mm test page is failed{paper-end}, never printed', async () => {
    const { path, fake } = await fakeOnPty({ jobMs: PAGE_MS, paperOutAtMs: 450 });
    const { result } = await printWith(serialPrinter(path), () => fake, testPage(PAGE_PROFILE));
    expect(result).toMatchObject({ ok: false, error: { kind: 'failed', code: 'paper-end' } });
  });

  it('a page that comes out fine is printed only after it has come out', async () => {
    const { path, fake } = await fakeOnPty({ jobMs: PAGE_MS });
    const { result, afterFirstByteMs } = await printWith(
      serialPrinter(path),
      () => fake,
      testPage(PAGE_PROFILE),
    );
    expect(result).toEqual({ ok: true, value: undefined });
    expect(afterFirstByteMs).toBeGreaterThanOrEqual(PAGE_MS);
  });

  it('a clone leaving the fixed bits unset is answering: printed after the page, with the warning', async () => {
    const { path, fake } = await fakeOnPty({ jobMs: PAGE_MS, clone: true });
    const printer = serialPrinter(path);
    const { result, afterFirstByteMs } = await printWith(printer, () => fake, testPage(PAGE_PROFILE));
    expect(result).toEqual({ ok: true, value: undefined });
    expect(afterFirstByteMs).toBeGreaterThanOrEqual(PAGE_MS);
    expect(printer.status).toEqual({ state: 'online', warning: 'status-fixed-bits' });
  });

  it('a clone running out of paper 0.45 s in: its paper-end bits are read, failed{paper-end}', async () => {
    const { path, fake } = await fakeOnPty({ jobMs: PAGE_MS, paperOutAtMs: 450, clone: true });
    const printer = serialPrinter(path);
    const { result } = await printWith(printer, () => fake, testPage(PAGE_PROFILE));
    expect(result).toMatchObject({ ok: false, error: { kind: 'failed', code: 'paper-end' } });
    expect(printer.status).toMatchObject({ state: 'error', code: 'paper-end', warning: 'status-fixed-bits' });
  });

  it('GS r confirmation: printed when the printer answers GS r at the end of the page', async () => {
    const { path, fake } = await fakeOnPty({ jobMs: PAGE_MS, answersGsR: true });
    const { result, afterFirstByteMs, report } = await printWith(
      serialPrinter(path, { ...PAGE_PROFILE, confirm: 'gs-r' }),
      () => fake,
      testPage(PAGE_PROFILE),
    );
    expect(result).toEqual({ ok: true, value: undefined });
    expect(report?.confirmation).toBe('gs-r');
    expect(afterFirstByteMs).toBeGreaterThanOrEqual(PAGE_MS);
  });

  it('GS r confirmation asked of a clone falls back to status confirmation (its replies cannot be told apart)', async () => {
    const { path, fake } = await fakeOnPty({ jobMs: PAGE_MS, clone: true, answersGsR: true });
    const { result, report } = await printWith(
      serialPrinter(path, { ...PAGE_PROFILE, confirm: 'gs-r' }),
      () => fake,
      testPage(PAGE_PROFILE),
    );
    expect(result).toEqual({ ok: true, value: undefined });
    expect(report?.confirmation).toBe('status');
  });
});

// The documents' zh-CN receipt: three services, a QR code, the demonstration marking; about 176 mm of paper.
const receipt = receiptDataSchema.parse(fixture('receipt.zh-CN'));

describe('printer facade vs an independent fake network printer', () => {
  it("through the kiosk's printer: a receipt with a QR code, paper out at 0.6 s → failed{paper-end}", async () => {
    // The receipt takes about 1.2 s to come out at 150 mm/s; the roll ends at 0.6 s.
    const { port, fakes } = await fakeOnTcp({ jobMs: 1200, paperOutAtMs: 600 });
    const set = createRealDevices(
      { idCard: null, printer: { kind: 'tcp', host: '127.0.0.1', port }, scanner: null },
      { monitorIntervalMs: 60_000 },
    );
    cleanups.push(() => set.stop());
    await set.start();
    const bytes = encodeReceipt(receipt, set.printer.profile).bytes;
    expect(await set.printer.print(bytes)).toMatchObject({
      ok: false,
      error: { kind: 'failed', code: 'paper-end' },
    });
    expect(fakes.at(-1)?.jobBytes).toBe(bytes.length);
  });

  it('the printer resetting the connection mid-job → unknown{connection-lost}, not timeout', async () => {
    const { port, fakes } = await fakeOnTcp({ jobMs: PAGE_MS, dropAfterJobBytes: 200 });
    const printer = new EscPosPrinter({
      transport: new TcpTransport({ host: '127.0.0.1', port }),
      profile: PAGE_PROFILE,
      replyTimeoutMs: 500,
      pollIntervalMs: 100,
      reconnectIntervalMs: 60_000,
    });
    const { result } = await printWith(printer, () => fakes.at(-1), testPage(PAGE_PROFILE));
    expect(result).toMatchObject({ ok: false, error: { kind: 'unknown', code: 'connection-lost' } });
  });

  it('booth printer test: paper out partway is "not printed: paper-end" (exit 1)', async () => {
    const { port } = await fakeOnTcp({ jobMs: PAGE_MS, paperOutAtMs: 450 });
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['printer', 'test', '--tcp', `127.0.0.1:${port}`, '--width', '58', '--speed', '150'],
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        env: {},
        signal: new AbortController().signal,
      },
    );
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(/not printed: paper-end/);
  });

  it('booth printer test on a fine clone: printed, and status shows the warning', async () => {
    const { port } = await fakeOnTcp({ jobMs: PAGE_MS, clone: true });
    const io = (): { out: string[]; io: Parameters<typeof runCli>[1] } => {
      const out: string[] = [];
      return {
        out,
        io: {
          stdout: (t) => out.push(t),
          stderr: (t) => out.push(t),
          env: {},
          signal: new AbortController().signal,
        },
      };
    };
    const t = io();
    expect(await runCli(['printer', 'test', '--tcp', `127.0.0.1:${port}`, '--width', '58'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/test page printed .*106\.5 mm of paper, confirmed by status/);
    const s = io();
    expect(await runCli(['printer', 'status', '--tcp', `127.0.0.1:${port}`], s.io)).toBe(0);
    expect(s.out.join('')).toMatch(/warning: +status reply with non-standard fixed bits/);
  });
});
