/**
 * The face engine in the renderer, next to the camera: @vladmandic/human on the tfjs wasm backend, its models
 * and wasm binaries served from the app's own origin (`face/models/`, `face/wasm/` in the build). Frames are
 * analysed one at a time and dropped; only the measures, the liveness observation and — for the one frame
 * compared — the descriptor stay in memory, and the core only ever receives a score and a yes/no.
 *
 * One engine serves the whole kiosk ({@link preloadFaceEngine}): its models load and warm up on zeros before
 * consent (no camera, no card photo), and {@link RendererFaceEngine.clear} wipes what it holds of a face when
 * a check ends. Camera frames are copied out of the frame itself (`VideoFrame.copyTo`, never drawn into a
 * canvas: that leaves a copy in Chromium's discardable memory) and reach human as tensors; the card photo
 * goes through one reused work canvas. human's own canvases (which would keep the last frame, and with the
 * wasm backend are re-created for every frame) are never used.
 */
import type { Config, FaceResult, Human, Result } from '@vladmandic/human';
import {
  faceMeasure,
  forgetFaces,
  verificationConfig,
  warmUpModels,
} from '../../main/services/face/human-config.js';
import {
  LIVE_GATES,
  REFERENCE_GATES,
  evaluateQuality,
  type FaceMeasure,
  type QualityVerdict,
} from '../../main/services/face/policy.js';
import {
  checkBackground,
  checkPhotoFrame,
  checkPlacement,
  headFromMesh,
  headInCrop,
  headPlacement,
  measureBackground,
  PHOTO_GATES,
  type PhotoProblem,
  type PhotoSpec,
} from '../../main/services/face/photo.js';
import { eyeOpenness, type MeshPoint, type Observation } from './liveness.js';

/** One camera frame checked for a certificate photo: the cropped shot, or what to tell the citizen. */
export type PhotoAnalysis =
  { readonly ok: true; readonly photo: ImageData } | { readonly ok: false; readonly problem: PhotoProblem };

/** What one analysed frame gives the face screen. */
export interface FrameAnalysis {
  readonly quality: QualityVerdict;
  readonly observation: Observation;
  /** The single face's descriptor (null when the frame is unusable). */
  readonly embedding: readonly number[] | null;
  /** Antispoof and liveness model scores of the single face (0–1), when the models gave them. */
  readonly real: number | null;
  readonly live: number | null;
}

/** A face found in a frame: its box in the frame's pixels and the detector's confidence (0–1). */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly score: number;
}

function measure(face: FaceResult, pixels: ImageData): FaceMeasure {
  return faceMeasure(face, { width: pixels.width, height: pixels.height, channels: 4, data: pixels.data });
}

