/**
 * The face engine's memory where the kiosk runs it: Chromium's renderer. A bench-only page (bench/face-page/,
 * built here with Vite into a temporary folder, with the face models and wasm emitted by the renderer build's
 * own plugin and served from the page's own origin on 127.0.0.1) drives the renderer's face engine and camera
 * code per citizen — card photo descriptor, camera opened, challenge frames, one full frame compared, camera
 * stopped, engine wiped — in system Chromium with the fake camera showing the still test portrait.
 *
 * Read after garbage collection (CDP `HeapProfiler.collectGarbage`) before the first verification, after the
 * settling ones, then every 25 verifications up to 200: the renderer process's resident memory
 * (/proc/PID/status, the pid from CDP `SystemInfo.getProcessInfo`), its JS heap (CDP `Runtime.getHeapUsage`),
 * the engine's tfjs tensors and bytes and wasm heap size, and the GPU process's resident memory. Target
 * (issue 11): the renderer grows ≤ 10 MB over verifications 1–100.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { build } from 'vite';
import { z } from 'zod';
import { faceAssets } from '../scripts/face/vite-plugin.js';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS, fakeCameraArgs } from '../test/support/chromium.js';
import { chromiumProcesses, resident } from '../test/support/chromium-memory.js';
import { stillClip } from '../test/support/face-clips.js';
import { idCardJpeg } from '../test/support/face-variants.js';
import type { Benchmark, Figure } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Verifications before the first reading. The first ones grow the wasm heap to its working size for these
 * frame sizes, let V8 compile and optimise the engine's code and fill the camera pipeline's buffer pools:
 * one-time costs of a kiosk's first citizens, not growth per citizen (the bench prints their size).
 */
const SETTLE = 10;
/** Frames analysed for the challenge (detector and mesh) before the full frame that is compared. */
const CHALLENGE_FRAMES = 6;
const STEP = 25;
const MB = 1_048_576;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

/** Builds the bench page into a new temporary folder (never dist/renderer) and returns the folder. */
async function buildPage(): Promise<string> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'booth-face-page-'));
  await build({
    configFile: false,
    root: path.join(here, 'face-page'),
    base: './',
    publicDir: false,
    logLevel: 'warn',
    plugins: [faceAssets()],
    build: { outDir, emptyOutDir: true, target: 'chrome120', chunkSizeWarningLimit: 4000 },
  });
  return outDir;
}

/** Serves a folder on 127.0.0.1 (a secure context for the camera, the page's own origin for models and wasm). */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, name.endsWith('/') ? `${name}index.html` : name);
    if (!file.startsWith(dir + path.sep)) return void res.writeHead(403).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the page server has no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

const EngineMemory = z.object({ tensors: z.number(), bytes: z.number(), wasmHeapBytes: z.number() });
const Odd = z.record(z.string(), z.number());
const HeapUsage = z.object({ usedSize: z.number(), totalSize: z.number() });

interface Reading {
  readonly after: number;
  readonly rss: number;
  readonly anon: number;
  readonly shmem: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly tensors: number;
  readonly bytes: number;
  readonly wasmHeapBytes: number;
  readonly gpuRss: number;
  readonly renderers: number;
}

async function read(
  page: Page,
  pageCdp: CDPSession,
  browserCdp: CDPSession,
  after: number,
): Promise<Reading> {
  const engine = EngineMemory.parse(await page.evaluate('window.faceBench.memory()'));
  // Twice: the first pass may only queue finalisers (canvases, video frames) whose memory the second frees.
  await pageCdp.send('HeapProfiler.collectGarbage');
  await pageCdp.send('HeapProfiler.collectGarbage');
  const heap = HeapUsage.parse(await pageCdp.send('Runtime.getHeapUsage'));
  const procs = await chromiumProcesses(browserCdp);
  const { rss, anon, shmem } = resident(procs.renderer);
  const gpuRss = procs.gpu.reduce((sum, pid) => sum + resident(pid).rss, 0);
  return {
    after,
    rss,
    anon,
    shmem,
    heapUsed: heap.usedSize,
    heapTotal: heap.totalSize,
    ...engine,
    gpuRss,
    renderers: procs.renderers,
  };
}

/** Runs `count` verifications in the page; throws unless every one matched (the faces really were compared). */
async function verify(page: Page, card: string, count: number): Promise<void> {
  const odd = Odd.parse(
    await page.evaluate(`window.faceBench.run(${JSON.stringify(card)}, ${count}, ${CHALLENGE_FRAMES})`),
  );
  if (Object.keys(odd).length > 0)
    throw new Error(`verifications that did not match: ${JSON.stringify(odd)}`);
}

