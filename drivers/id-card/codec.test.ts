import { describe, expect, it } from 'vitest';
import {
  FrameParser,
  SW3_CODES,
  decodeCommand,
  decodeReadPayload,
  decodeResponse,
  decodeSamId,
  encodeCommand,
  encodeReadPayload,
  encodeResponse,
  encodeSamId,
  interpretSw3,
  sw3Error,
  type HostCommand,
  type ParserEvent,
} from './codec.js';
import { encodeTextBlock, decodeTextBlock } from './text-block.js';
import { ID_CARD_FIXTURES } from './fixtures.js';
import { makeSimulatedWlt } from './photo.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(
    s
      .split(/\s+/)
      .filter(Boolean)
      .map((b) => parseInt(b, 16)),
  );
const frames = (events: ParserEvent[]): string[] =>
  events
    .filter((e) => e.type === 'frame')
    .map((e) => Buffer.from(e.type === 'frame' ? e.body : []).toString('hex'));
const errors = (events: ParserEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'error' ? [e.error.code] : []));

describe('host command encoder', () => {
  // Hand-built from the frame definition: checksum = XOR of LEN_H, LEN_L, CMD, PARA.
  const cases: [HostCommand, string][] = [
    [{ kind: 'reset-sam' }, 'AA AA AA 96 69 00 03 10 FF EC'],
    [{ kind: 'sam-status' }, 'AA AA AA 96 69 00 03 11 FF ED'],
    [{ kind: 'sam-id' }, 'AA AA AA 96 69 00 03 12 FF EE'],
    [{ kind: 'find-card' }, 'AA AA AA 96 69 00 03 20 01 22'],
    [{ kind: 'select-card' }, 'AA AA AA 96 69 00 03 20 02 21'],
    [{ kind: 'read-card' }, 'AA AA AA 96 69 00 03 30 01 32'],
    [{ kind: 'read-card-fingerprint' }, 'AA AA AA 96 69 00 03 30 10 23'],
    [{ kind: 'read-appended-address' }, 'AA AA AA 96 69 00 03 30 03 30'],
    [{ kind: 'set-max-rf-frame', size: 0x50 }, 'AA AA AA 96 69 00 04 61 FF 50 CA'],
  ];
  it.each(cases)('encodes %o', (command, expected) => {
    expect(encodeCommand(command)).toEqual(hex(expected));
  });

  it('round-trips every command through the reader-side decoder', () => {
    for (const [command] of cases) {
      const events = new FrameParser({ minLength: 3 }).push(encodeCommand(command));
      expect(events).toHaveLength(1);
      const body = events[0]!.type === 'frame' ? events[0]!.body : new Uint8Array();
      expect(decodeCommand(body)).toEqual(command);
    }
  });

  it('rejects unknown commands and out-of-range parameters', () => {
    expect(decodeCommand(hex('20 09'))).toBeNull();
    expect(decodeCommand(hex('20'))).toBeNull();
    expect(decodeCommand(hex('20 01 00'))).toBeNull();
    expect(() => encodeCommand({ kind: 'set-max-rf-frame', size: 300 })).toThrow(RangeError);
  });
});

describe('reader response encoder and SW3 codes', () => {
  it('encodes the find-card answers of a real reader', () => {
    expect(encodeResponse(0x9f, new Uint8Array(4))).toEqual(
      hex('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'),
    );
    expect(encodeResponse(0x80)).toEqual(hex('AA AA AA 96 69 00 04 00 00 80 84'));
  });

  const all = [
    0x90, 0x9f, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80,
    0x81, 0xff,
  ];
  it('knows every SW3 code of the protocol', () => {
    expect([...SW3_CODES.keys()].sort()).toEqual([...all].sort());
  });

  it.each(all)('maps SW3 %d through a frame to a typed result', (sw3) => {
    const events = new FrameParser().push(encodeResponse(sw3));
    const body = events[0]?.type === 'frame' ? events[0].body : new Uint8Array();
    const response = decodeResponse(body);
    expect(response.ok && response.value.sw3).toBe(sw3);
    const info = interpretSw3(sw3);
    expect(info.name).toMatch(/^[a-z0-9-]+$/);
    expect(info.meaning.length).toBeGreaterThan(5);
    expect(info.success).toBe(sw3 === 0x90 || sw3 === 0x9f);
  });

  it('gives specific names and recovery hints', () => {
    expect(sw3Error(0x80)).toMatchObject({ code: 'no-card', recovery: 'retry' });
    expect(sw3Error(0x41)).toMatchObject({ code: 'card-read-failed', recovery: 'reinsert-card' });
    expect(sw3Error(0x91)).toMatchObject({ code: 'no-content' });
    expect(sw3Error(0x60)).toMatchObject({ code: 'sam-self-test-failed', recovery: 'needs-maintenance' });
    expect(sw3Error(0x40)).toMatchObject({ code: 'unknown-card-type', recovery: 'unsupported' });
    expect(sw3Error(0x21)).toMatchObject({ code: 'bad-command', recovery: 'check-configuration' });
    expect(sw3Error(0x42)).toMatchObject({ code: 'unknown-sw3-42', recovery: 'reset-device' });
    expect(sw3Error(0x90)).toMatchObject({ code: 'unexpected-sam-status' });
    expect(sw3Error(0x9f)).toMatchObject({ code: 'unexpected-sam-status' });
  });

  it('refuses a response body shorter than the status words', () => {
    expect(decodeResponse(hex('00 00'))).toMatchObject({ ok: false, error: { code: 'frame-length' } });
  });

  it('encodes and decodes the SAM ID', () => {
    const data = encodeSamId([5, 1, 20101020, 1, 123456789]);
    expect(decodeSamId(data)).toEqual({
      ok: true,
      value: { parts: [5, 1, 20101020, 1, 123456789], text: '05.01-20101020-0000000001-0123456789' },
    });
    expect(decodeSamId(data.subarray(0, 15))).toMatchObject({ ok: false, error: { code: 'sam-id-length' } });
  });
});

