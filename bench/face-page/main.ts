/**
 * The bench-only page of bench/face-renderer.bench.ts (built with Vite into a temporary folder at bench time,
 * never into dist/renderer): the renderer's own face engine (renderer/face/face-engine.ts) and camera code,
 * driven as the face check screen drives them for one citizen, so Chromium's memory can be read around
 * verifications. The card photo arrives from the bench as a data URL; the camera is Chromium's fake camera.
 */
import { nextVideoFrame } from '../../renderer/face/camera.js';
import { openCamera, stopStream } from '../../renderer/face/cameras.js';
import { preloadFaceEngine } from '../../renderer/face/face-engine.js';
import { DEFAULT_FACE_THRESHOLDS, decide, faceSimilarity } from '../../main/services/face/policy.js';

/** What one verification decided (the bench checks every one matched: the faces really were compared). */
interface Outcome {
  readonly decision: string;
  readonly score: number;
}

/**
 * One verification as the kiosk makes it per citizen: the card photo's descriptor, the camera opened into a
 * new preview element, `challengeFrames` frames with the detector and mesh (the challenge), one full frame
 * (descriptor, antispoof, liveness) compared with the card, then the camera stopped, the element gone and
 * the engine's per-citizen wipe (`clear`, as the screen's `stop` does).
 */
async function verify(cardPhoto: string, challengeFrames: number): Promise<Outcome> {
  const engine = await preloadFaceEngine();
  const reference = await engine.reference(cardPhoto);
  if (!reference.ok) throw new Error('the card photo gave no usable face');
  const stream = await openCamera(null);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  document.body.append(video);
  try {
    video.srcObject = stream;
    await video.play();
    for (let i = 0; i < challengeFrames; i++) {
      await nextVideoFrame(video);
      await engine.frame(video, false);
    }
    await nextVideoFrame(video);
    const final = await engine.frame(video, true);
    if (!final.embedding) return { decision: final.quality.problems[0] ?? 'no-face', score: 0 };
    const score = faceSimilarity(reference.embedding, final.embedding);
    return { decision: decide(score, DEFAULT_FACE_THRESHOLDS), score };
  } finally {
    stopStream(stream);
    video.srcObject = null;
    video.remove();
    engine.clear();
  }
}

/** The page's interface to the bench (`window.faceBench`). */
const faceBench = {
  /** Loads the engine (models, wasm, warm-up on zeros), as the kiosk does before consent. */
  async load(): Promise<void> {
    await preloadFaceEngine();
  },
  /** Runs `count` verifications; the decisions other than `match`, counted (none expected). */
  async run(cardPhoto: string, count: number, challengeFrames: number): Promise<Record<string, number>> {
    const odd: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const { decision } = await verify(cardPhoto, challengeFrames);
      if (decision !== 'match') odd[decision] = (odd[decision] ?? 0) + 1;
    }
    return odd;
  },
  /** The engine's tensors, their bytes and the wasm heap size, after any queued wipe. */
  async memory(): Promise<{ tensors: number; bytes: number; wasmHeapBytes: number }> {
    return (await preloadFaceEngine()).memory();
  },
};

declare global {
  interface Window {
    faceBench?: typeof faceBench;
  }
}
window.faceBench = faceBench;