/** The renderer's face engine; one per kiosk, from {@link preloadFaceEngine}. */
export class RendererFaceEngine {
  private readonly canvas = document.createElement('canvas');
  /** human runs one detection at a time: frames, the card photo and forgetting are queued here. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly human: Human) {}

  /** Loads human (a separate chunk) and the models from this origin, and runs each model once on zeros. */
  static async load(): Promise<RendererFaceEngine> {
    const { Human: HumanClass } = await import('@vladmandic/human');
    const base = document.baseURI;
    const human = new HumanClass(
      verificationConfig(
        {
          backend: 'wasm',
          modelBasePath: new URL('face/models/', base).href,
          wasmPath: new URL('face/wasm/', base).href,
        },
        true,
      ),
    );
    await human.load();
    await warmUpModels(human);
    return new RendererFaceEngine(human);
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    // Only the queue's order: the caller of `next` gets its error.
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Draws an image into the work canvas (resized only when the size changes) and returns its pixels; the
   * canvas is blanked again at once.
   */
  private grab(source: HTMLImageElement, width: number, height: number): ImageData {
    this.size(width, height);
    const ctx = this.context();
    ctx.drawImage(source, 0, 0, width, height);
    const pixels = ctx.getImageData(0, 0, width, height);
    ctx.clearRect(0, 0, width, height);
    return pixels;
  }

  /**
   * The video's current frame as RGBA pixels, copied straight out of the camera's frame (closed at once)
   * without a canvas: drawing a video frame into a canvas leaves an RGBA copy of the whole frame in
   * Chromium's discardable memory, one per frame drawn, kept until the renderer's limit (about 512 MB) makes it
   * drop old ones — camera pictures outliving the check, and the renderer growing by ~1.2 MB a 640×480 frame
   * (measured by bench/face-renderer.bench.ts, docs/FACE.md "Memory").
   */
  private async videoPixels(video: HTMLVideoElement): Promise<ImageData> {
    const frame = new VideoFrame(video);
    try {
      const { width, height } = frame.visibleRect ?? {
        width: frame.displayWidth,
        height: frame.displayHeight,
      };
      const data = new Uint8ClampedArray(width * height * 4);
      await frame.copyTo(data, { format: 'RGBA', colorSpace: 'srgb' });
      return new ImageData(data, width, height);
    } finally {
      frame.close();
    }
  }

  private size(width: number, height: number): void {
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
  }

  private context(): CanvasRenderingContext2D {
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d canvas');
    return ctx;
  }

  /** Runs human on the pixels as a tensor (disposed after), with these face settings for this call. */
  private detect(pixels: ImageData, face: Record<string, { enabled: boolean }>): Promise<Result> {
    const tf = this.human.tf;
    const input = tf.browser.fromPixels(pixels, 3);
    return this.human.detect(input, { face } as Partial<Config>).finally(() => tf.dispose(input));
  }

  /**
   * Ends a check: the work canvas shrinks to one pixel, and human's last result and descriptor cache are
   * wiped (queued behind a detection still running). The models stay loaded for the next citizen.
   */
  clear(): void {
    this.canvas.width = 1;
    this.canvas.height = 1;
    // Forgetting faces is best effort; the engine is rebuilt for the next visit.
    void this.serial(() => forgetFaces(this.human)).catch(() => undefined);
  }

  /**
   * What the engine holds once the work queued before this call (a wipe included) is done: tfjs tensors and
   * their bytes (the models' weights between checks), and the wasm backend's heap size (it grows, never
   * shrinks). For the Chromium memory benchmark (bench/face-renderer.bench.ts); no face data.
   */
  memory(): Promise<{ tensors: number; bytes: number; wasmHeapBytes: number }> {
    return this.serial(() => {
      const m = this.human.tf.memory();
      const backend = this.human.tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
      return Promise.resolve({
        tensors: m.numTensors,
        bytes: m.numBytes,
        wasmHeapBytes: backend.wasm?.HEAPU8?.length ?? 0,
      });
    });
  }

  /**
   * The card photo's descriptor (the photo the confirmation screen already shows, as a data URL). Reference
   * gates only; no antispoof/liveness (a genuine small dark card photo scores as a spoof).
   */
  async reference(photoUrl: string): Promise<{ ok: true; embedding: readonly number[] } | { ok: false }> {
    const img = new Image();
    img.src = photoUrl;
    await img.decode();
    return this.serial(async () => {
      const pixels = this.grab(img, img.naturalWidth, img.naturalHeight);
      const result = await this.detect(pixels, {
        description: { enabled: true },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      });
      const faces = result.face.map((f) => measure(f, pixels));
      const verdict = evaluateQuality(faces, pixels, REFERENCE_GATES);
      pixels.data.fill(0);
      const index = verdict.face ? faces.indexOf(verdict.face) : -1;
      // A copy: human's array is its descriptor cache, which `clear` zeroes.
      const embedding = index >= 0 ? result.face[index]?.embedding?.slice() : undefined;
      return verdict.ok && embedding && embedding.length > 0 ? { ok: true, embedding } : { ok: false };
    });
  }

  /**
   * Checks the video's current frame for a certificate photo (`main/services/face/photo.ts`): one face passing
   * the photo gates, a crop that puts the head where `spec` wants it, then on the crop scaled to the spec's size
   * a plain light background and — the models run again on the crop — the head within the spec's rules. The
   * frame is drawn once, so the crop is of the very frame that was checked; the frame's pixels are zeroed and
   * both canvases emptied after (only the returned crop stays). Like every frame, it reaches human as a tensor.
   */
  async photo(video: HTMLVideoElement, spec: PhotoSpec): Promise<PhotoAnalysis> {
    const photoOnly = {
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    };
    return this.serial(async () => {
      const pixels = await this.videoPixels(video);
      const shot = document.createElement('canvas');
      try {
        // The crop is drawn from the work canvas: the frame's pixels are put there (no video draw).
        this.size(pixels.width, pixels.height);
        this.context().putImageData(pixels, 0, 0);
        const result = await this.detect(pixels, photoOnly);
        const faces = result.face.map((f) => ({
          ...measure(f, pixels),
          head: headFromMesh(f.mesh as unknown as MeshPoint[], f.box),
        }));
        const verdict = checkPhotoFrame(faces, pixels, spec);
        if (!verdict.ok) return { ok: false, problem: verdict.error.code };
        shot.width = spec.width;
        shot.height = spec.height;
        const ctx = shot.getContext('2d', { willReadFrequently: true });
        if (!ctx) throw new Error('no 2d canvas');
        ctx.imageSmoothingQuality = 'high';
        const [x, y, w, h] = verdict.value.rect;
        ctx.drawImage(this.canvas, x, y, w, h, 0, 0, spec.width, spec.height);
        const photo = ctx.getImageData(0, 0, spec.width, spec.height);
        const view = { width: photo.width, height: photo.height, channels: 4 as const, data: photo.data };
        const background = checkBackground(
          measureBackground(view, headInCrop(verdict.value.head, verdict.value.rect, spec)),
        );
        if (background) return { ok: false, problem: background };
        // The detector runs with a low floor; only detections the gates count as faces are faces here too.
        const again = (await this.detect(photo, photoOnly)).face.filter(
          (f) => f.boxScore >= PHOTO_GATES.minDetectionScore,
        );
        const face = again.length === 1 ? again[0] : undefined;
        const head = face ? headFromMesh(face.mesh as unknown as MeshPoint[], face.box) : null;
        if (!head) return { ok: false, problem: again.length > 1 ? 'multiple-faces' : 'no-face' };
        const placement = checkPlacement(headPlacement(head, spec.width, spec.height), spec);
        return placement ? { ok: false, problem: placement } : { ok: true, photo };
      } finally {
        pixels.data.fill(0);
        this.context().clearRect(0, 0, this.canvas.width, this.canvas.height);
        shot.width = 1;
        shot.height = 1;
      }
    });
  }

  /**
   * Where the faces are in the video's current frame (the technician's camera test draws boxes over the
   * preview), in the video's own pixels: detector and mesh, no descriptor. Nothing of the frame is kept.
   */
  async faceBoxes(video: HTMLVideoElement): Promise<FaceBox[]> {
    const result = await this.serial(async () => {
      const pixels = await this.videoPixels(video);
      // The mesh stays on: it refines the detector's boxes into one per face (the detector alone may give two).
      const found = await this.detect(pixels, {
        description: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      });
      pixels.data.fill(0);
      return found;
    });
    return result.face.map((f) => {
      const [x = 0, y = 0, width = 0, height = 0] = f.box;
      return { x, y, width, height, score: f.boxScore };
    });
  }

  /**
   * Analyses the video's current frame with the live gates. `full` adds the descriptor and the antispoof and
   * liveness models (the frame that is compared); without it only the detector and the mesh run, which is
   * what the challenge needs and about twice as fast, so a blink between frames is less likely to be missed.
   */
  async frame(video: HTMLVideoElement, full: boolean): Promise<FrameAnalysis> {
    return this.serial(async () => {
      const at = performance.now();
      const pixels = await this.videoPixels(video);
      const result = await this.detect(pixels, {
        description: { enabled: full },
        antispoof: { enabled: full },
        liveness: { enabled: full },
      });
      const faces = result.face.map((f) => measure(f, pixels));
      const quality = evaluateQuality(faces, pixels, LIVE_GATES);
      pixels.data.fill(0);
      return this.frameAnalysis(at, result, faces, quality);
    });
  }

  private frameAnalysis(
    at: number,
    result: Result,
    faces: FaceMeasure[],
    quality: QualityVerdict,
  ): FrameAnalysis {
    const index = quality.face ? faces.indexOf(quality.face) : -1;
    const face = index >= 0 ? result.face[index] : undefined;
    return {
      quality,
      observation: {
        at,
        faces: quality.faces,
        yaw: quality.face?.yaw ?? 0,
        eyes: face ? eyeOpenness(face.mesh as unknown as MeshPoint[]) : null,
      },
      embedding: face?.embedding && face.embedding.length > 0 ? face.embedding.slice() : null,
      real: typeof face?.real === 'number' ? face.real : null,
      live: typeof face?.live === 'number' ? face.live : null,
    };
  }
}

let shared: Promise<RendererFaceEngine> | null = null;

/**
 * The kiosk's one face engine, loading it on first call (models and wasm only: no camera, no image), so the
 * screens can start it before consent. A failed load is forgotten, so the next call tries again.
 */
export function preloadFaceEngine(): Promise<RendererFaceEngine> {
  shared ??= RendererFaceEngine.load().catch((error: unknown) => {
    shared = null;
    throw error;
  });
  return shared;
}

/**
 * Starts {@link preloadFaceEngine} when the renderer is idle (the visit includes a service that asks for a
 * face check): the models and their warm-up then cost nothing after consent. Errors surface at the check.
 */
export function preloadFaceEngineWhenIdle(): void {
  // Preloading is an optimisation: the face check loads again and shows its error.
  const start = (): void => void preloadFaceEngine().catch(() => undefined);
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 0);
}