describe('read responses', () => {
  const text = encodeTextBlock(ID_CARD_FIXTURES.resident.identity);
  const photo = makeSimulatedWlt('x');

  it('builds the 1295-byte 30 01 frame with the documented offsets', () => {
    const frame = encodeResponse(0x90, encodeReadPayload(text, photo, null, false));
    expect(frame.length).toBe(1295);
    expect([frame[5], frame[6]]).toEqual([0x05, 0x08]);
    expect([frame[7], frame[8], frame[9]]).toEqual([0, 0, 0x90]);
    expect([frame[10], frame[11], frame[12], frame[13]]).toEqual([0x01, 0x00, 0x04, 0x00]);
    expect(frame.subarray(14, 270)).toEqual(text);
    expect(frame.subarray(270, 1294)).toEqual(photo);
  });

  it.each(Object.keys(ID_CARD_FIXTURES) as (keyof typeof ID_CARD_FIXTURES)[])(
    'parses a %s card from a complete read frame',
    (id) => {
      const block = encodeTextBlock(ID_CARD_FIXTURES[id].identity);
      const events = new FrameParser().push(
        encodeResponse(0x90, encodeReadPayload(block, photo, null, false)),
      );
      const body = events[0]?.type === 'frame' ? events[0].body : new Uint8Array();
      const response = decodeResponse(body);
      if (!response.ok) throw new Error('no response');
      const payload = decodeReadPayload(response.value.data, false);
      if (!payload.ok) throw new Error(payload.error.message);
      const decoded = decodeTextBlock(payload.value.text);
      expect(decoded.ok && decoded.value.cardType).toBe(ID_CARD_FIXTURES[id].identity.cardType);
      expect(payload.value.photo).toEqual(photo);
    },
  );

  it('handles the 30 10 layout with and without a fingerprint', () => {
    const fp = new Uint8Array(1024).fill(7);
    const withFp = decodeReadPayload(encodeReadPayload(text, photo, fp, true), true);
    expect(withFp.ok && withFp.value.fingerprint).toEqual(fp);
    const frame = encodeResponse(0x90, encodeReadPayload(text, photo, null, true));
    expect([frame[14], frame[15]]).toEqual([0, 0]);
    expect(frame.subarray(16, 272)).toEqual(text);
    const without = decodeReadPayload(encodeReadPayload(text, photo, null, true), true);
    expect(without.ok && without.value.fingerprint).toBeNull();
  });

  it('reports declared lengths that disagree with the data', () => {
    const data = encodeReadPayload(text, photo, null, false);
    expect(decodeReadPayload(data.subarray(0, data.length - 1), false)).toMatchObject({
      ok: false,
      error: { code: 'read-payload-length' },
    });
    const badText = Uint8Array.from(data);
    badText[1] = 0x10;
    expect(decodeReadPayload(badText, false)).toMatchObject({
      ok: false,
      error: { code: 'read-payload-length' },
    });
    expect(decodeReadPayload(data.subarray(0, 3), false)).toMatchObject({ ok: false });
  });
});

