/**
 * The certificate photo (证件照) rules, as pure functions over numbers and pixel buffers, shared by the renderer
 * (which checks camera frames and crops the shot), the core (which re-checks what it receives) and the tests:
 * the photo's size, where the head must sit in it, how the head is found from the face mesh, the crop that puts
 * it there, and the plain light background check. Thresholds and how they were measured: docs/FACE.md.
 */
import type { PhotoSpec } from '../../../contract/catalog/photo-spec.js';
import { err, ok, type Result } from '../../../contract/result.js';
import {
  LIVE_GATES,
  QUALITY_PROBLEMS,
  evaluateQuality,
  type FaceGates,
  type FaceMeasure,
  type PixelView,
  type QualityProblem,
} from './policy.js';

// The photo's specification is part of the catalog document (a service may give its own), so it lives with the
// catalog's schema in contract/; re-exported for the renderer and the core's photo checks.
export type { PhotoSpec };

/**
 * The default: 358×441 pixels (the exit-entry documents' digital photo size), head 58–72 % of the height with
 * the crown 4–12 % below the top, centred within 4 % of the width. A catalog may give its own per service.
 */
export const DEFAULT_PHOTO_SPEC: PhotoSpec = {
  width: 358,
  height: 441,
  headHeight: { min: 0.58, max: 0.72 },
  headTop: { min: 0.04, max: 0.12 },
  maxCentreOffset: 0.04,
};

/** The largest JPEG the kiosk accepts as a certificate photo (a 358×441 shot at quality 0.9 is 25–45 KB). */
export const MAX_PHOTO_BYTES = 150_000;

/**
 * The face gates a photo frame must pass before the head and background are looked at: as for the face check,
 * but nearer to frontal (a certificate photo is taken looking straight at the camera) and with the framing left
 * to the crop.
 */
export const PHOTO_GATES: FaceGates = {
  ...LIVE_GATES,
  maxCentreOffset: 0.35,
  maxFaceFraction: 0.9,
  maxYaw: 12,
  maxPitch: 15,
  maxRoll: 8,
};

/** Most a frame may be enlarged to fill the photo: more and the photo is soft (the citizen comes closer). */
export const MAX_UPSCALE = 1.3;

/** The plain light background rule, on the band above and beside the head in the cropped photo. */
export const BACKGROUND_RULES = {
  /** Mean luma (0–255) at or above which the background counts as light. */
  minBrightness: 150,
  /** Standard deviation of luma at or below which it is plain (no patterns, shadows or objects). */
  maxDeviation: 20,
  /** Mean absolute luma step between neighbouring pixels at or below which it has no clutter (edges). */
  maxEdges: 6,
  /** The band kept clear beside the head (ears, hair), as a fraction of the photo width. */
  margin: 0.04,
  /**
   * The band kept clear above the estimated crown, as a fraction of the head height: the mesh's crown is the
   * skull's, and hair rises above it (about 9 % of the head on the Collins portrait).
   */
  hair: 0.12,
} as const;

/** Why a photo frame cannot be taken: the face check's guidance and the background's. */
export type PhotoProblem = QualityProblem | 'background-dark' | 'background-busy';

/** Every photo guidance code (the renderer has words for each in three languages). */
export const PHOTO_PROBLEMS: readonly PhotoProblem[] = [
  ...QUALITY_PROBLEMS,
  'background-dark',
  'background-busy',
];

/** Where the head is in an image, in its pixels: crown and chin heights, centre line, and width. */
export interface HeadGeometry {
  readonly crownY: number;
  readonly chinY: number;
  readonly centreX: number;
  readonly width: number;
}

/** A mesh point as human gives it: x, y (image pixels) and depth. */
export type MeshPoint = readonly [number, number, number?];

/** MediaPipe face-mesh indices: the eyes' corners and the chin. */
const EYE_CORNERS = [33, 133, 263, 362] as const;
const CHIN = 152;

/**
 * The head from the face mesh. The mesh stops at the forehead, so the crown is estimated the way photo
 * standards measure it: the eyes sit about half-way between crown and chin, so the head is twice the eye-to-chin
 * height. The centre line is the eyes' midpoint; the width that of the face box. Null without a full mesh.
 */
