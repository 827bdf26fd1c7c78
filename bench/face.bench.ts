/**
 * Face engine benchmarks (Node, wasm backend, real models): cold model load, `booth face compare` per pair,
 * live frame → decision, consent → first guidance with and without loading before consent, memory over
 * 2 × 100 verifications; and the calibration behind the default thresholds (same-person and different-person
 * score distributions on the test images and their variants, printed as a table and summarised as figures;
 * docs/FACE.md records a run). The memory figures collect garbage first (the bench turns `gc` on itself).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FaceEngine } from '../main/services/face/engine.js';
import { type RgbImage, decodeImage } from '../main/services/face/image.js';
import { DEFAULT_FACE_THRESHOLDS, decide, faceSimilarity } from '../main/services/face/policy.js';
import {
  LIVE_VARIANTS,
  PORTRAITS,
  PROFILE_FILE,
  type Person,
  fixtureImage,
  idCardJpeg,
  liveFrame,
} from '../test/support/face-variants.js';
import type { Benchmark, Figure } from './harness.js';
import { median, percentile } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let engine: FaceEngine | null = null;
let coldLoadMs = Number.NaN;

async function theEngine(): Promise<FaceEngine> {
  if (!engine) {
    const t0 = performance.now();
    engine = await FaceEngine.load();
    coldLoadMs = performance.now() - t0;
  }
  return engine;
}

async function embeddingOf(e: FaceEngine, img: RgbImage): Promise<readonly number[]> {
  const a = await e.analyse(img);
  const best = [...a.faces].sort((x, y) => y.detectionScore - x.detectionScore)[0];
  if (!best?.embedding) throw new Error('no face found in a calibration image');
  return best.embedding;
}

const speed: Benchmark = {
  name: 'face: engine',
  async run(): Promise<Figure[]> {
    const e = await theEngine();
    const card = decodeImage(idCardJpeg('collins'));
    const live = liveFrame('collins');
    let t0 = performance.now();
    await e.analyse(live);
    const firstDetect = performance.now() - t0;
    // `booth face compare` per pair, models loaded: two detections, gates, similarity.
    const pairMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      t0 = performance.now();
      await e.compare(card, live, DEFAULT_FACE_THRESHOLDS);
      pairMs.push(performance.now() - t0);
    }
    // Capture → decision: one live frame against the card photo's descriptor, computed once per visit.
    const ref = await embeddingOf(e, card);
    const frameMs: number[] = [];
    for (let i = 0; i < 40; i++) {
      t0 = performance.now();
      decide(faceSimilarity(ref, await embeddingOf(e, live)), DEFAULT_FACE_THRESHOLDS);
      frameMs.push(performance.now() - t0);
    }
    await e.forget();
    const p95 = percentile(frameMs, 95);
    return [
      { name: 'model load (cold)', value: coldLoadMs, unit: 'ms' },
      { name: 'first detection (warm-up, no zeros pass)', value: firstDetect, unit: 'ms' },
      { name: 'booth face compare per pair (median, n=20)', value: median(pairMs), unit: 'ms' },
      { name: 'booth face compare per pair (p95, n=20)', value: percentile(pairMs, 95), unit: 'ms' },
      { name: 'capture → decision (median, n=40)', value: median(frameMs), unit: 'ms' },
      {
        name: 'capture → decision (p95, n=40)',
        value: p95,
        unit: 'ms',
        target: '< 1000 ms',
        met: p95 < 1000,
      },
    ];
  },
};

/** Runs bench/face-consent.ts in a fresh process (cold models and backend) and reads its JSON line. */
function consentRun(mode: 'before' | 'after'): Record<string, number> {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, path.join(here, 'face-consent.ts'), mode],
    {
      encoding: 'utf8',
      maxBuffer: 1_000_000,
    },
  );
  const line = out.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as Record<string, number>;
}

const consent: Benchmark = {
  name: 'face: consent',
  async run(): Promise<Figure[]> {
    // One after the other, never together: the machine's two cores are shared.
    const before = consentRun('before');
    const after = consentRun('after');
    const ms = (name: string, r: Record<string, number>, key: string): Figure => ({
      name,
      value: r[key] ?? Number.NaN,
      unit: 'ms',
    });
    return [
      ms('consent → first guidance, before (load after consent)', before, 'consentToGuidanceMs'),
      ms('  of which model load after consent', before, 'loadAfterConsentMs'),
      ms('  of which card descriptor', before, 'cardMs'),
      ms('  of which first frame', before, 'firstFrameMs'),
      ms('consent → first guidance, after (preloaded, warmed)', after, 'consentToGuidanceMs'),
      ms('  of which card descriptor', after, 'cardMs'),
      ms('  of which first frame', after, 'firstFrameMs'),
      ms('load + warm-up on zeros, before consent (after)', after, 'preloadMs'),
    ];
  },
};

/**
 * The resident size of the wasm backend's heap: the anonymous mapping of exactly its size in /proc/self/smaps
 * (Linux; NaN elsewhere). What the process holds beyond it, the JS heap and tensors is native memory.
 */
function wasmResidentBytes(heapBytes: number): number {
  try {
    for (const block of readFileSync('/proc/self/smaps', 'utf8').split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/)) {
      const size = Number(/\nSize:\s+(\d+) kB/.exec(block)?.[1] ?? 0) * 1024;
      if (size === heapBytes) return Number(/\nRss:\s+(\d+) kB/.exec(block)?.[1] ?? Number.NaN) * 1024;
    }
  } catch {
    // not Linux
  }
  return Number.NaN;
}

