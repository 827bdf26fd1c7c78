/**
 * The face engine in Node (for `booth face compare|check`, calibration and tests): @vladmandic/human on the
 * tfjs wasm backend, with the models and wasm binaries of the installed packages read from disk. Nothing is
 * fetched from the network and nothing is cached between images: every image is detected from scratch.
 *
 * Why it is wired this way (measured, see docs/FACE.md):
 * - human's Node wasm build is loaded by file path: the package's `exports` map has no `./`-prefixed keys, so
 *   a deep import by subpath is refused.
 * - tfjs loads models with `fetch`, and Node's fetch refuses `file://` URLs (tfjs-node, which would handle
 *   them, needs a downloaded binary). So while models load, `fetch` answers `file://` URLs from disk and
 *   hands everything else to the real fetch; it is put back once loading is done.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Config, FaceResult, Human, Tensor } from '@vladmandic/human';
import { faceMeasure, forgetFaces, verificationConfig, warmUpModels } from './human-config.js';
import type { RgbImage } from './image.js';
import { headFromMesh, type HeadGeometry, type MeshPoint } from './photo.js';
import {
  type FaceGates,
  type FaceMeasure,
  type FaceThresholds,
  type QualityVerdict,
  REFERENCE_GATES,
  decide,
  evaluateQuality,
  faceSimilarity,
} from './policy.js';

const require = createRequire(import.meta.url);

/** Where the models and wasm binaries are (defaults: inside the installed packages). */
export interface FaceEngineOptions {
  /** Folder holding blazeface.json, facemesh.json, faceres.json, antispoof.json, liveness.json, … */
  readonly modelDir?: string;
  /** Folder holding tfjs-backend-wasm*.wasm. */
  readonly wasmDir?: string;
}

/** The folder of an installed package, found from its main entry (its package.json is not exported). */
function packageDir(name: string, entryDir: string): string {
  const entry = require.resolve(name);
  let dir = path.dirname(entry);
  while (path.basename(dir) !== entryDir) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot locate the ${name} package`);
    dir = parent;
  }
  return path.dirname(dir);
}

/** The default model and wasm folders: those shipped in the installed packages. */
export function defaultFaceAssetDirs(): { modelDir: string; wasmDir: string; humanDir: string } {
  const humanDir = packageDir('@vladmandic/human', 'dist');
  const wasmPackage = packageDir('@tensorflow/tfjs-backend-wasm', 'dist');
  return {
    humanDir,
    modelDir: path.join(humanDir, 'models'),
    wasmDir: path.join(wasmPackage, 'dist'),
  };
}

/** One face the engine found: the measures the gates read, and its descriptor (never printed or stored). */
export interface AnalysedFace extends FaceMeasure {
  /** Anti-spoofing and liveness model scores (0–1), on live analyses only. */
  readonly real: number | null;
  readonly live: number | null;
  /** The face descriptor: kept in memory for the comparison at hand only. */
  readonly embedding: readonly number[] | null;
  /** The head (crown to chin) from the face mesh, for the certificate photo rules. */
  readonly head: HeadGeometry | null;
}

/** Everything found in one image. */
export interface ImageAnalysis {
  readonly width: number;
  readonly height: number;
  readonly faces: readonly AnalysedFace[];
}

/** The result of comparing two images. */
export interface FaceComparison {
  readonly decision: 'match' | 'no-match' | 'uncertain' | 'no-face' | 'unusable';
  /** Similarity 0–1, or null when no comparison was made. */
  readonly score: number | null;
  readonly thresholds: FaceThresholds;
  /** Each image's quality verdict (gates for a reference photo). */
  readonly images: readonly [QualityVerdict, QualityVerdict];
}

/** Turns one detection into the measures the policy reads, with its model scores and descriptor. */
function toAnalysedFace(face: FaceResult, image: RgbImage): AnalysedFace {
  const view = { width: image.width, height: image.height, channels: 3 as const, data: image.data };
  return {
    ...faceMeasure(face, view),
    real: typeof face.real === 'number' ? face.real : null,
    live: typeof face.live === 'number' ? face.live : null,
    // A copy: human's own array is its descriptor model's cache, which `forget` wipes.
    embedding: face.embedding && face.embedding.length > 0 ? [...face.embedding] : null,
    head: headFromMesh(face.mesh as unknown as MeshPoint[], face.box),
  };
}

/** Answers `file://` URLs from disk while models load; everything else goes to the real fetch. */
async function withFileFetch<T>(run: () => Promise<T>): Promise<T> {
  const realFetch = globalThis.fetch;
  const fileFetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return realFetch(input, init);
    try {
      const body = await readFile(fileURLToPath(url));
      const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      return new Response(body, { status: 200, headers: { 'content-type': type } });
    } catch {
      return new Response(null, { status: 404, statusText: 'Not Found' });
    }
  };
  globalThis.fetch = fileFetch;
  try {
    return await run();
  } finally {
    globalThis.fetch = realFetch;
  }
}

