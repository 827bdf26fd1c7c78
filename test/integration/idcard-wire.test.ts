/**
 * The ID card reader facade and `booth idcard read` against an independent fake SAM reader (written here from
 * the protocol, not the project's simulator) on socat PTY pairs: slow baud rates with the card's radio time,
 * fingerprint reads, answers cut into fragments, false preambles and stale partial frames followed by the real
 * answer in the same burst, corrupt answers that a retry cures, and ones that persist.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SamIdCardReader } from '../../drivers/id-card/reader.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import type { ByteTransport } from '../../drivers/transport/types.js';
import { runCli } from '../../main/cli/main.js';
import { createPtyPair, type PtyPair } from '../support/socat.js';

// ---------------------------------------------------------------------------------------------------------
// An independent fake reader: frames built and parsed here, paced at the line's baud rate.

const PREAMBLE = [0xaa, 0xaa, 0xaa, 0x96, 0x69];

/** A reader answer: preamble, LEN (body + CHK), SW1 SW2 SW3, data, XOR of everything after the preamble. */
function answer(sw3: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const len = 3 + data.length + 1;
  const out = new Uint8Array(7 + len);
  out.set(PREAMBLE, 0);
  out[5] = len >> 8;
  out[6] = len & 0xff;
  out[9] = sw3;
  out.set(data, 10);
  let chk = 0;
  for (let i = 5; i < out.length - 1; i++) chk ^= out[i] ?? 0;
  out[out.length - 1] = chk;
  return out;
}

/** A 256-byte UCS-2LE text block, every field padded with spaces. */
function textBlock(
  fields: ReadonlyArray<readonly [offset: number, chars: number, value: string]>,
): Uint8Array {
  const block = new Uint8Array(256);
  for (let i = 0; i < 256; i += 2) block[i] = 0x20;
  for (const [offset, chars, value] of fields) {
    const units = value.padEnd(chars, ' ').slice(0, chars);
    for (let i = 0; i < chars; i++) {
      const code = units.charCodeAt(i);
      block[offset + i * 2] = code & 0xff;
      block[offset + i * 2 + 1] = code >> 8;
    }
  }
  return block;
}

const RESIDENT = textBlock([
  [0, 15, '赵六'],
  [30, 1, '2'],
  [32, 2, '01'],
  [36, 8, '19900307'],
  [52, 35, '广东省深圳市福田区福华一路1号'],
  [122, 18, '440304199003070026'],
  [158, 15, '深圳市公安局福田分局'],
  [188, 8, '20200101'],
  [204, 8, '20400101'],
  [248, 1, ' '],
]);
/** The same card with the last digit of the ID number changed: the check digit is then wrong. */
const RESIDENT_BAD_CHECK = textBlock([
  [0, 15, '赵六'],
  [30, 1, '2'],
  [36, 8, '19900307'],
  [122, 18, '440304199003070029'],
  [188, 8, '20200101'],
  [204, 8, '20400101'],
  [248, 1, ' '],
]);
/** The old foreigner permanent residence permit: a 15-character permit number without a check digit. */
const OLD_FOREIGNER = textBlock([
  [0, 60, 'SMITH, JOHN'],
  [120, 1, '1'],
  [122, 15, 'USA110079061501'],
  [152, 3, 'USA'],
  [158, 15, '约翰'],
  [188, 8, '20150601'],
  [204, 8, '20250601'],
  [220, 8, '19790615'],
  [236, 2, '01'],
  [240, 4, '1100'],
  [248, 1, 'I'],
]);
const UNKNOWN_TYPE = textBlock([[248, 1, 'Q']]);

const photo = (): Uint8Array => Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) & 0xff);
/** A recognisable fake fingerprint block: if these bytes show up anywhere, they leaked. */
const FINGERPRINT = Uint8Array.from({ length: 1024 }, (_, i) => (i % 2 === 0 ? 0xf1 : 0x9e) ^ (i >> 8));

interface FakeCard {
  readonly text: Uint8Array;
  readonly fingerprint?: Uint8Array;
}