/** Collects garbage (the bench turns `gc` on when node was not started with --expose-gc). */
function collectGarbage(): void {
  if (!global.gc) setFlagsFromString('--expose-gc');
  const gc = global.gc ?? (runInNewContext('gc') as () => void);
  gc();
}

const memory: Benchmark = {
  name: 'face: memory',
  async run(): Promise<Figure[]> {
    const e = await theEngine();
    const card = decodeImage(idCardJpeg('hopper'));
    const live = liveFrame('hopper');
    // One verification as the kiosk makes it per citizen: the comparison, then human's state wiped.
    const verify = async (): Promise<void> => {
      await e.compare(card, live, DEFAULT_FACE_THRESHOLDS);
      await e.forget();
    };
    // Settle first: the first verifications allocate the backend's working buffers for these sizes.
    for (let i = 0; i < 5; i++) await verify();
    const snapshot = (): {
      rss: number;
      heap: number;
      tensors: number;
      bytes: number;
      wasmHeapBytes: number;
      wasmResident: number;
    } => {
      collectGarbage();
      const m = process.memoryUsage();
      const engineMemory = e.memory();
      return {
        rss: m.rss,
        heap: m.heapUsed,
        ...engineMemory,
        wasmResident: wasmResidentBytes(engineMemory.wasmHeapBytes),
      };
    };
    const mb = (n: number): number => n / 1_048_576;
    const s0 = snapshot();
    for (let i = 0; i < 100; i++) await verify();
    const s1 = snapshot();
    for (let i = 0; i < 100; i++) await verify();
    const s2 = snapshot();
    const growth = mb(s1.rss - s0.rss);
    return [
      {
        name: 'RSS growth, verifications 1–100',
        value: growth,
        unit: 'MB',
        target: '≤ 10 MB',
        met: growth <= 10,
      },
      { name: 'RSS growth, verifications 101–200', value: mb(s2.rss - s1.rss), unit: 'MB' },
      { name: 'JS heap growth, verifications 1–100', value: mb(s1.heap - s0.heap), unit: 'MB' },
      { name: 'JS heap growth, verifications 101–200', value: mb(s2.heap - s1.heap), unit: 'MB' },
      { name: 'tfjs tensors before / after 200', value: s0.tensors, unit: `/ ${s2.tensors} tensors` },
      { name: 'tfjs bytes before / after 200', value: mb(s0.bytes), unit: `/ ${mb(s2.bytes).toFixed(2)} MB` },
      {
        name: 'wasm heap before / after 200',
        value: mb(s0.wasmHeapBytes),
        unit: `/ ${mb(s2.wasmHeapBytes).toFixed(1)} MB`,
      },
      {
        name: 'wasm heap resident, before / after 100 / after 200',
        value: mb(s0.wasmResident),
        unit: `/ ${mb(s1.wasmResident).toFixed(1)} / ${mb(s2.wasmResident).toFixed(1)} MB`,
      },
      { name: 'RSS before / after 200', value: mb(s0.rss), unit: `/ ${mb(s2.rss).toFixed(1)} MB` },
    ];
  },
};

const calibration: Benchmark = {
  name: 'face: calibration',
  async run(): Promise<Figure[]> {
    const e = await theEngine();
    const people = Object.keys(PORTRAITS) as Person[];
    const images = new Map<string, readonly number[]>();
    for (const p of people) {
      const original = fixtureImage(PORTRAITS[p].file);
      images.set(`${p}:id-card`, await embeddingOf(e, decodeImage(idCardJpeg(p))));
      images.set(`${p}:original`, await embeddingOf(e, original));
      for (const [name, make] of Object.entries(LIVE_VARIANTS))
        images.set(`${p}:${name}`, await embeddingOf(e, make(original)));
    }
    images.set('cameraman:profile', await embeddingOf(e, fixtureImage(PROFILE_FILE)));
    const names = [...images.keys()];
    const same: number[] = [];
    const different: number[] = [];
    const rows: string[] = [];
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) {
        const [a, b] = [names[i] ?? '', names[j] ?? ''];
        const score = faceSimilarity(images.get(a) ?? [], images.get(b) ?? []);
        const isSame = a.split(':')[0] === b.split(':')[0];
        (isSame ? same : different).push(score);
        rows.push(`  ${isSame ? 'same' : 'diff'}  ${score.toFixed(3)}  ${a}  ×  ${b}`);
      }
    console.log(rows.sort().join('\n'));
    const t = DEFAULT_FACE_THRESHOLDS;
    return [
      { name: `same-person pairs (${same.length}) min`, value: Math.min(...same), unit: 'score' },
      { name: 'same-person pairs median', value: median(same), unit: 'score' },
      { name: 'same-person pairs max', value: Math.max(...same), unit: 'score' },
      {
        name: `different-person pairs (${different.length}) min`,
        value: Math.min(...different),
        unit: 'score',
      },
      { name: 'different-person pairs median', value: median(different), unit: 'score' },
      { name: 'different-person pairs max', value: Math.max(...different), unit: 'score' },
      {
        name: 'pairs on the wrong side of the thresholds',
        value: same.filter((s) => s < t.match).length + different.filter((s) => s > t.noMatch).length,
        unit: 'pairs',
      },
    ];
  },
};

/** The face benchmarks. */
export const benchmarks: Benchmark[] = [speed, consent, memory, calibration];
