/**
 * human's configuration for 1:1 verification, shared by the Node engine and the renderer (no Node here).
 */
import type { Config, FaceResult } from '@vladmandic/human';
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