type Kind = 'find' | 'select' | 'read' | 'read-fp' | 'sam';
const COMMANDS: Readonly<Record<string, Kind>> = {
  '2001': 'find',
  '2002': 'select',
  '3001': 'read',
  '3010': 'read-fp',
  '11ff': 'sam',
  '12ff': 'sam',
  '10ff': 'sam',
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class FakeSamReader {
  card: FakeCard | null = null;
  /** Scripts for the next read answers: given the good frame, the bursts to send (one write each). */
  readonly readScripts: Array<(good: Uint8Array) => Uint8Array[]> = [];
  readonly received: Kind[] = [];
  private buffer: number[] = [];
  private halted = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly transport: ByteTransport,
    private readonly options: {
      readonly baud: number;
      readonly radioMs?: Partial<Record<'find' | 'select' | 'read', number>>;
      /** Gap between the bursts of a script, ms. */
      readonly burstGapMs?: number;
    },
  ) {}

  async start(): Promise<void> {
    this.transport.onData((chunk) => this.onData(chunk));
    await this.transport.open();
  }

  async stop(): Promise<void> {
    await this.queue;
    await this.transport.close();
  }

  place(card: FakeCard | null): void {
    this.card = card;
    this.halted = false;
  }

  private onData(chunk: Uint8Array): void {
    this.buffer.push(...chunk);
    for (;;) {
      const at = this.buffer.findIndex((b, i) => PREAMBLE.every((p, j) => this.buffer[i + j] === p));
      if (at < 0 || this.buffer.length < at + 10) return;
      const frame = this.buffer.splice(0, at + 10).slice(at);
      const key = Buffer.from(frame.slice(7, 9)).toString('hex');
      const kind = COMMANDS[key];
      if (!kind) continue;
      this.received.push(kind);
      this.queue = this.queue.then(() => this.respond(kind)).catch(() => undefined);
    }
  }

  private async respond(kind: Kind): Promise<void> {
    // The request's own wire time, then the card's radio and the SAM's work.
    await sleep((10 * 10 * 1000) / this.options.baud);
    const radio = kind === 'read-fp' ? 'read' : kind === 'sam' ? null : kind;
    if (radio) await sleep(this.options.radioMs?.[radio] ?? 0);
    const card = this.card && !this.halted ? this.card : null;
    switch (kind) {
      case 'sam':
        return this.send([answer(0x90)]);
      case 'find':
        return this.send([card ? answer(0x9f, new Uint8Array(4)) : answer(0x80)]);
      case 'select':
        return this.send([card ? answer(0x90, new Uint8Array(8)) : answer(0x81)]);
      case 'read':
      case 'read-fp': {
        if (!card) return this.send([answer(0x41)]);
        const withFp = kind === 'read-fp';
        const fp = withFp ? (card.fingerprint ?? new Uint8Array(0)) : new Uint8Array(0);
        const lengths = withFp ? [256, 1024, fp.length] : [256, 1024];
        const data = new Uint8Array(lengths.length * 2 + 256 + 1024 + fp.length);
        lengths.forEach((n, i) => {
          data[i * 2] = n >> 8;
          data[i * 2 + 1] = n & 0xff;
        });
        data.set(card.text, lengths.length * 2);
        data.set(photo(), lengths.length * 2 + 256);
        data.set(fp, lengths.length * 2 + 256 + 1024);
        const good = answer(0x90, data);
        const script = this.readScripts.shift();
        const bursts = script ? script(good) : [good];
        // A real reader halts a card it has read in full; a garbled answer leaves it selectable.
        if (!script) this.halted = true;
        return this.send(bursts);
      }
    }
  }

  /** Sends bursts paced at the baud rate (4 ms slices against the start time, so jitter does not add up). */
  private async send(bursts: readonly Uint8Array[]): Promise<void> {
    const bytesPerMs = this.options.baud / 10 / 1000;
    for (const [i, burst] of bursts.entries()) {
      if (i > 0 && this.options.burstGapMs) await sleep(this.options.burstGapMs);
      const slice = Math.max(1, Math.floor(bytesPerMs * 4));
      const start = performance.now();
      for (let at = 0; at < burst.length; at += slice) {
        const end = Math.min(burst.length, at + slice);
        const wait = start + end / bytesPerMs - performance.now();
        if (wait > 0) await sleep(wait);
        if (!this.transport.isOpen) return;
        await this.transport.write(burst.subarray(at, end));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function fakeOnPty(options: ConstructorParameters<typeof FakeSamReader>[1]): Promise<{
  pair: PtyPair;
  fake: FakeSamReader;
}> {
  const pair = await createPtyPair();
  cleanups.push(() => pair.close());
  const fake = new FakeSamReader(new SerialTransport({ path: pair.b, baudRate: options.baud }), options);
  await fake.start();
  cleanups.push(() => fake.stop());
  return { pair, fake };
}

async function facade(
  pair: PtyPair,
  options: Omit<ConstructorParameters<typeof SamIdCardReader>[0], 'transport'>,
): Promise<SamIdCardReader> {
  const reader = new SamIdCardReader({
    transport: new SerialTransport({ path: pair.a, baudRate: options.baudRate ?? 115200 }),
    polling: false,
    ...options,
  });
  await reader.start();
  cleanups.push(() => reader.stop());
  return reader;
}

describe('slow lines: timeouts follow the baud rate (9600 baud over a PTY)', () => {
  it('reads a card whose answer takes 1.35 s on the wire after 0.8 s of radio time', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 9600, radioMs: { find: 40, select: 80, read: 800 } });
    fake.place({ text: RESIDENT });
    const reader = await facade(pair, { baudRate: 9600 });
    const r = await reader.readOnce();
    expect(r.ok ? r.value?.name : r.error.code).toBe('赵六');
    expect(fake.received).toEqual(['find', 'select', 'read']);
  });

  it('reads a fingerprint card (30 10): a 2321-byte answer, 2.4 s on the wire', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 9600, radioMs: { read: 300 } });
    fake.place({ text: RESIDENT, fingerprint: FINGERPRINT });
    const reader = await facade(pair, { baudRate: 9600, readFingerprint: true, keepFingerprint: true });
    const r = await reader.readOnce();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value?.idNumber).toBe('440304199003070026');
    expect(r.value?.fingerprint).toEqual(FINGERPRINT);
    expect(fake.received).toContain('read-fp');
  });

  it('drops the fingerprint bytes unless asked to keep them', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: RESIDENT, fingerprint: FINGERPRINT });
    const reader = await facade(pair, { readFingerprint: true });
    const r = await reader.readOnce();
    expect(r.ok && r.value?.name).toBe('赵六');
    expect(r.ok && r.value?.fingerprint).toBeNull();
    expect(fake.received).toContain('read-fp');
  });

  it('lets configuration widen the timeouts for a reader slower than the model', async () => {
    // 2.6 s of radio time is beyond the model's read margin at 9600 baud; 1.5 s more makes it fit.
    const { pair, fake } = await fakeOnPty({ baud: 9600, radioMs: { read: 2600 } });
    fake.place({ text: RESIDENT });
    const plain = await facade(pair, { baudRate: 9600 });
    const first = await plain.readOnce();
    // The deadline passes while the answer is still on the wire: a timeout, or a frame cut short by it.
    expect(['timeout', 'frame-truncated']).toContain(first.ok ? 'read' : first.error.code);
    await plain.stop();
    fake.place({ text: RESIDENT });
    const widened = await facade(pair, { baudRate: 9600, extraTimeoutMs: 1500 });
    const second = await widened.readOnce();
    expect(second.ok ? second.value?.name : second.error.code).toBe('赵六');
  });
});

