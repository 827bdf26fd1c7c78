import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Builds the bundles with scripts/build-main.mjs into a temp folder and runs the BUILT core entry
 * (dist/main/core/utility-entry.js) the way Electron's utilityProcess would: in a separate thread whose
 * `process.parentPort` delivers `{ data, ports }` events, with a transferred port per connection. This is
 * as close to the Electron path as a machine without the Electron binary gets.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let outDir: string;
let outputs: { main: string; preload: string; core: string };

beforeAll(async () => {
  // Inside the repo (.tmp is git-ignored) so the external packages resolve from node_modules, as in dist/.
  mkdirSync(path.join(repoRoot, '.tmp'), { recursive: true });
  outDir = mkdtempSync(path.join(repoRoot, '.tmp', 'build-main-'));
  const { buildMain } = (await import(path.join(repoRoot, 'scripts', 'build-main.mjs'))) as {
    buildMain(options: { outDir: string; quiet: boolean }): Promise<typeof outputs>;
  };
  outputs = await buildMain({ outDir, quiet: true });
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs in the worker: plays Electron's parentPort and MessagePortMain shapes over worker_threads ports. */
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const wrap = (port) => ({
  on: (event, listener) => event === 'message' ? port.on('message', (data) => listener({ data })) : port.on(event, listener),
  start: () => port.start(),
  postMessage: (message) => port.postMessage(message),
  close: () => port.close(),
});
process.parentPort = {
  on: (event, listener) => parentPort.on('message', (message) => listener({ data: message.data, ports: (message.ports || []).map(wrap) })),
  postMessage: (message) => parentPort.postMessage({ fromCore: message }),
};
import(pathToFileURL(process.env.CORE_ENTRY).href);
`;

describe('built bundles', () => {
  it('emit an ESM main that imports electron, and a preload that requires only electron', () => {
    const main = readFileSync(outputs.main, 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).toContain('kiosk:connect');
    const preload = readFileSync(outputs.preload, 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
  });

  it('run the core from the init message and serve the KioskApi on a transferred port', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'core-data-'));
    const worker = new Worker(workerSource, {
      eval: true,
      env: { ...process.env, CORE_ENTRY: outputs.core },
      stdout: true,
      stderr: true,
    });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    try {
      const ready = new Promise<unknown>((resolve, reject) => {
        worker.on('message', (message: { fromCore?: unknown }) => resolve(message.fromCore));
        worker.once('error', reject);
      });
      worker.postMessage({
        data: {
          type: 'init',
          dataDir,
          mode: 'demonstration',
          modeReason: 'test',
          dataKey: Buffer.alloc(32, 3).toString('base64'),
        },
      });
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ data: { type: 'connect' }, ports: [port2] }, [port2]);
      expect(await ready).toEqual({ type: 'ready' });

      const reply = new Promise<string>((resolve) => port1.once('message', (text: string) => resolve(text)));
      port1.postMessage(JSON.stringify({ id: 1, method: 'kiosk.info' }));
      const frame = JSON.parse(await reply) as {
        id: number;
        ok: boolean;
        value: { host: string; simulated: boolean };
      };
      expect(frame).toMatchObject({ id: 1, ok: true, value: { host: 'electron', simulated: true } });

      const bad = new Promise<string>((resolve) => port1.once('message', (text: string) => resolve(text)));
      port1.postMessage('{not json');
      expect(JSON.parse(await bad)).toMatchObject({ id: null, ok: false, error: { code: 'bad-request' } });

      worker.postMessage({ data: { type: 'shutdown' } });
      expect(await exited).toBe(0);
      port1.close();
    } finally {
      await worker.terminate();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
