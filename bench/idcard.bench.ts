/**
 * ID card reader benchmarks: host-side decoding cost against the wire time of a read, and full
 * find → select → read cycles over a socat PTY with the simulator pacing bytes at 115200 and at 9600 baud
 * (and a 30 10 fingerprint read at 9600), each against the wire time of its frames.
 */
import {
  FrameParser,
  ID_CARD_FIXTURES,
  IdCardSimulator,
  SamIdCardReader,
  decodeReadPayload,
  decodeResponse,
  decodeTextBlock,
  encodeReadPayload,
  encodeResponse,
  encodeTextBlock,
  makeSimulatedFingerprint,
  makeSimulatedWlt,
  REQUEST_FRAME_BYTES,
  RESPONSE_FRAME_BYTES,
  wireTimeMs,
} from '../drivers/id-card/index.js';
import { MemoryTransport } from '../drivers/transport/memory.js';
import { SerialTransport } from '../drivers/transport/serial.js';
import { createPtyPair } from '../test/support/socat.js';
import type { Benchmark, Figure } from './harness.js';
import { median } from './harness.js';

const BAUD = 115200;

const readFrame = encodeResponse(
  0x90,
  encodeReadPayload(
    encodeTextBlock(ID_CARD_FIXTURES.resident.identity),
    makeSimulatedWlt('bench'),
    null,
    false,
  ),
);

const decodeCost: Benchmark = {
  name: 'idcard: last byte → card',
  async run(): Promise<Figure[]> {
    const frameWire = wireTimeMs(readFrame.length, BAUD);
    // Pure codec path: the final push (reassembly, checksum) plus response, payload and text decoding.
    const samples: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const parser = new FrameParser();
      // Bytes arrive in ~58-byte slices (5 ms at 115200 baud) before the last one.
      for (let at = 0; at < readFrame.length - 1; at += 58)
        parser.push(readFrame.subarray(at, Math.min(at + 58, readFrame.length - 1)));
      const t0 = performance.now();
      const [event] = parser.push(readFrame.subarray(readFrame.length - 1));
      if (event?.type !== 'frame') throw new Error('no frame');
      const response = decodeResponse(event.body);
      if (!response.ok) throw new Error('bad response');
      const payload = decodeReadPayload(response.value.data, false);
      if (!payload.ok) throw new Error('bad payload');
      const text = decodeTextBlock(payload.value.text);
      if (!text.ok) throw new Error('bad text');
      samples.push((performance.now() - t0) * 1000);
    }
    const codecUs = median(samples.slice(500));

    // Facade path over a memory pipe: last chunk handed over → card-read event.
    const [host, device] = MemoryTransport.pair('bench');
    await device.open();
    let lastChunkAt = 0;
    device.onData((chunk) => {
      const [cmd, para] = [chunk[7], chunk[8]];
      if (cmd === 0x20 && para === 0x01) void device.write(encodeResponse(0x9f, new Uint8Array(4)));
      else if (cmd === 0x20 && para === 0x02) void device.write(encodeResponse(0x90, new Uint8Array(8)));
      else if (cmd === 0x30) {
        void device.write(readFrame.subarray(0, readFrame.length - 1)).then(() => {
          lastChunkAt = performance.now();
          return device.write(readFrame.subarray(readFrame.length - 1));
        });
      }
    });
    const reader = new SamIdCardReader({ transport: host, polling: false });
    await reader.start();
    const facade: number[] = [];
    for (let i = 0; i < 500; i++) {
      const r = await reader.readOnce();
      const t1 = performance.now();
      if (!r.ok || !r.value) throw new Error('read failed');
      facade.push((t1 - lastChunkAt) * 1000);
    }
    await reader.stop();
    const facadeUs = median(facade.slice(100));
    const pct = (us: number): number => (us / 1000 / frameWire) * 100;
    return [
      { name: 'wire time of a 1295-byte read frame at 115200 baud', value: frameWire, unit: 'ms' },
      { name: 'codec: last byte → decoded card (median)', value: codecUs, unit: 'µs' },
      {
        name: 'codec cost as share of wire time',
        value: pct(codecUs),
        unit: '%',
        target: '< 1 %',
        met: pct(codecUs) < 1,
      },
      { name: 'facade: last chunk → card-read resolved (median)', value: facadeUs, unit: 'µs' },
      {
        name: 'facade cost as share of wire time',
        value: pct(facadeUs),
        unit: '%',
        target: '< 1 %',
        met: pct(facadeUs) < 1,
      },
    ];
  },
};

