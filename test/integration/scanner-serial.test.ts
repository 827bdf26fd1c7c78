import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceError } from '../../drivers/common/result.js';
import type { DeviceStatus } from '../../drivers/common/status.js';
import { SerialScanner } from '../../drivers/scanner/serial-scanner.js';
import { SerialScannerSimulator } from '../../drivers/scanner/simulator.js';
import type { ScannedCode } from '../../drivers/scanner/types.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { createPtyPair, type PtyPair } from '../support/socat.js';
import { createWaiter } from '../support/wait.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function watch(scanner: SerialScanner) {
  const codes: ScannedCode[] = [];
  const errors: DeviceError[] = [];
  const statuses: DeviceStatus[] = [];
  const waiter = createWaiter(
    () =>
      `statuses ${statuses.map((s) => s.state).join(',')}, ${codes.length} codes, errors ${errors.map((e) => e.code).join(',')}`,
  );
  scanner.on('scanned', (c) => (codes.push(c), waiter.poke()));
  scanner.on('scan-error', (e) => (errors.push(e), waiter.poke()));
  scanner.on('status', (s) => (statuses.push(s), waiter.poke()));
  const until = (what: string, done: () => boolean): Promise<void> => waiter.until(what, done);
  return { codes, errors, statuses, until };
}

describe('serial scanner facade over a socat PTY pair', () => {
  it('receives codes, survives an unplug (no-device), and receives the next scan after replug', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'booth-scanner-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let pair: PtyPair | null = await createPtyPair({ dir, names: ['scanner', 'sim'] });
    cleanups.push(async () => {
      await pair?.close();
    });
    const scanner = new SerialScanner(new SerialTransport({ path: pair.a, baudRate: 9600 }), {
      reconnectIntervalMs: 50,
      classify: { progressHosts: ['progress.police.example'] },
    });
    cleanups.push(() => scanner.stop());
    const w = watch(scanner);
    await scanner.start();
    expect(scanner.status.state).toBe('online');

    let sim = new SerialScannerSimulator(new SerialTransport({ path: pair.b, baudRate: 9600 }));
    await sim.open();
    await sim.scan('https://progress.police.example/progress/JW-20261129-000123', {
      symbology: 'QR',
      terminator: 'crlf',
    });
    await sim.overlong(5000);
    await sim.scan('JW-20261129-000200');
    await w.until('the first two codes', () => w.codes.length === 2);
    expect(w.codes.map((c) => [c.kind, c.reference, c.symbology])).toEqual([
      ['progress', 'JW-20261129-000123', 'QR'],
      ['progress', 'JW-20261129-000200', null],
    ]);
    expect(w.errors.map((e) => e.code)).toEqual(['scanner-line-too-long']);

    // Unplug: socat dies, both PTY ends vanish.
    await sim.close();
    await pair.close();
    pair = null;
    await w.until('no-device after the unplug', () => scanner.status.state === 'no-device');

    // Replug at the same paths.
    pair = await createPtyPair({ dir, names: ['scanner', 'sim'] });
    await w.until('online after the replug', () => scanner.status.state === 'online');
    expect(w.statuses.map((s) => s.state)).toEqual(['online', 'no-device', 'online']);
    sim = new SerialScannerSimulator(new SerialTransport({ path: pair.b, baudRate: 9600 }));
    await sim.open();
    cleanups.push(() => sim.close());
    await sim.scan('https://www.gov.cn/');
    await w.until('the code scanned after the replug', () => w.codes.length === 3);
    expect(w.codes[2]).toMatchObject({ kind: 'url', text: 'https://www.gov.cn/', source: 'serial' });
  });
});
