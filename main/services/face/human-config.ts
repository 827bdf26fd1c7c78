/**
 * human's configuration for 1:1 verification, shared by the Node engine and the renderer (no Node here).
 */
import type { Config, FaceResult, Human, Tensor } from '@vladmandic/human';
import { measureExposure, measureSharpness, type FaceMeasure, type PixelView } from './policy.js';

/** The model files verification loads (a renderer build copies exactly these). */
export const FACE_MODEL_FILES = ['blazeface', 'facemesh', 'iris', 'faceres', 'antispoof', 'liveness'].flatMap(
  (m) => [`${m}.json`, `${m}.bin`],
);

/**
 * human's configuration for verification, shared by Node and the renderer: face only; no frame skipping or
 * result caching (each capture stands alone); the detector's floor low (0.1) and rotation off, because the
 * defaults missed a near-profile face — the policy's `minDetectionScore` then decides what counts as a face;
 * up to five faces so a second person in the frame is seen and refused.
 */
export function verificationConfig(
  paths: { modelBasePath: string; wasmPath: string; backend: 'wasm' | 'webgl' },
  live: boolean,
): Partial<Config> {
  const noSkip = { skipFrames: 0, skipTime: 0 };
  return {
    backend: paths.backend,
    modelBasePath: paths.modelBasePath,
    wasmPath: paths.wasmPath,
    cacheModels: false,
    cacheSensitivity: 0,
    skipAllowed: false,
    debug: false,
    warmup: 'none',
    async: true,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: {
        rotation: false,
        maxDetected: 5,
        minConfidence: 0.1,
        return: false,
        ...noSkip,
      },
      mesh: { enabled: true },
      iris: { enabled: true },
      attention: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: true, ...noSkip },
      // Antispoof / liveness judge live frames only: a genuine card photo (small, dark) scored as a spoof.
      antispoof: { enabled: live, ...noSkip },
      liveness: { enabled: live, ...noSkip },
      gear: { enabled: false },
    } as Config['face'],
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

const toDegrees = (rad: number | undefined): number => ((rad ?? 0) * 180) / Math.PI;

/** Turns one of human's detections into the measures the quality gates read, from the pixels it was found in. */
export function faceMeasure(face: FaceResult, view: PixelView): FaceMeasure {
  const [x, y, w, h] = face.box;
  const box: [number, number, number, number] = [x, y, w, h];
  const exposure = measureExposure(view, box);
  const angle = face.rotation?.angle;
  return {
    detectionScore: face.boxScore,
    box,
    yaw: toDegrees(angle?.yaw),
    pitch: toDegrees(angle?.pitch),
    roll: toDegrees(angle?.roll),
    sharpness: measureSharpness(view, box),
    brightness: exposure.brightness,
    clipped: exposure.clipped,
  };
}

/**
 * Runs every loaded model once on an all-zero input of its own shape: the wasm kernels and each graph's
 * executor get initialised without any image, so this may run before consent. Measured in Node: the first
 * real detection then takes as long as the next ones instead of seconds (see docs/FACE.md, benchmarks).
 */
export async function warmUpModels(human: Human): Promise<void> {
  const tf = human.tf;
  for (const model of Object.values(human.models.models)) {
    const input = model?.inputs[0];
    if (!model || !input) continue;
    // Dynamic dimensions (-1) get a batch of one and a small size, as human's own compile pass does.
    const shape = (input.shape ?? [1, 64, 64, 3]).map((d, i) => (d > 0 ? d : i === 0 ? 1 : 64));
    const zeros = tf.zeros(shape, input.dtype === 'int32' ? 'int32' : 'float32');
    try {
      const out = model.execute(zeros);
      const outputs: Tensor[] = Array.isArray(out) ? out : [out];
      // Reading the outputs makes the backend really run the graph.
      for (const t of outputs) await t.data();
      tf.dispose(outputs);
    } finally {
      tf.dispose(zeros);
    }
  }
}

/**
 * Wipes what human keeps of the faces it last saw: the descriptors of its last result (the same arrays its
 * descriptor model keeps as a cache for skipped frames) are zeroed in place, then one detection of a small
 * blank frame replaces its last result and empties the mesh model's box cache. What stays is nothing of a
 * face: the models, the backend's working memory and a few model-level numbers (see docs/FACE.md, privacy).
 */
export async function forgetFaces(human: Human): Promise<void> {
  for (const face of human.result.face) face.embedding?.fill(0);
  const blank = human.tf.zeros([1, 64, 64, 3], 'float32');
  try {
    // No configuration here: human keeps per-call settings, and the blank frame reaches no model but the
    // detector anyway.
    await human.detect(blank);
  } finally {
    human.tf.dispose(blank);
  }
}
