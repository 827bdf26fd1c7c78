import { unlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialTransport } from './serial.js';
import { createPtyPair, type PtyPair } from '../../test/support/socat.js';

describe('SerialTransport over a socat PTY pair', () => {
  let pair: PtyPair | null = null;
  afterEach(async () => {
    await pair?.close();
    pair = null;
  });

  it('carries bytes both ways and reports the other end vanishing', async () => {
    pair = await createPtyPair();
    const host = new SerialTransport({ path: pair.a });
    const device = new SerialTransport({ path: pair.b });
    await host.open();
    await device.open();
    const received: number[] = [];
    const got = new Promise<void>((resolve) =>
      device.onData((chunk) => {
        received.push(...chunk);
        if (received.length >= 4) resolve();
      }),
    );
    await host.write(Uint8Array.of(0xaa, 0x96, 0x69, 0x00));
    await got;
    expect(received).toEqual([0xaa, 0x96, 0x69, 0x00]);

    await device.close();
    const closed = new Promise<unknown>((resolve) => host.onClose(resolve));
    await pair.close();
    pair = null;
    await closed;
    expect(host.isOpen).toBe(false);
  });

  it('takes its device path disappearing as an unplug, even when the port itself reports nothing', async () => {
    pair = await createPtyPair();
    const host = new SerialTransport({ path: pair.a, presenceCheckMs: 50 });
    await host.open();
    const closed = new Promise<unknown>((resolve) => host.onClose(resolve));
    // The PTY stays alive (socat runs on): only the path a USB adapter's device node would lose is gone.
    unlinkSync(pair.a);
    const reason = await closed;
    expect(reason).toMatchObject({ kind: 'closed', message: expect.stringContaining('is gone') });
    expect(host.isOpen).toBe(false);
  });

  it('checks nothing when the presence check is off', async () => {
    pair = await createPtyPair();
    const host = new SerialTransport({ path: pair.a, presenceCheckMs: 0 });
    await host.open();
    let closes = 0;
    host.onClose(() => (closes += 1));
    unlinkSync(pair.a);
    await new Promise((r) => setTimeout(r, 300));
    expect(closes).toBe(0);
    expect(host.isOpen).toBe(true);
    await host.close();
  });

  it('fails to open a missing port with a not-found error', async () => {
    const t = new SerialTransport({ path: '/dev/does-not-exist-booth' });
    await expect(t.open()).rejects.toMatchObject({ kind: 'not-found' });
  });
});
