import { describe, expect, it } from 'vitest';
import {
  FrameParser,
  ID_CARD_FIXTURES,
  SamIdCardReader,
  encodeReadPayload,
  encodeResponse,
  encodeTextBlock,
  makeSimulatedWlt,
  type ParserEvent,
} from '../../drivers/id-card/index.js';
import { MemoryTransport } from '../../drivers/transport/memory.js';

/** mulberry32: a small deterministic PRNG, so a failure reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const readFrame = encodeResponse(
  0x90,
  encodeReadPayload(
    encodeTextBlock(ID_CARD_FIXTURES.resident.identity),
    makeSimulatedWlt('fuzz'),
    null,
    false,
  ),
);

function makeFrames(rand: () => number, count: number): Uint8Array[] {
  const int = (n: number): number => Math.floor(rand() * n);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = int(10);
    let frame: Uint8Array;
    if (kind === 0) {
      frame = Uint8Array.from({ length: int(64) }, () => int(256)); // pure noise
    } else {
      const base =
        kind === 1
          ? readFrame
          : encodeResponse(
              int(256),
              Uint8Array.from({ length: int(40) }, () => int(256)),
            );
      frame = Uint8Array.from(base);
      switch (int(7)) {
        case 0: // valid
          break;
        case 1: // bit flips anywhere
          for (let k = 0; k <= int(3); k++) {
            const at = int(frame.length);
            frame[at] = frame[at]! ^ (1 << int(8));
          }
          break;
        case 2: // truncated
          frame = frame.subarray(0, int(frame.length));
          break;
        case 3: // length field rewritten (impossible, oversized or just wrong)
          frame[5] = int(256);
          frame[6] = int(256);
          break;
        case 4: // bytes inserted
          frame = Uint8Array.from([
            ...frame.subarray(0, 7 + int(4)),
            ...Array.from({ length: 1 + int(5) }, () => int(256)),
            ...frame.subarray(7 + 4),
          ]);
          break;
        case 5: // preamble damaged
          frame[int(5)] = int(256);
          break;
        default: // duplicated header
          frame = Uint8Array.from([...frame.subarray(0, 7), ...frame]);
      }
    }
    out.push(frame);
  }
  return out;
}

const codes = new Set(['frame-checksum', 'frame-length', 'frame-oversized', 'frame-truncated']);

describe('FrameParser fuzz (seeded)', () => {
  it('takes 100,000 random and mutated frames in random chunks without throwing, hanging or growing', () => {
    const rand = prng(0x1d_ca7d);
    const frames = makeFrames(rand, 100_000);
    const parser = new FrameParser();
    let events = 0;
    let maxBuffered = 0;
    let good = 0;
    const untyped: string[] = [];
    for (const frame of frames) {
      let at = 0;
      while (at < frame.length) {
        const n = 1 + Math.floor(rand() * 300);
        const out: ParserEvent[] = parser.push(frame.subarray(at, at + n));
        at += n;
        events += out.length;
        for (const e of out) {
          if (e.type === 'error') {
            if (!codes.has(e.error.code)) untyped.push(e.error.code);
          } else good += 1;
        }
        maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
      }
      if (rand() < 0.01) {
        for (const e of parser.flush())
          if (e.type === 'error' && !codes.has(e.error.code)) untyped.push(e.error.code);
      }
    }
    expect(untyped).toEqual([]);
    expect(maxBuffered).toBeLessThanOrEqual(parser.capacity);
    expect(events).toBeGreaterThan(10_000);
    expect(good).toBeGreaterThan(5_000);
    // Still in working order afterwards.
    parser.flush();
    const after = parser.push(encodeResponse(0x80));
    expect(after.at(-1)).toMatchObject({ type: 'frame' });
  });

  it('recovers every intact frame from a stream of frames and preamble-free garbage', () => {
    const rand = prng(42);
    const parser = new FrameParser();
    const sent: string[] = [];
    const got: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const body = Uint8Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * 256));
      const frame = encodeResponse(Math.floor(rand() * 256), body);
      sent.push(Buffer.from(frame.subarray(7, -1)).toString('hex'));
      // Garbage without 0xAA cannot start a false preamble.
      const junk = Uint8Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * 0xa9));
      for (const chunk of [junk, frame]) {
        for (const e of parser.push(chunk))
          if (e.type === 'frame') got.push(Buffer.from(e.body).toString('hex'));
      }
    }
    expect(got).toEqual(sent);
  });
});

describe('SamIdCardReader fuzz (seeded)', () => {
  it('survives a device answering with random and mutated frames: typed events only, never a throw', async () => {
    const rand = prng(7);
    const [host, device] = MemoryTransport.pair();
    await device.open();
    const pool = makeFrames(rand, 400);
    let i = 0;
    device.onData(() => {
      const frame = pool[i++ % pool.length]!;
      void device.write(frame);
    });
    const reader = new SamIdCardReader({
      transport: host,
      pollIntervalMs: 0,
      timeouts: { find: 30, select: 30, read: 30, sam: 30 },
    });
    const seen = new Set<string>();
    reader.on('status', (s) => seen.add(`status:${s.state}`));
    const errorCodes: unknown[] = [];
    reader.on('read-error', (e) => {
      errorCodes.push(e.code);
      seen.add(`read-error:${e.code}`);
    });
    reader.on('card-read', () => seen.add('card-read'));
    await reader.start();
    while (i < 400) await new Promise((r) => setTimeout(r, 5));
    await reader.stop();
    expect(seen.has('status:error')).toBe(true);
    for (const code of errorCodes) expect(code).toMatch(/^[a-z0-9-]+$/);
    expect(reader.status).toEqual({ state: 'offline', reason: 'stopped' });
  });
});
