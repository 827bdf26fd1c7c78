import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPtyPair, type PtyPair } from '../../test/support/socat.js';
import { FileTransport } from './file.js';
import { SerialTransport } from './serial.js';
import type { TransportError } from './types.js';

let pair: PtyPair | null = null;
afterEach(async () => {
  await pair?.close();
  pair = null;
});

describe('FileTransport', () => {
  it('a missing device node → not-found', async () => {
    const t = new FileTransport({ path: '/dev/usb/lp-does-not-exist' });
    await expect(t.open()).rejects.toMatchObject({ kind: 'not-found' });
    expect(t.isOpen).toBe(false);
  });

  it('writes and reads replies through a character device (PTY stands in for /dev/usb/lp0)', async () => {
    pair = await createPtyPair();
    const device = new SerialTransport({ path: pair.b });
    await device.open();
    device.onData((chunk) => {
      if (chunk.includes(0x04)) void device.write(Uint8Array.of(0x12));
    });
    const t = new FileTransport({ path: pair.a, pollMs: 5 });
    await t.open();
    const got = new Promise<Uint8Array>((r) => t.onData(r));
    await t.write(Uint8Array.of(0x10, 0x04, 0x01));
    expect([...(await got)]).toEqual([0x12]);
    await t.close();
    await device.close();
  });

  it('reports the device going away (socat killed) through onClose', async () => {
    pair = await createPtyPair();
    const t = new FileTransport({ path: pair.a, pollMs: 5 });
    await t.open();
    const closed = new Promise<TransportError | null>((r) => t.onClose(r));
    await pair.close();
    pair = null;
    const reason = await closed;
    expect(reason?.kind).toBe('closed');
    expect(t.isOpen).toBe(false);
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ kind: 'closed' });
  });

  it('works on a plain file too (bytes land in it)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lp-'));
    const file = path.join(dir, 'lp0');
    writeFileSync(file, '');
    const t = new FileTransport({ path: file });
    await t.open();
    await t.write(Uint8Array.of(0x1b, 0x40));
    await t.close();
    const { readFileSync } = await import('node:fs');
    expect([...readFileSync(file)]).toEqual([0x1b, 0x40]);
  });
});
