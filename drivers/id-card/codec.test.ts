import { describe, expect, it } from 'vitest';
import {
  FrameParser,
  SW3_CODES,
  decodeCommand,
  decodeReadPayload,
  decodeResponse,
  decodeSamId,
  encodeCommand,
  encodeFrame,
  encodeReadPayload,
  encodeResponse,
  encodeSamId,
  interpretSw3,
  successSw3,
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

describe('read responses: lengths and their errors', () => {
  const text = encodeTextBlock(ID_CARD_FIXTURES.resident.identity);
  /** The message of a typed, retryable length error (anything else fails the test). */
  const message = (r: {
    ok: boolean;
    error?: { code: string; recovery: string; message: string };
  }): string => {
    if (r.ok) return 'ok';
    expect(r.error?.code).toMatch(/^(read-payload-length|sam-id-length)$/);
    expect(r.error?.recovery).toBe('retry');
    return r.error?.message ?? '';
  };

  it('says when a payload is too short to hold its lengths', () => {
    expect(message(decodeReadPayload(hex('01 00 04'), false))).toBe(
      'read response has 3 data bytes, too few for lengths',
    );
    expect(message(decodeReadPayload(hex('01 00 04 00 00'), true))).toBe(
      'read response has 5 data bytes, too few for lengths',
    );
    // Exactly the lengths and nothing else: the lengths are read, and the missing data is what is wrong.
    expect(message(decodeReadPayload(hex('01 00 00 00'), false))).toBe(
      'read response declares 256+0+0 bytes but carries 0',
    );
  });

  it('reads the lengths as big-endian 16-bit numbers (a 1000-byte photo, a 300-byte fingerprint)', () => {
    const photo = new Uint8Array(1000).fill(3);
    const fp = new Uint8Array(300).fill(9);
    const data = encodeReadPayload(text, photo, fp, true);
    expect([...data.subarray(0, 6)]).toEqual([0x01, 0x00, 0x03, 0xe8, 0x01, 0x2c]);
    const decoded = decodeReadPayload(data, true);
    expect(decoded.ok && decoded.value.photo).toEqual(photo);
    expect(decoded.ok && decoded.value.fingerprint).toEqual(fp);
    expect(decoded.ok && decoded.value.text).toEqual(text);
  });

  it('refuses a text block other than 256 bytes and a photo or fingerprint above 1024, even when the lengths add up', () => {
    const photo = new Uint8Array(1024);
    expect(
      message(decodeReadPayload(encodeReadPayload(text.subarray(0, 200), photo, null, false), false)),
    ).toBe('text length 200, expected 256');
    expect(
      message(decodeReadPayload(encodeReadPayload(text, new Uint8Array(1025), null, false), false)),
    ).toBe('photo length 1025, above 1024');
    expect(message(decodeReadPayload(encodeReadPayload(text, photo, new Uint8Array(1025), true), true))).toBe(
      'fingerprint length 1025, above 1024',
    );
    const cut = encodeReadPayload(text, photo, null, false);
    expect(message(decodeReadPayload(cut.subarray(0, cut.length - 1), false))).toBe(
      'read response declares 256+1024+0 bytes but carries 1279',
    );
  });

  it('names the SAM ID length it got', () => {
    expect(message(decodeSamId(new Uint8Array(15)))).toBe('SAM ID has 15 bytes, expected 16');
  });
});

describe('FrameParser: accounting, messages and edge cases', () => {
  const find = encodeResponse(0x9f, new Uint8Array(4));
  const noCard = encodeResponse(0x80);
  const errorEvents = (events: ParserEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e.error] : []));

  it('counts every byte it throws away, and only those', () => {
    const p = new FrameParser();
    // Junk before the first frame, between frames, and after the last one (its last byte may start a preamble).
    p.push(Uint8Array.from([...hex('01 02 03'), ...noCard, ...hex('04 05'), ...find, ...hex('06 07 AA')]));
    expect(p.discardedBytes).toBe(7);
    expect(p.bufferedBytes).toBe(1);

    const bad = Uint8Array.from(find);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    for (const [garbage, options] of [
      [bad, {}],
      [hex('AA AA AA 96 69 00 02 00 02'), {}],
      [hex('AA AA AA 96 69 FF F0 00 00'), {}],
    ] as const) {
      const q = new FrameParser(options);
      expect(frames(q.push(Uint8Array.from([...garbage, ...noCard])))).toEqual(['000080']);
      expect(q.discardedBytes).toBe(garbage.length);
    }

    const stale = encodeResponse(0x90, new Uint8Array(1284)).subarray(0, 27);
    const q = new FrameParser();
    q.push(Uint8Array.from([...stale, ...find]));
    expect(q.discardedBytes).toBe(27);
    // The same behind a frame earlier in the chunk: only the stale frame's own bytes count, and its message
    // gives its own size.
    const r = new FrameParser();
    const events = r.push(Uint8Array.from([...noCard, ...stale, ...find]));
    expect(frames(events)).toEqual(['000080', '00009f00000000']);
    expect(r.discardedBytes).toBe(27);
    expect(errorEvents(events).map((e) => e.message)).toEqual([
      'an unfinished frame (27 of 1295 bytes) was followed by a complete one; dropped',
    ]);
  });

  it('reports each framing error as retryable, with the numbers that explain it', () => {
    const bad = Uint8Array.from(find);
    bad[bad.length - 1] = 0x68; // the right checksum is 0x97
    const stale = encodeResponse(0x90, new Uint8Array(1284)).subarray(0, 27);
    const events = [
      ...new FrameParser().push(Uint8Array.from([...hex('AA AA AA 96 69 00 02 00 02'), ...noCard])),
      ...new FrameParser().push(Uint8Array.from([...hex('AA AA AA 96 69 FF F0 00 00'), ...noCard])),
      ...new FrameParser().push(Uint8Array.from([...bad, ...noCard])),
      ...new FrameParser().push(Uint8Array.from([...stale, ...find])),
    ];
    const p = new FrameParser();
    p.push(find.subarray(0, 9));
    events.push(...p.flush());
    expect(errorEvents(events)).toEqual([
      { code: 'frame-length', recovery: 'retry', message: 'impossible frame length 2 (minimum 4)' },
      { code: 'frame-oversized', recovery: 'retry', message: 'frame length 65520 above the maximum 4096' },
      { code: 'frame-checksum', recovery: 'retry', message: 'checksum 0x68, expected 0x97' },
      {
        code: 'frame-truncated',
        recovery: 'retry',
        message: 'an unfinished frame (27 of 1295 bytes) was followed by a complete one; dropped',
      },
      {
        code: 'frame-truncated',
        recovery: 'retry',
        message: 'frame cut short: 9 bytes of an unfinished frame',
      },
    ]);
  });

  it('accepts a frame of exactly the maximum length', () => {
    const events = new FrameParser({ maxLength: 8 }).push(encodeResponse(0x90, new Uint8Array(4)));
    expect(errors(events)).toEqual([]);
    expect(frames(events)).toEqual(['00009000000000']);
    expect(errors(new FrameParser({ maxLength: 7 }).push(encodeResponse(0x90, new Uint8Array(4))))).toEqual([
      'frame-oversized',
    ]);
  });

  it('reports an impossible length as soon as the header is in', () => {
    expect(errors(new FrameParser().push(hex('AA AA AA 96 69 00 02')))).toEqual(['frame-length']);
  });

  it('waits for the rest of a header that follows a frame in the same chunk', () => {
    const p = new FrameParser();
    const first = p.push(Uint8Array.from([...noCard, ...find.subarray(0, 6)]));
    expect(frames(first)).toEqual(['000080']);
    expect(errors(first)).toEqual([]);
    const rest = p.push(find.subarray(6));
    expect(errors(rest)).toEqual([]);
    expect(frames(rest)).toEqual(['00009f00000000']);
  });

  it('does not take a preamble that lost its first byte for a frame', () => {
    const p = new FrameParser();
    const events = p.push(Uint8Array.from([0x00, ...noCard.subarray(1)]));
    expect(events).toEqual([]);
  });

  it('keeps after a frame only the bytes that can start the next preamble, not the frame itself', () => {
    const endsInAa = encodeResponse(0xae); // its checksum byte is AA
    expect(endsInAa.at(-1)).toBe(0xaa);
    const p = new FrameParser();
    expect(frames(p.push(Uint8Array.from([...endsInAa, 0xaa])))).toEqual(['0000ae']);
    expect(p.bufferedBytes).toBe(1);
    expect(frames(p.push(noCard.subarray(1)))).toEqual(['000080']);
  });

  it('says a frame has started once its whole preamble is in, not on a preamble prefix', () => {
    const p = new FrameParser();
    expect(p.hasPartialFrame).toBe(false);
    p.push(noCard.subarray(0, 2));
    expect(p.hasPartialFrame).toBe(false);
    p.push(noCard.subarray(2, 5));
    expect(p.hasPartialFrame).toBe(true);
    expect(frames(p.push(noCard.subarray(5)))).toEqual(['000080']);
    expect(p.hasPartialFrame).toBe(false);
  });

  it('on flush, reports each unfinished frame it holds (not a preamble prefix) and drops every held byte', () => {
    const prefix = new FrameParser();
    prefix.push(hex('01 AA AA'));
    expect(prefix.flush()).toEqual([]);
    expect(prefix.discardedBytes).toBe(3);
    expect(prefix.bufferedBytes).toBe(0);

    const preambleOnly = new FrameParser();
    preambleOnly.push(hex('AA AA AA 96 69'));
    expect(errors(preambleOnly.flush())).toEqual(['frame-truncated']);

    // Two unfinished frames, the second starting inside the first: both are reported, each with its size.
    const two = new FrameParser();
    two.push(hex('AA AA AA 96 69 01 00 01 02 03 04 05 AA AA AA 96 69 01 00 06 07 08'));
    expect(errorEvents(two.flush()).map((e) => e.message)).toEqual([
      'frame cut short: 22 bytes of an unfinished frame',
      'frame cut short: 10 bytes of an unfinished frame',
    ]);
    expect(two.discardedBytes).toBe(22);

    // An unfinished frame whose last bytes look like the start of a preamble is still one frame.
    const tail = new FrameParser();
    tail.push(hex('AA AA AA 96 69 01 00 01 AA AA'));
    expect(errors(tail.flush())).toEqual(['frame-truncated']);
    expect(tail.discardedBytes).toBe(10);
  });

  it('zeroes what it held when flushed or reset', () => {
    const frame = encodeResponse(0x90, new Uint8Array(64).fill(0x77));
    const held = (p: FrameParser): Uint8Array => (p as unknown as { buffer: Uint8Array }).buffer;
    const flushed = new FrameParser();
    flushed.push(frame.subarray(0, 30));
    const before = held(flushed);
    expect(before.includes(0x77)).toBe(true);
    flushed.flush();
    expect(before.includes(0x77)).toBe(false);

    const reset = new FrameParser();
    reset.push(frame.subarray(0, 30));
    const kept = held(reset);
    reset.reset();
    expect(kept.includes(0x77)).toBe(false);
    expect(reset.bufferedBytes).toBe(0);
    expect(reset.discardedBytes).toBe(30);
    // Nothing of the forgotten frame is left to spoil the next one.
    const events = reset.push(noCard);
    expect(errors(events)).toEqual([]);
    expect(frames(events)).toEqual(['000080']);
  });

  it('finds a complete frame longer than 255 bytes behind a stale partial one', () => {
    const long = encodeResponse(0x90, new Uint8Array(300).fill(5));
    const events = new FrameParser().push(
      Uint8Array.from([...hex('AA AA AA 96 69 06 00 00 00 90'), ...long]),
    );
    expect(errors(events)).toEqual(['frame-truncated']);
    expect(frames(events)).toHaveLength(1);
  });

  it('behind a stale partial frame, skips a candidate with an impossible length even if its checksum fits', () => {
    // 00 02 05 and checksum 07: a well-formed frame apart from its length, which is below the minimum.
    const events = new FrameParser().push(
      Uint8Array.from([...hex('AA AA AA 96 69 02 00 01 02 03 AA AA AA 96 69 00 02 05 07'), ...noCard]),
    );
    expect(errors(events)).toEqual(['frame-truncated']);
    expect(frames(events)).toEqual(['000080']);
  });

  it('does not abandon a long frame for a preamble inside it whose header has not all arrived', () => {
    const data = new Uint8Array(1284);
    data.set(hex('AA AA AA 96 69 00'), 100);
    const whole = encodeResponse(0x90, data);
    const p = new FrameParser();
    // The first chunk ends inside the look-alike header (frame offset 110 + 6 bytes).
    expect(p.push(whole.subarray(0, 116))).toEqual([]);
    const events = p.push(whole.subarray(116));
    expect(errors(events)).toEqual([]);
    expect(events).toHaveLength(1);
  });
});