async function measure(): Promise<Reading[]> {
  const dir = await buildPage();
  const clip = path.join(dir, 'camera.y4m');
  writeFileSync(clip, stillClip());
  const { server, url } = await serve(dir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: [...CHROMIUM_TEST_ARGS, ...fakeCameraArgs(clip)],
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(url);
    await page.waitForFunction('window.faceBench !== undefined');
    const pageCdp = await page.context().newCDPSession(page);
    const browserCdp = await browser.newBrowserCDPSession();
    const card = `data:image/jpeg;base64,${Buffer.from(idCardJpeg('collins')).toString('base64')}`;
    await page.evaluate('window.faceBench.load()');
    const readings = [await read(page, pageCdp, browserCdp, -SETTLE)];
    await verify(page, card, SETTLE);
    readings.push(await read(page, pageCdp, browserCdp, 0));
    const t0 = performance.now();
    for (let done = STEP; done <= 200; done += STEP) {
      await verify(page, card, STEP);
      readings.push(await read(page, pageCdp, browserCdp, done));
      console.log(`  ${done} verifications (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    return readings;
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const memory: Benchmark = {
  name: 'face: renderer memory',
  async run(): Promise<Figure[]> {
    const readings = await measure();
    const at = (n: number): Reading => {
      const r = readings.find((x) => x.after === n);
      if (!r) throw new Error(`no reading after ${n}`);
      return r;
    };
    const mb = (n: number): string => (n / MB).toFixed(1);
    console.log(
      '  after  renderer RSS  anon  shmem  JS heap used/total  tensors  tf bytes  wasm heap  GPU RSS (MB)',
    );
    for (const r of readings)
      console.log(
        `  ${String(r.after).padStart(5)}  ${mb(r.rss).padStart(12)}  ${mb(r.anon).padStart(4)}  ${mb(r.shmem).padStart(5)}  ` +
          `${mb(r.heapUsed)}/${mb(r.heapTotal)}`.padStart(18) +
          `  ${String(r.tensors).padStart(7)}  ${mb(r.bytes).padStart(8)}  ${mb(r.wasmHeapBytes).padStart(9)}` +
          `  ${mb(r.gpuRss).padStart(7)}  (${r.renderers} renderer processes)`,
      );
    const [loaded, s0, s1, s2] = [at(-SETTLE), at(0), at(100), at(200)];
    const growth = (s1.rss - s0.rss) / MB;
    const figure = (name: string, a: Reading, b: Reading, key: keyof Reading): Figure => ({
      name,
      value: (b[key] - a[key]) / MB,
      unit: 'MB',
    });
    return [
      {
        name: 'renderer RSS growth, verifications 1–100',
        value: growth,
        unit: 'MB',
        target: '≤ 10 MB',
        met: growth <= 10,
      },
      figure('renderer RSS growth, verifications 101–200', s1, s2, 'rss'),
      figure(`renderer RSS growth, the ${SETTLE} settling verifications`, loaded, s0, 'rss'),
      figure('renderer anonymous RSS growth, 1–100', s0, s1, 'anon'),
      figure('renderer anonymous RSS growth, 101–200', s1, s2, 'anon'),
      figure('renderer shared-memory RSS growth, 1–100', s0, s1, 'shmem'),
      figure('JS heap (used) growth, 1–100', s0, s1, 'heapUsed'),
      figure('JS heap (used) growth, 101–200', s1, s2, 'heapUsed'),
      figure('GPU process RSS growth, 1–200', s0, s2, 'gpuRss'),
      {
        name: 'renderer RSS loaded / settled / after 100 / after 200',
        value: loaded.rss / MB,
        unit: `/ ${mb(s0.rss)} / ${mb(s1.rss)} / ${mb(s2.rss)} MB`,
      },
      { name: 'tfjs tensors settled / after 200', value: s0.tensors, unit: `/ ${s2.tensors} tensors` },
      { name: 'tfjs bytes settled / after 200', value: s0.bytes / MB, unit: `/ ${mb(s2.bytes)} MB` },
      {
        name: 'wasm heap loaded / settled / after 200',
        value: loaded.wasmHeapBytes / MB,
        unit: `/ ${mb(s0.wasmHeapBytes)} / ${mb(s2.wasmHeapBytes)} MB`,
      },
    ];
  },
};

/** The Chromium renderer's face memory benchmark. */
export const benchmarks: Benchmark[] = [memory];
