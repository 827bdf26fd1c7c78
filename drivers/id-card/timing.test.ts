import { describe, expect, it } from 'vitest';
import { ID_CARD_FIXTURES } from './fixtures.js';
import { encodeCommand, encodeReadPayload, encodeResponse } from './codec.js';
import { makeSimulatedWlt } from './photo.js';
import { SamIdCardReader } from './reader.js';
import { encodeTextBlock } from './text-block.js';
import {
  REQUEST_FRAME_BYTES,
  RESPONSE_FRAME_BYTES,
  deriveSamTimeouts,
  exchangeWireMs,
  quietGapMs,
  samCommandTimeout,
  wireTimeMs,
} from './timing.js';
import { MemoryTransport } from '../transport/memory.js';

const text = encodeTextBlock(ID_CARD_FIXTURES.resident.identity);

describe('frame lengths used by the timing model', () => {
  it('match the frames the codec builds', () => {
    expect(REQUEST_FRAME_BYTES).toBe(encodeCommand({ kind: 'find-card' }).length);
    expect(RESPONSE_FRAME_BYTES.find).toBe(encodeResponse(0x9f, new Uint8Array(4)).length);
    expect(RESPONSE_FRAME_BYTES.select).toBe(encodeResponse(0x90, new Uint8Array(8)).length);
    const read = encodeResponse(0x90, encodeReadPayload(text, makeSimulatedWlt('t'), null, false));
    expect(RESPONSE_FRAME_BYTES.read).toBe(read.length);
    expect(read.length).toBe(1295);
    const fp = encodeResponse(
      0x90,
      encodeReadPayload(text, makeSimulatedWlt('t'), new Uint8Array(1024), true),
    );
    expect(RESPONSE_FRAME_BYTES['read-fingerprint']).toBe(fp.length);
    expect(fp.length).toBe(2321);
  });
});

describe('wire time', () => {
  it('is ten bits a byte', () => {
    expect(wireTimeMs(1295, 9600)).toBeCloseTo(1348.96, 1);
    expect(wireTimeMs(2321, 9600)).toBeCloseTo(2417.71, 1);
    expect(wireTimeMs(1295, 115200)).toBeCloseTo(112.41, 1);
  });
});

describe('derived timeouts', () => {
  it('at 115200 baud stay near the readers’ typical figures (find 1 s, select 0.3 s, read 2 s)', () => {
    const t = deriveSamTimeouts({ baudRate: 115200 });
    expect(t.find).toBeGreaterThanOrEqual(950);
    expect(t.find).toBeLessThanOrEqual(1050);
    expect(t.select).toBeGreaterThanOrEqual(280);
    expect(t.select).toBeLessThanOrEqual(330);
    expect(t.read).toBeGreaterThanOrEqual(1950);
    expect(t.read).toBeLessThanOrEqual(2050);
  });

  it('at 9600 baud leave the read frame its wire time plus the card’s radio time', () => {
    const t = deriveSamTimeouts({ baudRate: 9600 });
    // A fixed 2 s would leave 0.65 s for the radio; the model leaves the same as at 115200 and more.
    expect(t.read - exchangeWireMs('read', 9600)).toBeGreaterThan(1800);
    expect(t.read).toBeGreaterThan(3000);
    const fp = deriveSamTimeouts({ baudRate: 9600, readFingerprint: true });
    expect(fp.read - exchangeWireMs('read-fingerprint', 9600)).toBeGreaterThan(2200);
    expect(fp.read).toBeGreaterThan(t.read);
  });

  it('grow as the line slows, for every command', () => {
    for (const command of ['find', 'select', 'read', 'read-fingerprint', 'sam'] as const) {
      const speeds = [1200, 9600, 19200, 57600, 115200, 921600].map((baud) =>
        samCommandTimeout(command, { baudRate: baud }),
      );
      expect([...speeds].sort((a, b) => b - a)).toEqual(speeds);
      expect(speeds[0]).toBeGreaterThan(speeds[speeds.length - 1] ?? Infinity);
    }
  });

  it('widen by the configured extra time and never narrow below the model', () => {
    const base = deriveSamTimeouts({ baudRate: 9600 });
    const wide = deriveSamTimeouts({ baudRate: 9600, extraMs: 1500 });
    expect(wide.read - base.read).toBe(1500);
    expect(wide.find - base.find).toBe(1500);
    expect(deriveSamTimeouts({ baudRate: 9600, extraMs: -5000 })).toEqual(base);
  });

  it('are what the facade uses, from its baud rate and options, unless explicitly given', () => {
    const [host] = MemoryTransport.pair();
    const slow = new SamIdCardReader({ transport: host, baudRate: 9600, readFingerprint: true });
    expect(slow.commandTimeouts).toEqual(deriveSamTimeouts({ baudRate: 9600, readFingerprint: true }));
    const wide = new SamIdCardReader({ transport: host, baudRate: 9600, extraTimeoutMs: 700 });
    expect(wide.commandTimeouts.read).toBe(deriveSamTimeouts({ baudRate: 9600 }).read + 700);
    const given = new SamIdCardReader({ transport: host, timeouts: { read: 123 } });
    expect(given.commandTimeouts.read).toBe(123);
    expect(given.commandTimeouts.find).toBe(deriveSamTimeouts().find);
  });
});

describe('quiet gap', () => {
  it('is 32 byte times, at least 40 ms', () => {
    expect(quietGapMs(115200)).toBe(40);
    expect(quietGapMs(9600)).toBe(40);
    expect(quietGapMs(2400)).toBe(Math.ceil(wireTimeMs(32, 2400)));
  });
});