export function headFromMesh(
  mesh: readonly MeshPoint[],
  box: readonly [number, number, number, number],
): HeadGeometry | null {
  if (mesh.length < 468) return null;
  let ex = 0;
  let ey = 0;
  for (const i of EYE_CORNERS) {
    ex += mesh[i]?.[0] ?? 0;
    ey += mesh[i]?.[1] ?? 0;
  }
  ex /= EYE_CORNERS.length;
  ey /= EYE_CORNERS.length;
  const chinY = mesh[CHIN]?.[1] ?? 0;
  const half = chinY - ey;
  if (!(half > 0)) return null;
  return { crownY: ey - half, chinY, centreX: ex, width: box[2] };
}

/** A rectangle in image pixels: x, y, width, height. */
export type Rect = readonly [number, number, number, number];

/** The crop that gives the photo, or why the frame cannot give one. */
export type CropPlan = Result<{ readonly rect: Rect; readonly upscale: number }, PhotoGuidance>;

/** What the citizen is asked to do so that a frame gives a photo: one {@link PhotoProblem}. */
export interface PhotoGuidance {
  readonly code: PhotoProblem;
}

/**
 * The crop of a frame that puts the head where the spec wants it: the head at the middle of the allowed
 * height and the crown at the middle of the allowed margin, centred. A crop needing more enlargement than
 * {@link MAX_UPSCALE} asks the citizen to come closer; one taller than the frame, to move back; one that would
 * run off the frame's side or top, to centre the face.
 */
export function planCrop(
  head: HeadGeometry,
  frame: { readonly width: number; readonly height: number },
  spec: PhotoSpec,
): CropPlan {
  const headHeight = head.chinY - head.crownY;
  const cropHeight = headHeight / ((spec.headHeight.min + spec.headHeight.max) / 2);
  const cropWidth = (cropHeight * spec.width) / spec.height;
  const x = head.centreX - cropWidth / 2;
  const y = head.crownY - cropHeight * ((spec.headTop.min + spec.headTop.max) / 2);
  const upscale = spec.height / cropHeight;
  if (upscale > MAX_UPSCALE) return err({ code: 'move-closer' });
  if (cropHeight > frame.height || cropWidth > frame.width) return err({ code: 'move-back' });
  if (x < 0 || y < 0 || x + cropWidth > frame.width || y + cropHeight > frame.height)
    return err({ code: 'centre-face' });
  return ok({ rect: [x, y, cropWidth, cropHeight], upscale });
}

/** Where a head sits in a finished photo, as fractions of its size. */
export interface HeadPlacement {
  readonly headHeight: number;
  readonly headTop: number;
  readonly centreOffset: number;
}

/** The head's placement in a photo of width×height. */
export function headPlacement(head: HeadGeometry, width: number, height: number): HeadPlacement {
  return {
    headHeight: (head.chinY - head.crownY) / height,
    headTop: head.crownY / height,
    centreOffset: Math.abs(head.centreX - width / 2) / width,
  };
}

/**
 * Whether a finished photo's head follows the spec (checked on the cropped shot, and by the tests): too small
 * or too low → come closer; too big or cut at the top → move back; off the centre line → centre.
 */
export function checkPlacement(placement: HeadPlacement, spec: PhotoSpec): PhotoProblem | null {
  if (placement.headHeight < spec.headHeight.min) return 'move-closer';
  if (placement.headHeight > spec.headHeight.max || placement.headTop < spec.headTop.min) return 'move-back';
  if (placement.headTop > spec.headTop.max) return 'centre-face';
  if (placement.centreOffset > spec.maxCentreOffset) return 'centre-face';
  return null;
}

/** What the background measures say. */
export interface BackgroundMeasure {
  /** Pixels measured (the band above the head and beside it down to the chin). */
  readonly pixels: number;
  /** Mean luma, 0–255. */
  readonly brightness: number;
  /** Standard deviation of luma. */
  readonly deviation: number;
  /** Mean absolute luma step to the right and downward neighbours. */
  readonly edges: number;
}

const luma = (d: ArrayLike<number>, p: number): number =>
  0.299 * (d[p] ?? 0) + 0.587 * (d[p + 1] ?? 0) + 0.114 * (d[p + 2] ?? 0);

/**
 * Measures the background of a photo (`img`, the finished crop) around its head: every pixel outside an ellipse
 * around the head — half a head height plus the side margin wide each way (a head is about 0.75 of its height
 * wide, so this leaves room for hair and ears), and the head height plus the hair band tall each way from the
 * head's middle — from the top edge down to three quarters of the head. Lower down are the neck, the collar and
 * the shoulders, not background.
 */
