import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceError } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import { MemoryTransport } from '../transport/memory.js';
import { FrameParser, encodeResponse, encodeReadPayload } from './codec.js';
import { ID_CARD_FIXTURES, type IdCardFixtureId } from './fixtures.js';
import { createSimulatedIdCardReader, type SimulatedIdCardReader } from './index.js';
import { SimulatedPhotoDecoder, makeSimulatedWlt } from './photo.js';
import { SamIdCardReader, isTransientReadError } from './reader.js';
import { encodeTextBlock } from './text-block.js';
import type { IdCardData, IdCardReaderEvents } from './types.js';

/** Records every event of a reader, and lets a test wait for one. */
function record(reader: SamIdCardReader) {
  const log: { event: keyof IdCardReaderEvents; payload: unknown }[] = [];
  for (const event of ['status', 'card-present', 'card-read', 'card-removed', 'read-error'] as const) {
    reader.on(event, (payload) => log.push({ event, payload }));
  }
  const waitFor = async <K extends keyof IdCardReaderEvents>(
    event: K,
    predicate: (p: IdCardReaderEvents[K]) => boolean = () => true,
    after = 0,
  ): Promise<IdCardReaderEvents[K]> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const hit = log
        .slice(after)
        .find((e) => e.event === event && predicate(e.payload as IdCardReaderEvents[K]));
      if (hit) return hit.payload as IdCardReaderEvents[K];
      if (Date.now() > deadline)
        throw new Error(`no ${event} event; got ${log.map((e) => e.event).join(',')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { log, waitFor, events: () => log.map((e) => e.event) };
}

const fast = { pollIntervalMs: 20, reconnectIntervalMs: 50 };
let sim: SimulatedIdCardReader | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('SamIdCardReader over MemoryTransport with the simulator', () => {
  it.each(Object.keys(ID_CARD_FIXTURES) as IdCardFixtureId[])(
    'reads a %s card once, then reports removal',
    async (id) => {
      sim = createSimulatedIdCardReader({ reader: fast });
      const r = record(sim.reader);
      await sim.reader.start();
      expect(sim.reader.status).toEqual({ state: 'online' });
      sim.simulator.placeCard(id);
      const card = await r.waitFor('card-read');
      const identity = ID_CARD_FIXTURES[id].identity;
      expect(card.cardType).toBe(identity.cardType);
      expect(card.name).toBe(identity.name);
      expect(card.idNumber).toBe(identity.idNumber);
      expect(card.photoWlt).toHaveLength(1024);
      // Real readers halt a read card: find fails with 80, which the facade reports as removal.
      await r.waitFor('card-removed');
      const seq = r.events().filter((e) => e !== 'status');
      expect(seq).toEqual(['card-present', 'card-read', 'card-removed']);
      const photo = await new SimulatedPhotoDecoder().decode(card.photoWlt);
      expect(photo.ok && photo.value.width).toBe(102);
    },
  );

  it('does not read a card lying in the field twice, and reads it again after removal', async () => {
    sim = createSimulatedIdCardReader({ reader: fast, simulator: { haltAfterRead: false } });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.placeCard('resident');
    await r.waitFor('card-read');
    const findsAfterRead = sim.simulator.received.length;
    // Let several polls go by with the card still present.
    while (sim.simulator.received.length < findsAfterRead + 5)
      await new Promise((res) => setTimeout(res, 10));
    expect(r.events().filter((e) => e === 'card-read')).toHaveLength(1);
    expect(r.events()).not.toContain('card-removed');
    sim.simulator.removeCard();
    await r.waitFor('card-removed');
    sim.simulator.placeCard('hk-permit');
    const second = await r.waitFor('card-read', (c) => c.cardType === 'hmt-permit');
    expect(second.passNumber).toBe('H12345678');
  });

  it('reads the card still lying in the field again when asked to (a new visit), once', async () => {
    sim = createSimulatedIdCardReader({ reader: fast, simulator: { haltAfterRead: false } });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.placeCard('resident');
    await r.waitFor('card-read');
    const mark = r.log.length;
    sim.reader.rescan();
    const again = await r.waitFor('card-read', () => true, mark);
    expect(again.name).toBe(ID_CARD_FIXTURES.resident.identity.name);
    // Once per request: it does not turn into reading the card over and over.
    const reads = sim.simulator.received.filter((k) => k === 'read-card').length;
    while (sim.simulator.received.length < mark + 12) await new Promise((res) => setTimeout(res, 10));
    expect(sim.simulator.received.filter((k) => k === 'read-card').length).toBe(reads);
    expect(r.events().filter((e) => e === 'card-read')).toHaveLength(2);
    expect(r.events()).not.toContain('card-removed');
  });

  it('does nothing on a rescan without a card, or with a card the reader halted', async () => {
    sim = createSimulatedIdCardReader({ reader: fast });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.reader.rescan();
    sim.simulator.placeCard('resident');
    await r.waitFor('card-read');
    await r.waitFor('card-removed');
    const mark = r.log.length;
    sim.reader.rescan();
    const polls = sim.simulator.received.length;
    while (sim.simulator.received.length < polls + 6) await new Promise((res) => setTimeout(res, 10));
    expect(r.log.slice(mark).filter((e) => e.event === 'card-read')).toHaveLength(0);
  });

  it('reports a SAM read failure as a typed read-error and retries', async () => {
    sim = createSimulatedIdCardReader({ reader: fast });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.failNext(0x41);
    sim.simulator.placeCard('resident');
    const error = await r.waitFor('read-error');
    expect(error).toEqual({
      code: 'card-read-failed',
      recovery: 'reinsert-card',
      message: expect.any(String),
    });
    await r.waitFor('card-read');
  });

  it.each([
    ['91', 'no-content'],
    ['31', 'card-auth-sam-failed'],
    ['81', 'select-failed'],
  ])('maps SAM status 0x%s during a read to %s', async (hex, code) => {
    const sw3 = parseInt(hex, 16);
    sim = createSimulatedIdCardReader({ reader: fast });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.failNext(sw3);
    sim.simulator.placeCard('resident');
    expect((await r.waitFor('read-error')).code).toBe(code);
    await r.waitFor('card-read');
  });

  it('reports a corrupt read frame as frame-checksum, then reads on the retry', async () => {
    sim = createSimulatedIdCardReader({ reader: fast, simulator: { haltAfterRead: false } });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.placeCard('resident');
    await r.waitFor('card-read');
    sim.simulator.removeCard();
    await r.waitFor('card-removed');
    // Corrupt the read answer: find and select go through first.
    const unsubscribe = sim.reader.on('card-present', () => sim?.simulator.corruptNextFrame());
    const mark = r.log.length;
    sim.simulator.placeCard('foreigner');
    const err = await r.waitFor('read-error', () => true, mark);
    unsubscribe();
    expect(['frame-checksum']).toContain(err.code);
    await r.waitFor('card-read', (c) => c.cardType === 'foreigner', mark);
  });

  it('reports a corrupt find answer as an error status and goes back online', async () => {
    sim = createSimulatedIdCardReader({ reader: fast });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.corruptNextFrame();
    await r.waitFor('status', (s) => s.state === 'error' && s.code === 'frame-checksum');
    await r.waitFor('status', (s) => s.state === 'online', r.log.length - 1);
  });

  it('gives up on an unknown card type after the attempts, until the card leaves', async () => {
    sim = createSimulatedIdCardReader({
      reader: { ...fast, maxReadAttempts: 2 },
      simulator: { haltAfterRead: false },
    });
    const r = record(sim.reader);
    await sim.reader.start();
    const text = encodeTextBlock(ID_CARD_FIXTURES.resident.identity);
    text.set(Buffer.from('Z', 'utf16le'), 248);
    sim.simulator.placeCard({ text });
    const err = await r.waitFor('read-error');
    expect(err).toMatchObject({ code: 'unknown-card-type', recovery: 'unsupported' });
    expect(err.message).not.toContain('张三');
    const seen = sim.simulator.received.length;
    while (sim.simulator.received.length < seen + 10) await new Promise((res) => setTimeout(res, 10));
    expect(r.events().filter((e) => e === 'read-error')).toHaveLength(2);
    sim.simulator.removeCard();
    await r.waitFor('card-removed');
  });

  it('reports silence as offline, typed timeouts from diagnostics, and recovers', async () => {
    sim = createSimulatedIdCardReader({ reader: { ...fast, timeouts: { find: 100, sam: 100 } } });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.goSilent(true);
    await r.waitFor('status', (s) => s.state === 'offline');
    expect(await sim.reader.getSamId()).toMatchObject({
      ok: false,
      error: { code: 'timeout', recovery: 'check-cable' },
    });
    sim.simulator.goSilent(false);
    await r.waitFor('status', (s) => s.state === 'online', 1);
    sim.simulator.placeCard('resident');
    await r.waitFor('card-read');
  });

  it('times out a slow select as a typed read-error', async () => {
    sim = createSimulatedIdCardReader({ reader: { ...fast, timeouts: { select: 50 } } });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.placeCard('resident');
    sim.reader.on('card-present', () => sim?.simulator.setDelay(200));
    const err = await r.waitFor('read-error');
    expect(err.code).toBe('timeout');
    sim.simulator.setDelay(0);
    await r.waitFor('card-read');
  });

  it('answers SAM diagnostics, sharing the lock with polling', async () => {
    sim = createSimulatedIdCardReader({ reader: fast, simulator: { samId: [5, 1, 20101020, 42, 7] } });
    await sim.reader.start();
    sim.simulator.placeCard('resident');
    const results = await Promise.all([sim.reader.getSamId(), sim.reader.samStatus(), sim.reader.getSamId()]);
    expect(results[0]).toEqual({
      ok: true,
      value: { parts: [5, 1, 20101020, 42, 7], text: '05.01-20101020-0000000042-0000000007' },
    });
    expect(results[1]).toMatchObject({ ok: true, value: { name: 'ok' } });
    expect(results[2]).toEqual(results[0]);
    sim.simulator.failNext(0x60, 'any');
    // Whichever command takes the failure, the diagnostics never throw.
    const status = await sim.reader.samStatus();
    if (!status.ok) expect(status.error.code).toBe('sam-self-test-failed');
    expect(await sim.reader.resetSam()).toMatchObject({ ok: true });
  });

  it('reports a SAM fault on find as an error status with the recovery hint', async () => {
    sim = createSimulatedIdCardReader({ reader: fast });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.failNext(0x66, 'find');
    const s = await r.waitFor('status', (x) => x.state === 'error');
    expect(s).toMatchObject({ state: 'error', code: 'sam-not-authorised', recovery: 'needs-maintenance' });
  });

  it('goes no-device when the port vanishes and reconnects by itself', async () => {
    sim = createSimulatedIdCardReader({ reader: fast });
    const r = record(sim.reader);
    await sim.reader.start();
    sim.simulator.placeCard('resident');
    await r.waitFor('card-read');
    const host = (sim.reader as unknown as { transport: MemoryTransport }).transport;
    const mark = r.log.length;
    host.unplug();
    await r.waitFor('status', (s) => s.state === 'no-device', mark);
    // It keeps trying while the device is away.
    await new Promise((res) => setTimeout(res, 200));
    expect(sim.reader.status.state).toBe('no-device');
    host.replug();
    await r.waitFor('status', (s) => s.state === 'online', mark);
    sim.simulator.removeCard();
    sim.simulator.placeCard('foreigner-2023');
    await r.waitFor('card-read', (c) => c.cardType === 'foreigner-2023', mark);
  });

  it('reports a port that is absent at start as no-device without rejecting', async () => {
    const [host] = MemoryTransport.pair();
    host.unplugged = true;
    const reader = new SamIdCardReader({ transport: host, ...fast });
    const statuses: DeviceStatus[] = [];
    reader.on('status', (s) => statuses.push(s));
    await reader.start();
    expect(reader.status.state).toBe('no-device');
    expect(await reader.getSamId()).toMatchObject({ ok: false, error: { code: 'no-device' } });
    await reader.stop();
    expect(statuses[0]?.state).toBe('no-device');
  });

  it('stops promptly even while waiting on a silent device', async () => {
    sim = createSimulatedIdCardReader({ reader: { ...fast, timeouts: { find: 60_000 } } });
    await sim.reader.start();
    sim.simulator.goSilent(true);
    await new Promise((res) => setTimeout(res, 50));
    await sim.reader.stop();
    expect(sim.reader.status).toEqual({ state: 'offline', reason: 'stopped' });
  });
});

describe('SamIdCardReader against a scripted device (framing faults)', () => {
  /** A device that answers find with 9F, select with 90, and read with whatever `readAnswer` gives. */
  async function scripted(readAnswer: () => Uint8Array[]) {
    const [host, device] = MemoryTransport.pair();
    await device.open();
    const parser = new FrameParser({ minLength: 3 });
    device.onData((chunk) => {
      for (const e of parser.push(chunk)) {
        if (e.type !== 'frame') continue;
        const [cmd, para] = e.body;
        const answers =
          cmd === 0x20 && para === 0x01
            ? [encodeResponse(0x9f, new Uint8Array(4))]
            : cmd === 0x20 && para === 0x02
              ? [encodeResponse(0x90, new Uint8Array(8))]
              : readAnswer();
        for (const a of answers) void device.write(a);
      }
    });
    const reader = new SamIdCardReader({
      transport: host,
      ...fast,
      timeouts: { read: 150 },
      maxReadAttempts: 1,
    });
    const errors: DeviceError[] = [];
    const reads: IdCardData[] = [];
    reader.on('read-error', (e) => errors.push(e));
    reader.on('card-read', (c) => reads.push(c));
    await reader.start();
    while (errors.length + reads.length === 0) await new Promise((res) => setTimeout(res, 10));
    await reader.stop();
    return { errors, reads };
  }
  const full = encodeResponse(
    0x90,
    encodeReadPayload(
      encodeTextBlock(ID_CARD_FIXTURES.resident.identity),
      makeSimulatedWlt('s'),
      null,
      false,
    ),
  );

  it('reports a truncated read frame', async () => {
    const { errors } = await scripted(() => [full.subarray(0, 600)]);
    expect(errors[0]?.code).toBe('frame-truncated');
  });

  it('reports an oversized length', async () => {
    const bad = Uint8Array.from(full);
    bad[5] = 0xf0;
    const { errors } = await scripted(() => [bad]);
    expect(errors[0]?.code).toBe('frame-oversized');
  });

  it('reports a read answer whose declared lengths are wrong', async () => {
    const body = encodeReadPayload(
      encodeTextBlock(ID_CARD_FIXTURES.resident.identity),
      makeSimulatedWlt('s'),
      null,
      false,
    );
    const { errors } = await scripted(() => [encodeResponse(0x90, body.subarray(0, 1000))]);
    expect(errors[0]?.code).toBe('read-payload-length');
  });

  it('takes the valid frame after a false preamble with an impossible length in the same burst', async () => {
    const falseStart = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x01, 0x55);
    const { reads, errors } = await scripted(() => [Uint8Array.from([...falseStart, ...full])]);
    expect(errors).toEqual([]);
    expect(reads[0]?.name).toBe('张三');
  });

  it('takes the valid frame when the false preamble and the frame arrive in separate chunks', async () => {
    const falseStart = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0xff, 0xf0);
    const { reads, errors } = await scripted(() => [falseStart, full.subarray(0, 9), full.subarray(9)]);
    expect(errors).toEqual([]);
    expect(reads[0]?.name).toBe('张三');
  });

  it('takes the valid frame that follows a stale partial frame in the same burst', async () => {
    const stale = full.subarray(0, 300);
    const { reads, errors } = await scripted(() => [Uint8Array.from([...stale, ...full])]);
    expect(errors).toEqual([]);
    expect(reads[0]?.name).toBe('张三');
  });

  it('takes a valid frame after a corrupt one (checksum) in the same burst', async () => {
    const bad = Uint8Array.from(full);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x5a;
    const { reads, errors } = await scripted(() => [Uint8Array.from([...bad, ...full])]);
    expect(errors).toEqual([]);
    expect(reads[0]?.name).toBe('张三');
  });

  it('still reports a lone false preamble once the line goes quiet', async () => {
    const falseStart = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x01, 0x55);
    const { reads, errors } = await scripted(() => [falseStart]);
    expect(reads).toEqual([]);
    expect(errors[0]?.code).toBe('frame-length');
  });

  it('reads through leading garbage and a frame split into small chunks', async () => {
    const { reads, errors } = await scripted(() => {
      const parts: Uint8Array[] = [Uint8Array.of(0x13, 0x37, 0xaa)];
      for (let i = 0; i < full.length; i += 100) parts.push(full.subarray(i, i + 100));
      return parts;
    });
    expect(errors).toEqual([]);
    expect(reads[0]?.name).toBe('张三');
  });
});

describe('isTransientReadError', () => {
  it('retries framing errors, timeouts and SAM answers that say try again, not the rest', () => {
    const e = (code: DeviceError['code'], recovery: DeviceError['recovery']): DeviceError => ({
      code,
      recovery,
      message: '',
    });
    expect(isTransientReadError(e('frame-checksum', 'retry'))).toBe(true);
    expect(isTransientReadError(e('frame-truncated', 'retry'))).toBe(true);
    expect(isTransientReadError(e('timeout', 'check-cable'))).toBe(true);
    expect(isTransientReadError(e('card-read-failed', 'reinsert-card'))).toBe(true);
    expect(isTransientReadError(e('unknown-card-type', 'unsupported'))).toBe(false);
    expect(isTransientReadError(e('sam-not-authorised', 'needs-maintenance'))).toBe(false);
    expect(isTransientReadError(e('bad-command', 'check-configuration'))).toBe(false);
  });
});
