/**
 * The kiosk's face-check policy: thresholds, quality gates and the decision, as pure functions over numbers
 * and pixel buffers. No Node and no model here, so the same code runs in the `booth face` CLI (Node) and in
 * the renderer next to the camera, and the core re-derives the decision from the score with its own
 * thresholds instead of trusting the renderer's.
 */
import { z } from 'zod';

/**
 * Score thresholds: at or above `match` a match, at or below `noMatch` a no-match, uncertain between. The
 * defaults come from the calibration written up in docs/FACE.md (same person 0.78–0.99, different people
 * 0.33–0.46 on the test images and their derived variants; a false match costs more than an officer's review,
 * so `match` sits nearer the different-person side's far end than the midpoint would).
 */
export const faceThresholdsSchema = z
  .strictObject({
    match: z.number().min(0).max(1),
    noMatch: z.number().min(0).max(1),
  })
  .refine((t) => t.noMatch < t.match, { message: 'noMatch must be below match' });

/** Score thresholds (see {@link faceThresholdsSchema}). */
export type FaceThresholds = z.infer<typeof faceThresholdsSchema>;

/** The default thresholds (docs/FACE.md says how they were chosen). */
export const DEFAULT_FACE_THRESHOLDS: FaceThresholds = { match: 0.65, noMatch: 0.5 };

/**
 * Quality gates. `live` gates apply to camera frames (and `booth face check`); a reference photo (the card's
 * photo, or either image given to `booth face compare`) only has to hold one usable, roughly frontal face.
 */
export const faceGatesSchema = z.strictObject({
  /** Detections scoring below this are not faces at all (the detector runs with a low floor to see more). */
  minDetectionScore: z.number().min(0).max(1),
  /** Face box width in pixels below which the embedding is not trustworthy. */
  minFacePixels: z.number().int().min(8),
  /** Face width as a fraction of the frame width: below = move closer, above = move back. */
  minFaceFraction: z.number().min(0).max(1),
  maxFaceFraction: z.number().min(0).max(1),
  /** How far the face centre may sit from the frame centre, as a fraction of the frame size. */
  maxCentreOffset: z.number().min(0).max(1),
  /** Variance of the Laplacian on the face resampled to 112×112 grey ({@link measureSharpness}). */
  minSharpness: z.number().min(0),
  /** Mean luma (0–255) of the face. */
  minBrightness: z.number().min(0).max(255),
  maxBrightness: z.number().min(0).max(255),
  /** Fraction of face pixels that are clipped black or white. */
  maxClipped: z.number().min(0).max(1),
  /** Head pose limits in degrees. */
  maxYaw: z.number().min(0).max(90),
  maxPitch: z.number().min(0).max(90),
  maxRoll: z.number().min(0).max(90),
});

/** Quality gates (see {@link faceGatesSchema}). */
export type FaceGates = z.infer<typeof faceGatesSchema>;

/** Gates for live camera frames: everything is checked. */
export const LIVE_GATES: FaceGates = {
  minDetectionScore: 0.5,
  minFacePixels: 80,
  minFaceFraction: 0.18,
  maxFaceFraction: 0.75,
  maxCentreOffset: 0.22,
  minSharpness: 60,
  minBrightness: 55,
  maxBrightness: 210,
  maxClipped: 0.25,
  maxYaw: 20,
  maxPitch: 20,
  maxRoll: 20,
};

/**
 * Gates for a reference photo (the card photo is 102×126, grey-ish, dark and JPEG-like): one face, big enough
 * to describe, and roughly frontal. Framing, light and sharpness are the photographer's business, not ours.
 */
export const REFERENCE_GATES: FaceGates = {
  ...LIVE_GATES,
  minFacePixels: 32,
  minFaceFraction: 0,
  maxFaceFraction: 1,
  maxCentreOffset: 1,
  minSharpness: 0,
  minBrightness: 0,
  maxBrightness: 255,
  maxClipped: 1,
  maxYaw: 25,
  maxPitch: 25,
  maxRoll: 25,
};

