/**
 * Face engine benchmarks (Node, wasm backend, real models): cold model load, `booth face compare` per pair,
 * live frame → decision, memory after 100 verifications; and the calibration behind the default thresholds
 * (same-person and different-person score distributions on the test images and their variants, printed as
 * a table and summarised as figures; docs/FACE.md records a run). Run with NODE_OPTIONS=--expose-gc for
 * the memory figures to exclude uncollected garbage.
 */
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
    for (let i = 0; i < 10; i++) {
      t0 = performance.now();
      await e.compare(card, live, DEFAULT_FACE_THRESHOLDS);
      pairMs.push(performance.now() - t0);
    }
    // Capture → decision: one live frame against the card photo's descriptor, computed once per visit.
    const ref = await embeddingOf(e, card);
    const frameMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      t0 = performance.now();
      decide(faceSimilarity(ref, await embeddingOf(e, live)), DEFAULT_FACE_THRESHOLDS);
      frameMs.push(performance.now() - t0);
    }
    const p95 = percentile(frameMs, 95);
    return [
      { name: 'model load (cold)', value: coldLoadMs, unit: 'ms' },
      { name: 'first detection (warm-up)', value: firstDetect, unit: 'ms' },
      { name: 'booth face compare per pair (median)', value: median(pairMs), unit: 'ms' },
      { name: 'booth face compare per pair (p95)', value: percentile(pairMs, 95), unit: 'ms' },
      { name: 'live frame → decision (median)', value: median(frameMs), unit: 'ms' },
      { name: 'live frame → decision (p95)', value: p95, unit: 'ms', target: '< 1000 ms', met: p95 < 1000 },
    ];
  },
};

const memory: Benchmark = {
  name: 'face: memory',
  async run(): Promise<Figure[]> {
    const e = await theEngine();
    const card = decodeImage(idCardJpeg('hopper'));
    const live = liveFrame('hopper');
    // Settle first: the first verifications allocate the backend's working buffers for these sizes.
    for (let i = 0; i < 5; i++) await e.compare(card, live, DEFAULT_FACE_THRESHOLDS);
    const snapshot = (): { rss: number; heap: number; tensors: number } => {
      global.gc?.(); // with node --expose-gc (bench/run.ts does not need it; figures are then noisier)
      const m = process.memoryUsage();
      return { rss: m.rss, heap: m.heapUsed, ...e.memory() };
    };
    const mb = (n: number): number => n / 1_048_576;
    const before = snapshot();
    for (let i = 0; i < 100; i++) await e.compare(card, live, DEFAULT_FACE_THRESHOLDS);
    const after = snapshot();
    const growth = mb(after.rss - before.rss);
    return [
      {
        name: 'RSS growth over 100 verifications',
        value: growth,
        unit: 'MB',
        target: '≤ 10 MB',
        met: growth <= 10,
      },
      { name: 'JS heap growth over 100 verifications', value: mb(after.heap - before.heap), unit: 'MB' },
      { name: 'tfjs tensors held, after − before', value: after.tensors - before.tensors, unit: 'tensors' },
      { name: 'RSS after 100 verifications', value: mb(after.rss), unit: 'MB' },
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
export const benchmarks: Benchmark[] = [speed, memory, calibration];