export function measureBackground(img: PixelView, head: HeadGeometry): BackgroundMeasure {
  const headHeight = head.chinY - head.crownY;
  const rx = headHeight / 2 + BACKGROUND_RULES.margin * img.width;
  const ry = (headHeight / 2) * (1 + 2 * BACKGROUND_RULES.hair);
  const cy = (head.crownY + head.chinY) / 2;
  const bottom = Math.min(img.height - 1, Math.floor(head.crownY + 0.75 * headHeight));
  const inRegion = (x: number, y: number): boolean =>
    y <= bottom && ((x - head.centreX) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let edgeSum = 0;
  let edgeN = 0;
  const { width, height, channels, data } = img;
  for (let y = 0; y <= bottom; y++) {
    for (let x = 0; x < width; x++) {
      if (!inRegion(x, y)) continue;
      const p = (y * width + x) * channels;
      const v = luma(data, p);
      n++;
      sum += v;
      sumSq += v * v;
      if (x + 1 < width && inRegion(x + 1, y)) {
        edgeSum += Math.abs(luma(data, p + channels) - v);
        edgeN++;
      }
      if (y + 1 < height && inRegion(x, y + 1)) {
        edgeSum += Math.abs(luma(data, p + width * channels) - v);
        edgeN++;
      }
    }
  }
  if (n === 0) return { pixels: 0, brightness: 0, deviation: 0, edges: 0 };
  const mean = sum / n;
  return {
    pixels: n,
    brightness: mean,
    deviation: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
    edges: edgeN > 0 ? edgeSum / edgeN : 0,
  };
}

/**
 * The background verdict: dark → `background-dark` (stand before a light wall, or more light); patterned,
 * shadowed or cluttered → `background-busy`. A photo with no background left to measure is busy too (the head
 * fills it, which the placement check refuses anyway).
 */
export function checkBackground(m: BackgroundMeasure): PhotoProblem | null {
  if (m.pixels === 0) return 'background-busy';
  if (m.brightness < BACKGROUND_RULES.minBrightness) return 'background-dark';
  if (m.deviation > BACKGROUND_RULES.maxDeviation || m.edges > BACKGROUND_RULES.maxEdges)
    return 'background-busy';
  return null;
}

/** A face as the photo check reads it: the gates' measures and the head from the mesh. */
export interface PhotoFace extends FaceMeasure {
  readonly head: HeadGeometry | null;
}

/** What one camera frame gives: the crop to take, or the first problem to tell the citizen. */
export type PhotoFrameVerdict = Result<{ readonly rect: Rect; readonly head: HeadGeometry }, PhotoGuidance>;

/**
 * The checks on a camera frame before its crop is looked at: exactly one face passing {@link PHOTO_GATES}
 * (size, sharpness, exposure, frontal pose), a head found by the mesh, and a crop that puts it where the spec
 * wants it without enlarging too much. The background is checked on the crop ({@link checkBackground}).
 */
export function checkPhotoFrame(
  faces: readonly PhotoFace[],
  frame: { readonly width: number; readonly height: number },
  spec: PhotoSpec,
): PhotoFrameVerdict {
  const verdict = evaluateQuality(faces, frame, PHOTO_GATES);
  const first = verdict.problems[0];
  if (first) return err({ code: first });
  const face = verdict.face as PhotoFace | null;
  if (!face?.head) return err({ code: 'face-camera' });
  const plan = planCrop(face.head, frame, spec);
  return plan.ok ? ok({ rect: plan.value.rect, head: face.head }) : plan;
}

/** The head of a frame carried into a crop of it scaled to the photo's size. */
export function headInCrop(head: HeadGeometry, rect: Rect, spec: PhotoSpec): HeadGeometry {
  const scale = spec.height / rect[3];
  return {
    crownY: (head.crownY - rect[1]) * scale,
    chinY: (head.chinY - rect[1]) * scale,
    centreX: (head.centreX - rect[0]) * scale,
    width: head.width * scale,
  };
}

/** Reads a baseline or progressive JPEG's size from its frame header, without decoding it. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1] ?? 0;
    const length = ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0);
    // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = ((bytes[i + 5] ?? 0) << 8) | (bytes[i + 6] ?? 0);
      const width = ((bytes[i + 7] ?? 0) << 8) | (bytes[i + 8] ?? 0);
      return { width, height };
    }
    if (length < 2) return null;
    i += 2 + length;
  }
  return null;
}