/** What the detector and the pixel measures say about one face in one image. */
export interface FaceMeasure {
  /** The detector's score, 0–1. */
  readonly detectionScore: number;
  /** The face box in image pixels: x, y, width, height. */
  readonly box: readonly [number, number, number, number];
  /** Head pose in degrees (0 = facing the camera). */
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
  /** See {@link measureSharpness}. */
  readonly sharpness: number;
  /** Mean luma of the face, 0–255. */
  readonly brightness: number;
  /** Fraction of clipped face pixels. */
  readonly clipped: number;
}

/**
 * Why an image cannot be used, each a guidance code the renderer turns into words (three languages and
 * speech) and the CLI prints.
 */
export const QUALITY_PROBLEMS = [
  'no-face',
  'multiple-faces',
  'too-small',
  'move-closer',
  'move-back',
  'centre-face',
  'blurry',
  'too-dark',
  'too-bright',
  'face-camera',
] as const;

/** One guidance code (see {@link QUALITY_PROBLEMS}). */
export type QualityProblem = (typeof QUALITY_PROBLEMS)[number];

/** One gate's outcome, for `booth face check` and diagnostics. */
export interface GateResult {
  readonly gate: 'one-face' | 'face-size' | 'framing' | 'sharpness' | 'exposure' | 'frontal-pose';
  readonly ok: boolean;
  /** The measured value (faces counted, face width in pixels, sharpness, mean luma, largest angle). */
  readonly value: number | null;
  /** The guidance when it fails. */
  readonly problem: QualityProblem | null;
}

/** The quality verdict of one image. */
export interface QualityVerdict {
  readonly ok: boolean;
  /** Faces at or above the detection floor. */
  readonly faces: number;
  readonly gates: readonly GateResult[];
  /** The failing gates' guidance, most important first. */
  readonly problems: readonly QualityProblem[];
  /** The face the verdict is about (the only one), or null. */
  readonly face: FaceMeasure | null;
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/**
 * Applies the gates to the faces found in an image of `width`×`height`. Exactly one face must reach
 * `minDetectionScore`; lower detections are ignored (they are how a low detector floor shows noise).
 */
export function evaluateQuality(
  faces: readonly FaceMeasure[],
  frame: { readonly width: number; readonly height: number },
  gates: FaceGates,
): QualityVerdict {
  const real = faces.filter((f) => f.detectionScore >= gates.minDetectionScore);
  const face = real.length === 1 ? (real[0] ?? null) : null;
  const results: GateResult[] = [
    {
      gate: 'one-face',
      ok: real.length === 1,
      value: real.length,
      problem: real.length === 0 ? 'no-face' : real.length > 1 ? 'multiple-faces' : null,
    },
  ];
  if (face) {
    const [x, y, w, h] = face.box;
    const fraction = w / frame.width;
    // Too few pixels is a camera-resolution or distance problem; the fraction says which way to move.
    const sizeProblem: QualityProblem | null =
      fraction < gates.minFaceFraction
        ? 'move-closer'
        : fraction > gates.maxFaceFraction
          ? 'move-back'
          : w < gates.minFacePixels
            ? 'too-small'
            : null;
    results.push({ gate: 'face-size', ok: sizeProblem === null, value: round(w, 0), problem: sizeProblem });
    const dx = Math.abs(x + w / 2 - frame.width / 2) / frame.width;
    const dy = Math.abs(y + h / 2 - frame.height / 2) / frame.height;
    const offset = Math.max(dx, dy);
    results.push({
      gate: 'framing',
      ok: offset <= gates.maxCentreOffset,
      value: round(offset),
      problem: offset <= gates.maxCentreOffset ? null : 'centre-face',
    });
    results.push({
      gate: 'sharpness',
      ok: face.sharpness >= gates.minSharpness,
      value: round(face.sharpness, 1),
      problem: face.sharpness >= gates.minSharpness ? null : 'blurry',
    });
    const exposureProblem: QualityProblem | null =
      face.brightness < gates.minBrightness
        ? 'too-dark'
        : face.brightness > gates.maxBrightness
          ? 'too-bright'
          : face.clipped > gates.maxClipped
            ? face.brightness < 128
              ? 'too-dark'
              : 'too-bright'
            : null;
    results.push({
      gate: 'exposure',
      ok: exposureProblem === null,
      value: round(face.brightness, 0),
      problem: exposureProblem,
    });
    const poseOk =
      Math.abs(face.yaw) <= gates.maxYaw &&
      Math.abs(face.pitch) <= gates.maxPitch &&
      Math.abs(face.roll) <= gates.maxRoll;
    results.push({
      gate: 'frontal-pose',
      ok: poseOk,
      value: round(Math.max(Math.abs(face.yaw), Math.abs(face.pitch), Math.abs(face.roll)), 0),
      problem: poseOk ? null : 'face-camera',
    });
  }
  const problems = results.flatMap((r) => (r.problem ? [r.problem] : []));
  return { ok: problems.length === 0, faces: real.length, gates: results, problems, face };
}

/** The outcome of a 1:1 comparison. */
export type FaceDecision = 'match' | 'no-match' | 'uncertain';

/** Maps a similarity score to a decision with the given thresholds. */
export function decide(score: number, thresholds: FaceThresholds): FaceDecision {
  if (score >= thresholds.match) return 'match';
  if (score <= thresholds.noMatch) return 'no-match';
  return 'uncertain';
}

/**
 * Similarity of two face descriptors: their cosine, clamped to 0–1 (opposite directions mean "not alike",
 * not "negatively alike"). Computed here rather than with the library's rounded helper so the CLI, the
 * renderer and the calibration agree to the last digit.
 */
export function faceSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || a.length !== b.length) throw new RangeError('descriptors differ in length');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.min(1, Math.max(0, dot / Math.sqrt(na * nb)));
}