type HumanModule = { Human: new (config?: Partial<Config>) => Human };

/** The Node face engine. Create with {@link FaceEngine.load}; `dispose` when done. */
export class FaceEngine {
  /**
   * The one buffer images are converted to floats in, grown to the largest image seen and zeroed after each
   * use, so no copy of a face's pixels is left for the garbage collector. (An A/B run against a fresh array
   * per image showed no measurable difference in RSS: see docs/FACE.md, benchmarks.)
   */
  private work = new Float32Array(0);

  private constructor(
    private readonly human: Human,
    private readonly liveLoaded: boolean,
  ) {}

  /**
   * Loads the models (cold: hundreds of milliseconds). `live: true` also loads the antispoof and liveness
   * models, used by {@link analyse} with `live`.
   */
  static async load(options: FaceEngineOptions & { live?: boolean } = {}): Promise<FaceEngine> {
    const dirs = defaultFaceAssetDirs();
    const modelDir = options.modelDir ?? dirs.modelDir;
    const wasmDir = options.wasmDir ?? dirs.wasmDir;
    const mod = require(path.join(dirs.humanDir, 'dist', 'human.node-wasm.js')) as HumanModule;
    const paths = {
      backend: 'wasm' as const,
      modelBasePath: pathToFileURL(modelDir + path.sep).href,
      // The wasm backend joins file names onto this prefix.
      wasmPath: wasmDir.endsWith(path.sep) ? wasmDir : wasmDir + path.sep,
    };
    const human = new mod.Human(verificationConfig(paths, options.live === true));
    await withFileFetch(async () => {
      await human.load();
    });
    return new FaceEngine(human, options.live === true);
  }

  /** The image as a `[1, h, w, 3]` float tensor, through the reused work buffer (left zeroed). */
  private toTensor(image: RgbImage): Tensor {
    const n = image.data.length;
    if (this.work.length < n) this.work = new Float32Array(n);
    const pixels = this.work.subarray(0, n);
    pixels.set(image.data);
    try {
      // The backend copies the values into its own memory here.
      return this.human.tf.tensor(pixels, [1, image.height, image.width, 3], 'float32');
    } finally {
      pixels.fill(0);
    }
  }

  /**
   * Initialises every model on zeros (no image): what the kiosk does before consent, so that after consent
   * only the card photo and the frames are analysed.
   */
  async warmUp(): Promise<void> {
    await warmUpModels(this.human);
  }

  /**
   * Wipes what human keeps of the last faces (descriptors zeroed, last result and mesh box cache replaced by a
   * blank frame's): called when a check ends, so nothing of one person's face outlives it.
   */
  async forget(): Promise<void> {
    await forgetFaces(this.human);
  }