describe('frames, commands and SW3 codes: edges', () => {
  it('wraps bodies up to the 16-bit length field and refuses longer ones', () => {
    const frame = encodeFrame(new Uint8Array(0xfffe));
    expect([frame[5], frame[6]]).toEqual([0xff, 0xff]);
    expect(frame.length).toBe(7 + 0xffff);
    expect(() => encodeFrame(new Uint8Array(0xffff))).toThrow('frame body too long: 65535 bytes');
  });

  it('takes a maximum RF frame size of 0 to 255, whole numbers only', () => {
    expect(encodeCommand({ kind: 'set-max-rf-frame', size: 0 })).toEqual(
      hex('AA AA AA 96 69 00 04 61 FF 00 9A'),
    );
    expect(encodeCommand({ kind: 'set-max-rf-frame', size: 255 })).toEqual(
      hex('AA AA AA 96 69 00 04 61 FF FF 65'),
    );
    for (const size of [-1, 256, 1.5]) {
      expect(() => encodeCommand({ kind: 'set-max-rf-frame', size })).toThrow(
        `max RF frame size must be 0..255, got ${size}`,
      );
    }
  });

  it('decodes the RF frame size command only with exactly its one parameter byte', () => {
    expect(decodeCommand(hex('61 FF 50'))).toEqual({ kind: 'set-max-rf-frame', size: 0x50 });
    expect(decodeCommand(hex('61 FF'))).toBeNull();
    expect(decodeCommand(hex('61 FF 50 00'))).toBeNull();
    expect(decodeCommand(hex('61 01 50'))).toBeNull();
    expect(decodeCommand(hex('10 FF 00'))).toBeNull();
  });

  it('splits a response body into its three status words and data', () => {
    expect(decodeResponse(hex('01 02 90 0A 0B'))).toEqual({
      ok: true,
      value: { sw1: 1, sw2: 2, sw3: 0x90, data: hex('0A 0B') },
    });
    expect(decodeResponse(hex('00 00'))).toMatchObject({
      ok: false,
      error: { recovery: 'retry', message: 'response body has 2 bytes, fewer than the 3 status words' },
    });
  });

  it('expects 9F from find and 90 from every other command', () => {
    expect(successSw3('find-card')).toBe(0x9f);
    for (const kind of ['reset-sam', 'sam-status', 'sam-id', 'select-card', 'read-card'] as const)
      expect(successSw3(kind)).toBe(0x90);
  });

  it('gives every SW3 code of the protocol its name and recovery', () => {
    const table: [number, string, string][] = [
      [0x90, 'ok', 'retry'],
      [0x9f, 'card-found', 'retry'],
      [0x91, 'no-content', 'retry'],
      [0x10, 'host-checksum-error', 'retry'],
      [0x11, 'host-length-error', 'retry'],
      [0x21, 'bad-command', 'check-configuration'],
      [0x23, 'unauthorised', 'check-configuration'],
      [0x24, 'unrecognised-error', 'reset-device'],
      [0x31, 'card-auth-sam-failed', 'reinsert-card'],
      [0x32, 'sam-auth-card-failed', 'reinsert-card'],
      [0x33, 'info-check-failed', 'reinsert-card'],
      [0x40, 'unknown-card-type', 'unsupported'],
      [0x41, 'card-read-failed', 'reinsert-card'],
      [0x47, 'random-number-failed', 'reinsert-card'],
      [0x60, 'sam-self-test-failed', 'needs-maintenance'],
      [0x66, 'sam-not-authorised', 'needs-maintenance'],
      [0x80, 'no-card', 'retry'],
      [0x81, 'select-failed', 'reinsert-card'],
      [0xff, 'communication-fault', 'reset-device'],
    ];
    expect(table.map(([sw3]) => [sw3, interpretSw3(sw3).name, interpretSw3(sw3).recovery])).toEqual(table);
    expect(new Set([...SW3_CODES.values()].map((i) => i.meaning)).size).toBe(table.length);
    for (const [sw3, info] of SW3_CODES) expect(info.sw3).toBe(sw3);
  });

  it('writes SW3 codes as two upper-case hex digits in names and messages', () => {
    expect(sw3Error(0x80).message).toBe('SAM status 0x80: no card in the field (find failed)');
    expect(sw3Error(0x05)).toEqual({
      code: 'unknown-sw3-05',
      recovery: 'reset-device',
      message: 'SAM status 0x05: the reader answered with an undocumented status 0x05',
    });
    expect(interpretSw3(0xab)).toMatchObject({ sw3: 0xab, name: 'unknown-sw3-AB', success: false });
  });
});