/** Pixels as the measures read them: `channels` bytes a pixel (3 = RGB, 4 = RGBA), rows top-down. */
export interface PixelView {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: ArrayLike<number>;
}

const SAMPLE = 112;

/** The face box resampled (nearest, box clamped to the image) to SAMPLE×SAMPLE grey levels. */
function sampleFaceGrey(img: PixelView, box: readonly [number, number, number, number]): Float32Array {
  const out = new Float32Array(SAMPLE * SAMPLE);
  const [bx, by, bw, bh] = box;
  for (let j = 0; j < SAMPLE; j++) {
    const sy = Math.min(img.height - 1, Math.max(0, Math.floor(by + ((j + 0.5) * bh) / SAMPLE)));
    for (let i = 0; i < SAMPLE; i++) {
      const sx = Math.min(img.width - 1, Math.max(0, Math.floor(bx + ((i + 0.5) * bw) / SAMPLE)));
      const p = (sy * img.width + sx) * img.channels;
      out[j * SAMPLE + i] =
        0.299 * (img.data[p] ?? 0) + 0.587 * (img.data[p + 1] ?? 0) + 0.114 * (img.data[p + 2] ?? 0);
    }
  }
  return out;
}

/**
 * Sharpness of the face: variance of the 4-neighbour Laplacian over the face box resampled to 112×112 grey,
 * so the figure does not depend on how many pixels the face has. In-focus faces on the test images measure
 * 460–5700, a 140-pixel face box-blurred with radius 3 about 70 (docs/FACE.md). It also falls with contrast,
 * which is why the exposure gate is checked beside it.
 */
export function measureSharpness(img: PixelView, box: readonly [number, number, number, number]): number {
  const g = sampleFaceGrey(img, box);
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < SAMPLE - 1; y++) {
    for (let x = 1; x < SAMPLE - 1; x++) {
      const c = y * SAMPLE + x;
      const lap =
        (g[c - 1] ?? 0) + (g[c + 1] ?? 0) + (g[c - SAMPLE] ?? 0) + (g[c + SAMPLE] ?? 0) - 4 * (g[c] ?? 0);
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/** Exposure of the face: mean luma (0–255) and the fraction of pixels at ≤ 8 or ≥ 247. */
export function measureExposure(
  img: PixelView,
  box: readonly [number, number, number, number],
): { brightness: number; clipped: number } {
  const g = sampleFaceGrey(img, box);
  let sum = 0;
  let clipped = 0;
  for (const v of g) {
    sum += v;
    if (v <= 8 || v >= 247) clipped++;
  }
  return { brightness: sum / g.length, clipped: clipped / g.length };
}