  /** Descriptors of the faces human last saw, as it still holds them (for the test of {@link forget}). */
  heldDescriptors(): readonly (readonly number[])[] {
    return this.human.result.face.flatMap((f) => (f.embedding ? [f.embedding] : []));
  }

  /** Detects faces in one image and measures each; `live` adds the antispoof and liveness scores. */
  async analyse(image: RgbImage, options: { live?: boolean } = {}): Promise<ImageAnalysis> {
    const live = options.live === true;
    if (live && !this.liveLoaded) throw new Error('the engine was loaded without the live models');
    const human = this.human;
    const tensor = this.toTensor(image);
    try {
      // Per call, so a reference photo is never put through the live-only models.
      const result = await human.detect(tensor, {
        face: { antispoof: { enabled: live }, liveness: { enabled: live } },
      } as Partial<Config>);
      if (result.error) throw new Error(`face detection failed: ${result.error}`);
      return {
        width: image.width,
        height: image.height,
        faces: result.face.map((f) => toAnalysedFace(f, image)),
      };
    } finally {
      human.tf.dispose(tensor);
    }
  }

  /**
   * Compares the faces of two images 1:1. Each image must hold exactly one usable face under `gates`
   * (default: the reference gates): none anywhere → `no-face`; a gate failing → `unusable` with the
   * guidance; otherwise the similarity decides with `thresholds`.
   */
  async compare(
    a: RgbImage,
    b: RgbImage,
    thresholds: FaceThresholds,
    gates: FaceGates = REFERENCE_GATES,
  ): Promise<FaceComparison> {
    const analyses = [await this.analyse(a), await this.analyse(b)] as const;
    const verdicts = [
      evaluateQuality(analyses[0].faces, analyses[0], gates),
      evaluateQuality(analyses[1].faces, analyses[1], gates),
    ] as const;
    const none = (v: QualityVerdict): boolean => v.faces === 0;
    if (none(verdicts[0]) || none(verdicts[1]))
      return { decision: 'no-face', score: null, thresholds, images: verdicts };
    if (!verdicts[0].ok || !verdicts[1].ok)
      return { decision: 'unusable', score: null, thresholds, images: verdicts };
    const ea = (verdicts[0].face as AnalysedFace).embedding;
    const eb = (verdicts[1].face as AnalysedFace).embedding;
    if (!ea || !eb) return { decision: 'unusable', score: null, thresholds, images: verdicts };
    const score = faceSimilarity(ea, eb);
    return { decision: decide(score, thresholds), score, thresholds, images: verdicts };
  }

  /**
   * The face mesh of each face in an image (468 points: x, y in pixels, z relative depth) with its yaw in
   * degrees, and the mesh's triangulation: what the test clips of a turning head are warped with.
   */
  async meshes(image: RgbImage): Promise<{
    faces: readonly { mesh: readonly (readonly [number, number, number])[]; yaw: number }[];
    triangles: readonly number[];
  }> {
    const human = this.human;
    const tensor = this.toTensor(image);
    try {
      const result = await human.detect(tensor);
      if (result.error) throw new Error(`face detection failed: ${result.error}`);
      return {
        faces: result.face.map((f) => ({
          mesh: f.mesh.map((p) => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0] as const),
          yaw: toAnalysedFace(f, image).yaw,
        })),
        triangles: human.faceTriangulation,
      };
    } finally {
      human.tf.dispose(tensor);
    }
  }

  /**
   * Tensors and bytes tfjs holds, and the size of the wasm backend's heap (which grows to its working size
   * and never shrinks), for the memory benchmark and tests.
   */
  memory(): { tensors: number; bytes: number; wasmHeapBytes: number } {
    const m = this.human.tf.memory();
    const backend = this.human.tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
    return { tensors: m.numTensors, bytes: m.numBytes, wasmHeapBytes: backend.wasm?.HEAPU8?.length ?? 0 };
  }

  /** The backend in use (`wasm`). */
  backend(): string {
    return this.human.tf.getBackend();
  }
}