interface CycleResult {
  readonly baud: number;
  readonly fingerprint: boolean;
  /** Sum of the wire times of every frame of a find → select → read cycle, both ways. */
  readonly wireMs: number;
  /** Median measured cycle. */
  readonly measuredMs: number;
  /** The read timeout the timing model gives this line. */
  readonly readTimeoutMs: number;
}

/** Runs `samples` find → select → read cycles over a socat PTY with the simulator pacing bytes at `baud`. */
async function measureCycle(baud: number, samples: number, fingerprint: boolean): Promise<CycleResult> {
  const pair = await createPtyPair();
  const simulator = new IdCardSimulator(new SerialTransport({ path: pair.b, baudRate: baud }), {
    baudRate: baud,
    haltAfterRead: false,
  });
  await simulator.start();
  const identity = ID_CARD_FIXTURES.resident.identity;
  simulator.placeCard({
    text: encodeTextBlock(identity),
    photo: makeSimulatedWlt('bench'),
    fingerprint: fingerprint ? makeSimulatedFingerprint('bench') : null,
  });
  const reader = new SamIdCardReader({
    transport: new SerialTransport({ path: pair.a, baudRate: baud }),
    baudRate: baud,
    readFingerprint: fingerprint,
    polling: false,
  });
  await reader.start();
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      const r = await reader.readOnce();
      if (!r.ok || !r.value)
        throw new Error(`cycle at ${baud} baud failed: ${r.ok ? 'no card' : r.error.code}`);
      times.push(performance.now() - t0);
    }
  } finally {
    await reader.stop();
    await simulator.stop();
    await pair.close();
  }
  const bytes =
    3 * REQUEST_FRAME_BYTES +
    RESPONSE_FRAME_BYTES.find +
    RESPONSE_FRAME_BYTES.select +
    RESPONSE_FRAME_BYTES[fingerprint ? 'read-fingerprint' : 'read'];
  return {
    baud,
    fingerprint,
    wireMs: wireTimeMs(bytes, baud),
    // The first cycles warm up the port and the JIT.
    measuredMs: median(times.slice(Math.min(2, times.length - 1))),
    readTimeoutMs: reader.commandTimeouts.read,
  };
}

const cycle: Benchmark = {
  name: 'idcard: PTY read cycle',
  async run(): Promise<Figure[]> {
    // Both line speeds, side by side: what the wire costs, what a cycle takes, and their ratio.
    const results = [
      await measureCycle(115200, 25, false),
      await measureCycle(9600, 6, false),
      await measureCycle(9600, 4, true),
    ];
    const label = (r: CycleResult): string => `${r.baud} baud${r.fingerprint ? ', 30 10' : ''}`;
    const figures: Figure[] = [];
    for (const r of results)
      figures.push({ name: `wire time of the cycle @ ${label(r)}`, value: r.wireMs, unit: 'ms' });
    for (const r of results)
      figures.push({ name: `find → select → read (median) @ ${label(r)}`, value: r.measuredMs, unit: 'ms' });
    for (const r of results) {
      const ratio = r.measuredMs / r.wireMs;
      figures.push({
        name: `cycle / wire time @ ${label(r)}`,
        value: ratio,
        unit: '×',
        target: '≤ 1.10×',
        met: ratio <= 1.1,
      });
    }
    for (const r of results)
      figures.push({ name: `derived read timeout @ ${label(r)}`, value: r.readTimeoutMs, unit: 'ms' });
    return figures;
  },
};

/** The ID card benchmarks. */
export const benchmarks: Benchmark[] = [decodeCost, cycle];