describe('bursts: the valid frame is found whatever comes before it (115200 baud over a PTY)', () => {
  const falsePreamble = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x01, 0x13);

  it('reassembles an answer delivered in small fragments with gaps', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200, burstGapMs: 3 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push((good) => {
      const parts: Uint8Array[] = [];
      for (let at = 0, size = 1; at < good.length; at += size, size = (size * 7) % 97 || 1)
        parts.push(good.subarray(at, at + size));
      return parts;
    });
    const reader = await facade(pair, {});
    const r = await reader.readOnce();
    expect(r.ok ? r.value?.name : r.error.code).toBe('赵六');
  });

  it('takes the answer that follows a false preamble with an impossible length in the same burst', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push((good) => [Uint8Array.from([...falsePreamble, ...good])]);
    const reader = await facade(pair, {});
    const r = await reader.readOnce();
    expect(r.ok ? r.value?.name : r.error.code).toBe('赵六');
  });

  it('takes the answer that follows a stale partial frame in the same burst', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push((good) => [Uint8Array.from([...good.subarray(0, 400), ...good])]);
    const reader = await facade(pair, {});
    const r = await reader.readOnce();
    expect(r.ok ? r.value?.name : r.error.code).toBe('赵六');
  });

  it('takes the answer that follows a false preamble announcing an oversized frame, sent apart', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200, burstGapMs: 5 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push((good) => [Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0xff, 0xf0), good]);
    const reader = await facade(pair, {});
    const r = await reader.readOnce();
    expect(r.ok ? r.value?.name : r.error.code).toBe('赵六');
  });

  it('still reports a corrupt answer that nothing follows', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push((good) => {
      const bad = Uint8Array.from(good);
      bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
      return [bad];
    });
    const reader = await facade(pair, {});
    const r = await reader.readOnce();
    expect(r.ok ? 'read' : r.error.code).toBe('frame-checksum');
  });
});

