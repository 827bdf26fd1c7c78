/**
 * ID card reader recovery after an unplug: from the port reappearing (a socat PTY pair recreated at the same
 * paths) to the reader back online, and to the next card read — the "within 2 s".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdCardSimulator, SamIdCardReader } from '../drivers/id-card/index.js';
import { SerialTransport } from '../drivers/transport/serial.js';
import { createPtyPair } from '../test/support/socat.js';
import type { Benchmark, Figure } from './harness.js';
import { median } from './harness.js';

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The benchmarks of this file. */
export const benchmarks: Benchmark[] = [
  {
    name: 'idcard: replug recovery',
    async run(): Promise<Figure[]> {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'booth-replug-bench-'));
      const online: number[] = [];
      const nextCard: number[] = [];
      try {
        let pair = await createPtyPair({ dir, names: ['reader', 'device'] });
        let simulator = new IdCardSimulator(new SerialTransport({ path: pair.b }), { baudRate: 115200 });
        await simulator.start();
        // Production defaults: poll every 300 ms, retry a vanished port every 500 ms.
        const reader = new SamIdCardReader({ transport: new SerialTransport({ path: pair.a }) });
        let cards = 0;
        reader.on('card-read', () => (cards += 1));
        await reader.start();
        try {
          for (let i = 0; i < 5; i++) {
            const before = cards;
            simulator.placeCard('resident');
            await until(() => cards === before + 1);
            await simulator.stop();
            await pair.close();
            await until(() => reader.status.state === 'no-device');
            pair = await createPtyPair({ dir, names: ['reader', 'device'] });
            const replugged = performance.now();
            simulator = new IdCardSimulator(new SerialTransport({ path: pair.b }), { baudRate: 115200 });
            await simulator.start();
            await until(() => reader.status.state === 'online');
            online.push(performance.now() - replugged);
            simulator.placeCard('resident');
            await until(() => cards === before + 2);
            nextCard.push(performance.now() - replugged);
            simulator.removeCard();
            await until(() => reader.status.state === 'online');
            await new Promise((r) => setTimeout(r, 400));
          }
        } finally {
          await reader.stop();
          await simulator.stop();
          await pair.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const card = median(nextCard);
      return [
        { name: 'port back → reader online (median of 5)', value: median(online), unit: 'ms' },
        {
          name: 'port back → next card read (median of 5)',
          value: card,
          unit: 'ms',
          target: '< 2000 ms',
          met: card < 2000,
        },
        { name: 'port back → next card read (worst of 5)', value: Math.max(...nextCard), unit: 'ms' },
      ];
    },
  },
];
