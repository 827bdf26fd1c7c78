import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../drivers/common/status.js';
import { IdCardSimulator, SamIdCardReader, type IdCardData } from '../../drivers/id-card/index.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { createPtyPair, type PtyPair } from '../support/socat.js';

/** Polls a condition with a generous deadline (no timing assertion: only that it happens). */
async function eventually(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ID card reader unplug/replug over a socat PTY pair', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-idcard-replug-'));
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports no-device when the port vanishes mid-poll, then recovers on its own and reads the next card', async () => {
    let pair: PtyPair = await createPtyPair({ dir, names: ['reader', 'device'] });
    let simulator = new IdCardSimulator(new SerialTransport({ path: pair.b }), { baudRate: 115200 });
    await simulator.start();
    cleanups.push(
      () => pair.close(),
      () => simulator.stop(),
    );

    // Default reconnect interval (500 ms): the recovery this test waits for is the production behaviour.
    const reader = new SamIdCardReader({
      transport: new SerialTransport({ path: pair.a }),
      pollIntervalMs: 100,
    });
    const statuses: DeviceStatus[] = [];
    const cards: IdCardData[] = [];
    reader.on('status', (s) => statuses.push(s));
    reader.on('card-read', (c) => cards.push(c));
    await reader.start();
    cleanups.push(() => reader.stop());

    simulator.placeCard('resident');
    await eventually('first card read', () => cards.length === 1);

    // Unplug while the reader keeps polling.
    await simulator.stop();
    await pair.close();
    await eventually('no-device reported', () => reader.status.state === 'no-device');
    const unpluggedAt = statuses.length;
    // Still away: the reader keeps trying and stays no-device without throwing.
    await new Promise((r) => setTimeout(r, 800));
    expect(reader.status.state).toBe('no-device');

    // Replug at the same paths.
    pair = await createPtyPair({ dir, names: ['reader', 'device'] });
    simulator = new IdCardSimulator(new SerialTransport({ path: pair.b }), { baudRate: 115200 });
    await simulator.start();
    simulator.placeCard('foreigner-2023');
    await eventually('back online', () => statuses.slice(unpluggedAt).some((s) => s.state === 'online'));
    await eventually('next card read after replug', () => cards.length === 2);
    expect(cards[1]?.cardType).toBe('foreigner-2023');
    expect(statuses.map((s) => s.state)).toContain('no-device');
  });
});
