import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { chromium } from '@playwright/test';
import WebSocket from 'ws';
import type { RpcChannel } from '../main/api/channel.js';
import type { KioskApiTable } from '../main/api/kiosk-api.js';
import { createRpcClient } from '../main/api/rpc-client.js';
import type { KioskEvents } from '../main/api/views.js';
import { RPC_SUBPROTOCOL, startBrowserHost } from '../main/browser-host/server.js';
import { startKioskCore } from '../main/core/kiosk-core.js';
import { silentLogger } from '../main/core/log.js';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS } from '../test/support/chromium.js';
import type { Benchmark, Figure } from './harness.js';
import { median, percentile } from './harness.js';

async function timeRoundTrips(channel: RpcChannel, n: number): Promise<number[]> {
  const client = createRpcClient<KioskApiTable, KioskEvents>(channel);
  for (let i = 0; i < 200; i++) await client.api['visit.get']();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await client.api['kiosk.info']();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (!r.ok) throw new Error('call failed');
  }
  client.close();
  return samples;
}

/** A MessageChannel carrying text frames — the same shape as Electron's MessagePortMain path. */
function messageChannelPair(): [RpcChannel, RpcChannel, () => void] {
  const { port1, port2 } = new MessageChannel();
  const wrap = (port: typeof port1): RpcChannel => ({
    send: (text) => port.postMessage(text),
    onMessage: (l) => {
      const h = (d: unknown): void => {
        if (typeof d === 'string') l(d);
      };
      port.on('message', h);
      return () => port.off('message', h);
    },
    onClose: (l) => {
      port.on('close', l);
      return () => port.off('close', l);
    },
    close: () => port.close(),
  });
  return [wrap(port1), wrap(port2), () => port1.close()];
}

export const benchmarks: Benchmark[] = [
  {
    name: 'kiosk-api round trip',
    async run(): Promise<Figure[]> {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-bench-'));
      const core = await startKioskCore({
        dataDir,
        mode: 'demonstration',
        host: 'browser',
        log: silentLogger,
      });
      const host = await startBrowserHost({
        core,
        staticDir: path.resolve('dist/renderer'),
        port: 0,
        log: silentLogger,
      });
      try {
        const ws = new WebSocket(
          `ws://127.0.0.1:${host.port}/rpc`,
          [RPC_SUBPROTOCOL, `token.${host.token}`],
          {
            origin: host.origin,
          },
        );
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
        const wsChannel: RpcChannel = {
          send: (t) => ws.send(t),
          onMessage: (l) => {
            const h = (d: WebSocket.RawData): void => l(String(d));
            ws.on('message', h);
            return () => ws.off('message', h);
          },
          onClose: (l) => {
            ws.on('close', l);
            return () => ws.off('close', l);
          },
          close: () => ws.close(),
        };
        const wsSamples = await timeRoundTrips(wsChannel, 3000);
        // The core serves one renderer session; let this one go before the MessageChannel one connects.
        await new Promise((resolve) => {
          ws.once('close', resolve);
          ws.close();
        });

        const [coreEnd, rendererEnd, closePorts] = messageChannelPair();
        core.connect(coreEnd);
        const mcSamples = await timeRoundTrips(rendererEnd, 3000);
        closePorts();
        return [
          { name: 'WebSocket round trip p50', value: median(wsSamples), unit: 'µs' },
          { name: 'WebSocket round trip p99', value: percentile(wsSamples, 99), unit: 'µs' },
          { name: 'MessageChannel round trip p50', value: median(mcSamples), unit: 'µs' },
          { name: 'MessageChannel round trip p99', value: percentile(mcSamples, 99), unit: 'µs' },
        ];
      } finally {
        await host.close();
        await core.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'browser-host cold start',
    async run(): Promise<Figure[]> {
      const runs = 5;
      const total: number[] = [];
      const coreOnly: number[] = [];
      for (let i = 0; i < runs; i++) {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-bench-'));
        const t0 = performance.now();
        const core = await startKioskCore({
          dataDir,
          mode: 'demonstration',
          host: 'browser',
          log: silentLogger,
        });
        const host = await startBrowserHost({
          core,
          staticDir: path.resolve('dist/renderer'),
          port: 0,
          log: silentLogger,
        });
        const tServing = performance.now();
        const browser = await chromium.launch({
          executablePath: CHROMIUM_EXECUTABLE,
          args: [...CHROMIUM_TEST_ARGS],
        });
        const page = await browser.newPage();
        await page.goto(host.kioskUrl);
        await page.getByRole('button', { name: '点击开始办理' }).waitFor({ state: 'visible' });
        const tAttract = performance.now();
        total.push(tAttract - t0);
        coreOnly.push(tServing - t0);
        await browser.close();
        await host.close();
        await core.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
      return [
        { name: `core + host serving (median of ${runs})`, value: median(coreOnly), unit: 'ms' },
        {
          name: `start → attract screen rendered in Chromium (median of ${runs})`,
          value: median(total),
          unit: 'ms',
        },
      ];
    },
  },
];
