import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryTransport } from '../transport/memory.js';
import {
  FrameParser,
  decodeReadPayload,
  encodeCommand,
  encodeFrame,
  type HostCommand,
  type ParserEvent,
} from './codec.js';
import { ID_CARD_FIXTURES } from './fixtures.js';
import { IdCardSimulator } from './simulator.js';
import { decodeTextBlock } from './text-block.js';

/** A bare host that sends raw bytes and collects parsed answers. */
async function harness(options: ConstructorParameters<typeof IdCardSimulator>[1] = {}) {
  const [host, device] = MemoryTransport.pair();
  const simulator = new IdCardSimulator(device, options);
  await simulator.start();
  await host.open();
  const parser = new FrameParser();
  const events: ParserEvent[] = [];
  let chunks = 0;
  host.onData((c) => {
    chunks += 1;
    events.push(...parser.push(c));
  });
  const next = async (): Promise<ParserEvent> => {
    const deadline = Date.now() + 5000;
    while (events.length === 0) {
      if (Date.now() > deadline) throw new Error('no answer');
      await new Promise((r) => setTimeout(r, 5));
    }
    return events.shift()!;
  };
  const ask = async (command: HostCommand) => {
    await host.write(encodeCommand(command));
    const e = await next();
    if (e.type !== 'frame') throw new Error(e.error.code);
    return { sw3: e.body[2], data: e.body.subarray(3) };
  };
  return { host, simulator, ask, next, events, chunks: () => chunks };
}

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

describe('IdCardSimulator', () => {
  it('answers every command as a reader does', async () => {
    const h = await harness({ samId: [5, 1, 2, 3, 4] });
    stop = () => h.simulator.stop();
    expect(await h.ask({ kind: 'reset-sam' })).toMatchObject({ sw3: 0x90 });
    expect(await h.ask({ kind: 'sam-status' })).toMatchObject({ sw3: 0x90 });
    const samId = await h.ask({ kind: 'sam-id' });
    expect(samId.sw3).toBe(0x90);
    expect(samId.data).toHaveLength(16);
    expect(await h.ask({ kind: 'set-max-rf-frame', size: 80 })).toMatchObject({ sw3: 0x90 });
    expect(await h.ask({ kind: 'find-card' })).toMatchObject({ sw3: 0x80 });
    expect(await h.ask({ kind: 'select-card' })).toMatchObject({ sw3: 0x81 });
    h.simulator.placeCard('hk-permit');
    expect(await h.ask({ kind: 'read-card' })).toMatchObject({ sw3: 0x41 }); // not selected yet
    expect(await h.ask({ kind: 'find-card' })).toMatchObject({ sw3: 0x9f });
    expect(await h.ask({ kind: 'select-card' })).toMatchObject({ sw3: 0x90 });
    expect(await h.ask({ kind: 'read-appended-address' })).toMatchObject({ sw3: 0x91 });
    const read = await h.ask({ kind: 'read-card-fingerprint' });
    expect(read.sw3).toBe(0x90);
    const payload = decodeReadPayload(read.data, true);
    if (!payload.ok) throw new Error(payload.error.code);
    const text = decodeTextBlock(payload.value.text);
    expect(text.ok && text.value.name).toBe(ID_CARD_FIXTURES['hk-permit'].identity.name);
    expect(payload.value.fingerprint).toBeNull();
    // Halted after the read until the card leaves and comes back.
    expect(await h.ask({ kind: 'find-card' })).toMatchObject({ sw3: 0x80 });
    h.simulator.removeCard();
    h.simulator.placeCard('hk-permit');
    expect(await h.ask({ kind: 'find-card' })).toMatchObject({ sw3: 0x9f });
    expect(h.simulator.received).toContain('read-card-fingerprint');
  });

  it('answers a bad host checksum with 10 and an unknown command with 21', async () => {
    const h = await harness();
    stop = () => h.simulator.stop();
    const bad = encodeCommand({ kind: 'find-card' });
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    await h.host.write(bad);
    const e = await h.next();
    expect(e.type === 'frame' && e.body[2]).toBe(0x10);
    await h.host.write(encodeFrame(Uint8Array.of(0x77, 0x01)));
    const e2 = await h.next();
    expect(e2.type === 'frame' && e2.body[2]).toBe(0x21);
  });

  it('injects failures on the matching command, corrupt frames and silence', async () => {
    const h = await harness();
    stop = () => h.simulator.stop();
    h.simulator.placeCard('resident');
    h.simulator.failNext(0x41);
    expect(await h.ask({ kind: 'find-card' })).toMatchObject({ sw3: 0x9f });
    expect(await h.ask({ kind: 'select-card' })).toMatchObject({ sw3: 0x90 });
    expect(await h.ask({ kind: 'read-card' })).toMatchObject({ sw3: 0x41 });
    h.simulator.failNext(0xff);
    expect(await h.ask({ kind: 'sam-status' })).toMatchObject({ sw3: 0xff });
    h.simulator.corruptNextFrame();
    await h.host.write(encodeCommand({ kind: 'find-card' }));
    const e = await h.next();
    expect(e.type === 'error' && e.error.code).toBe('frame-checksum');
    h.simulator.goSilent(true);
    const received = h.simulator.received.length;
    await h.host.write(encodeCommand({ kind: 'find-card' }));
    await vi.waitFor(() => expect(h.simulator.received).toHaveLength(received + 1), { timeout: 5000 });
    h.simulator.goSilent(false);
    // Answers come in order: had the silent reader answered the find-card (0x9f), that would arrive first.
    expect(await h.ask({ kind: 'sam-status' })).toMatchObject({ sw3: 0x90 });
    expect(h.events).toEqual([]);
    expect(await h.ask({ kind: 'find-card' })).toMatchObject({ sw3: 0x9f });
  });

  it('paces a read answer at the baud rate in several chunks', async () => {
    const h = await harness({ baudRate: 115200, haltAfterRead: false });
    stop = () => h.simulator.stop();
    h.simulator.placeCard('resident');
    await h.ask({ kind: 'find-card' });
    await h.ask({ kind: 'select-card' });
    const before = h.chunks();
    const read = await h.ask({ kind: 'read-card' });
    expect(read.sw3).toBe(0x90);
    // 1295 bytes in ~5 ms slices of 58 bytes at 115200 baud.
    expect(h.chunks() - before).toBeGreaterThan(10);
  });

  it('refuses an unknown fixture key', async () => {
    const h = await harness();
    stop = () => h.simulator.stop();
    expect(() => h.simulator.placeCard('no-such-card' as 'resident')).toThrow(RangeError);
  });
});