describe('FrameParser', () => {
  const find = encodeResponse(0x9f, new Uint8Array(4));
  const noCard = encodeResponse(0x80);

  it('reassembles a frame split at every possible point', () => {
    for (let cut = 1; cut < find.length; cut++) {
      const p = new FrameParser();
      expect(p.push(find.subarray(0, cut))).toEqual([]);
      expect(frames(p.push(find.subarray(cut)))).toEqual(['00009f00000000']);
      expect(p.bufferedBytes).toBe(0);
    }
  });

  it('reassembles a frame delivered one byte at a time, and two frames in one chunk', () => {
    const p = new FrameParser();
    const got: ParserEvent[] = [];
    for (const b of find) got.push(...p.push(Uint8Array.of(b)));
    expect(frames(got)).toEqual(['00009f00000000']);
    expect(frames(p.push(Uint8Array.from([...noCard, ...find])))).toEqual(['000080', '00009f00000000']);
  });

  it('skips leading garbage, including false preamble starts', () => {
    const p = new FrameParser();
    const junk = hex('00 FF AA AA 13 AA AA AA 96 AA 55');
    expect(frames(p.push(Uint8Array.from([...junk, ...noCard])))).toEqual(['000080']);
    expect(p.discardedBytes).toBe(junk.length);
  });

  it('keeps a preamble split across reads', () => {
    const p = new FrameParser();
    expect(p.push(hex('01 02 AA AA'))).toEqual([]);
    expect(p.bufferedBytes).toBe(2);
    expect(frames(p.push(noCard.subarray(2)))).toEqual(['000080']);
  });

  it('reports a wrong checksum and resynchronises on the next frame', () => {
    const bad = Uint8Array.from(find);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const events = new FrameParser().push(Uint8Array.from([...bad, ...noCard]));
    expect(errors(events)).toEqual(['frame-checksum']);
    expect(frames(events)).toEqual(['000080']);
  });

  it('reports an impossible length', () => {
    const events = new FrameParser().push(Uint8Array.from([...hex('AA AA AA 96 69 00 02 00 02'), ...noCard]));
    expect(errors(events)).toEqual(['frame-length']);
    expect(frames(events)).toEqual(['000080']);
  });

  it('reports an oversized length without waiting for (or buffering) its bytes', () => {
    const p = new FrameParser({ maxLength: 4096 });
    const events = p.push(Uint8Array.from([...hex('AA AA AA 96 69 FF F0 00 00'), ...noCard]));
    expect(errors(events)).toEqual(['frame-oversized']);
    expect(frames(events)).toEqual(['000080']);
    expect(p.bufferedBytes).toBe(0);
  });

  it('abandons a stale partial frame as soon as a complete frame follows it in the same burst', () => {
    const p = new FrameParser();
    // A read header promising 1288 more bytes, cut after 20, then a whole find answer.
    const cut = encodeResponse(
      0x90,
      encodeReadPayload(
        encodeTextBlock(ID_CARD_FIXTURES.resident.identity),
        makeSimulatedWlt('y'),
        null,
        false,
      ),
    ).subarray(0, 27);
    const events = p.push(Uint8Array.from([...cut, ...find]));
    expect(errors(events)).toEqual(['frame-truncated']);
    expect(frames(events)).toEqual(['00009f00000000']);
    expect(p.hasPartialFrame).toBe(false);
    expect(p.bufferedBytes).toBe(0);
  });

  it('finds the complete frame behind a stale partial one however the burst is split', () => {
    const cut = encodeResponse(0x90, new Uint8Array(1284)).subarray(0, 40);
    const burst = Uint8Array.from([...cut, ...noCard]);
    for (let split = 1; split < burst.length; split++) {
      const p = new FrameParser();
      const events = [...p.push(burst.subarray(0, split)), ...p.push(burst.subarray(split))];
      expect(frames(events)).toEqual(['000080']);
      expect(errors(events)).toEqual(['frame-truncated']);
      expect(p.bufferedBytes).toBe(0);
    }
  });

  it('does not abandon a long frame for a preamble inside it whose frame does not check out', () => {
    const data = new Uint8Array(1284);
    // A fake header in the data: preamble, LEN 4, three bytes and a checksum that does not match.
    data.set(hex('AA AA AA 96 69 00 04 00 00 80 00'), 100);
    const whole = encodeResponse(0x90, data);
    const p = new FrameParser();
    const events = [...p.push(whole.subarray(0, 600)), ...p.push(whole.subarray(600))];
    expect(errors(events)).toEqual([]);
    expect(events).toHaveLength(1);
  });

  it('zeroes the bytes it held once a frame is handed out', () => {
    const p = new FrameParser();
    const frame = encodeResponse(0x90, new Uint8Array(64).fill(0x77));
    p.push(frame.subarray(0, 30));
    const held = (p as unknown as { buffer: Uint8Array }).buffer;
    expect(held.includes(0x77)).toBe(true);
    expect(frames(p.push(frame.subarray(30)))).toHaveLength(1);
    expect(held.includes(0x77)).toBe(false);
  });

  it('reports a lone truncated frame on flush', () => {
    const p = new FrameParser();
    p.push(find.subarray(0, 9));
    expect(errors(p.flush())).toEqual(['frame-truncated']);
    expect(p.flush()).toEqual([]);
  });

  it('resynchronises when a truncated frame is followed by enough bytes to complete it wrongly', () => {
    const p = new FrameParser();
    const events = p.push(Uint8Array.from([...find.subarray(0, 9), ...noCard, ...find]));
    expect(errors(events)).toContain('frame-checksum');
    expect(frames(events)).toEqual(['000080', '00009f00000000']);
  });

  it('bounds its buffer while fed noise', () => {
    const p = new FrameParser();
    const noise = new Uint8Array(100_000).fill(0x55);
    p.push(noise);
    expect(p.bufferedBytes).toBe(0);
    p.push(hex('AA AA AA 96 69 0F FF'));
    p.push(new Uint8Array(5000).fill(1));
    expect(p.bufferedBytes).toBeLessThanOrEqual(p.capacity);
  });
});
