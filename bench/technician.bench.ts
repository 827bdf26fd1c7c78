/**
 * Technician mode's figures from issue 13: a device plugged in → listed on the technician screen (target < 2 s),
 * an assignment → its first successful test (target < 3 s), and the log's cost per visit (the lines a visit
 * writes, scrubbed by the logger and appended to the rotating file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveSimulatorOn } from '../drivers/printer/serve.js';
import { PrinterSimulator } from '../drivers/printer/simulator.js';
import { SerialTransport } from '../drivers/transport/serial.js';
import { serialNodeLister } from '../main/core/discovery.js';
import { createFileLogger, silentLogger } from '../main/core/log.js';
import { startSignedInKiosk } from '../test/support/kiosk-client.js';
import { createPtyPair } from '../test/support/socat.js';
import type { Benchmark, Figure } from './harness.js';
import { median } from './harness.js';

/** The log lines one visit writes (events and fields as the core logs them). */
const VISIT_LINES: readonly [string, Record<string, string | number | boolean | null>][] = [
  ['visit.started', { services: 1 }],
  ['idcard.read', { cardType: 'resident', ms: 812 }],
  ['visit.submitted', { transactionNumber: 'JW-20261130-000123', services: 1 }],
  ['printer.job', { outcome: 'printed', bytes: 2480, ms: 2400 }],
  ['sync.uploaded', { count: 1, ms: 35 }],
  ['visit.ended', { reason: 'finished' }],
];

/** The benchmarks of this file. */
export const benchmarks: Benchmark[] = [
  {
    name: 'technician: plug and assign',
    async run(): Promise<Figure[]> {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'booth-tech-bench-'));
      const ptyDir = mkdtempSync(path.join(os.tmpdir(), 'booth-tech-bench-pty-'));
      // Production discovery and device timings (1 s listing, 2 s printer monitor, 500 ms reconnect).
      const { core, client } = await startSignedInKiosk({
        dataDir,
        log: silentLogger,
        fileLog: false,
        technicianTools: { discoveryListers: { serial: serialNodeLister([ptyDir]), hid: async () => [] } },
      });
      const { api } = client;
      await api['technician.discover']();
      const listed: number[] = [];
      const tested: number[] = [];
      try {
        for (let i = 0; i < 5; i++) {
          const name = `printer${i}`;
          const seen = new Promise<number>((resolve) => {
            const off = client.on('technician.discovery', (view) => {
              if (!view.devices.some((d) => d.path === path.join(ptyDir, name))) return;
              off();
              resolve(performance.now());
            });
          });
          const plugged = performance.now();
          const pair = await createPtyPair({ dir: ptyDir, names: [name, `${name}-sim`] });
          listed.push((await seen) - plugged);
          const sim = new PrinterSimulator();
          const endpoint = await serveSimulatorOn(
            sim,
            new SerialTransport({ path: pair.b, baudRate: 115200 }),
          );
          const assigned = performance.now();
          await api['technician.assign']({ role: 'printer', spec: `serial:${pair.a}@115200` });
          // The first test that works: the printer's status bits read from the new port.
          for (;;) {
            const bits = await api['technician.printerBits']();
            if (bits.ok && bits.value.read) break;
            await new Promise((r) => setTimeout(r, 10));
          }
          tested.push(performance.now() - assigned);
          await api['technician.assign']({ role: 'printer', spec: 'none' });
          await endpoint.close();
          await pair.close();
        }
      } finally {
        await core.close();
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(ptyDir, { recursive: true, force: true });
      }
      const plug = median(listed);
      const first = median(tested);
      return [
        {
          name: 'plug → listed (median of 5)',
          value: plug,
          unit: 'ms',
          target: '< 2000 ms',
          met: plug < 2000,
        },
        {
          name: 'assignment → first successful test (median of 5)',
          value: first,
          unit: 'ms',
          target: '< 3000 ms',
          met: first < 3000,
        },
      ];
    },
  },
  {
    name: 'technician: log write cost',
    async run(): Promise<Figure[]> {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'booth-log-bench-'));
      const { log, file } = createFileLogger(dataDir, { maxBytes: 1024 * 1024, keep: 2 });
      try {
        const visits = 2000;
        const started = performance.now();
        for (let v = 0; v < visits; v++) for (const [event, fields] of VISIT_LINES) log.info(event, fields);
        const perVisit = ((performance.now() - started) * 1000) / visits;
        return [
          {
            name: `log lines of one visit (${VISIT_LINES.length} lines, scrubbed, rotating file)`,
            value: perVisit,
            unit: 'µs',
          },
        ];
      } finally {
        file.end();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  },
];