// ---------------------------------------------------------------------------------------------------------

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

const corrupt = (good: Uint8Array): Uint8Array[] => {
  const bad = Uint8Array.from(good);
  bad[100] = (bad[100] ?? 0) ^ 0x01;
  return [bad];
};

describe('booth idcard read against the fake reader', () => {
  it('retries a transient checksum error and prints the card', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push(corrupt);
    const r = await cli(['idcard', 'read', '--port', pair.a, '--timeout', '20000']);
    expect(r.stderr).toContain('read attempt 1/3 failed (frame-checksum); retrying');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+赵六$/m);
    expect(fake.received.filter((k) => k === 'read')).toHaveLength(2);
  });

  it('retries a truncated answer (a frame cut short) too', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push((good) => [good.subarray(0, 700)]);
    const r = await cli(['idcard', 'read', '--port', pair.a, '--json']);
    expect(r.stderr).toContain('(frame-truncated); retrying');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: '赵六', checkDigit: 'valid' });
  });

  it('gives up on an error that persists, with the reason and the number of attempts', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: RESIDENT });
    fake.readScripts.push(corrupt, corrupt, corrupt, corrupt);
    const r = await cli(['idcard', 'read', '--port', pair.a, '--attempts', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /booth idcard read: card could not be read after 3 attempts: frame-checksum: checksum 0x[0-9A-F]{2}, expected 0x[0-9A-F]{2}\n$/,
    );
    expect(fake.received.filter((k) => k === 'read')).toHaveLength(3);
  });

  it('does not retry what a retry cannot cure (an unknown card type)', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: UNKNOWN_TYPE });
    const r = await cli(['idcard', 'read', '--port', pair.a]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/card could not be read: unknown-card-type: /);
    expect(r.stderr).not.toContain('retrying');
  });

  it('flags the check digit only on 18-character numbers (not the old 15-character foreigner permit)', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 115200 });
    fake.place({ text: OLD_FOREIGNER });
    const text = await cli(['idcard', 'read', '--port', pair.a]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID number:\s+USA\*{10}01$/m);
    expect(text.stdout).not.toContain('INVALID');
    fake.place({ text: OLD_FOREIGNER });
    const json = await cli(['idcard', 'read', '--port', pair.a, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ cardType: 'foreigner', checkDigit: 'not-applicable' });

    fake.place({ text: RESIDENT_BAD_CHECK });
    const bad = await cli(['idcard', 'read', '--port', pair.a]);
    expect(bad.stdout).toMatch(/^ID number:\s+4403\*{10}0029 {2}\(check digit INVALID\)$/m);
  });

  it('reads with fingerprint data at 9600 baud and never prints the fingerprint', async () => {
    const { pair, fake } = await fakeOnPty({ baud: 9600, radioMs: { read: 400 } });
    fake.place({ text: RESIDENT, fingerprint: FINGERPRINT });
    const r = await cli(['idcard', 'read', '--port', pair.a, '--baud', '9600', '--fingerprint', '--json']);
    expect(r.code).toBe(0);
    const card = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(card).toMatchObject({ name: '赵六', fingerprintBytes: 1024 });
    expect(fake.received).toContain('read-fp');
    const hex = Buffer.from(FINGERPRINT.subarray(0, 16)).toString('hex');
    const b64 = Buffer.from(FINGERPRINT.subarray(0, 12)).toString('base64');
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(hex);
      expect(out).not.toContain(b64);
    }
  });
});
