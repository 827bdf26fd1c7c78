import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FACE_THRESHOLDS,
  LIVE_GATES,
  REFERENCE_GATES,
  type FaceMeasure,
  decide,
  evaluateQuality,
  faceSimilarity,
  faceThresholdsSchema,
  measureExposure,
  measureSharpness,
} from './policy.js';

const frame = { width: 640, height: 480 };
const good: FaceMeasure = {
  detectionScore: 0.9,
  box: [240, 140, 160, 180],
  yaw: 3,
  pitch: -4,
  roll: 1,
  sharpness: 300,
  brightness: 130,
  clipped: 0.01,
};

describe('decide', () => {
  it('maps scores to match, uncertain and no-match at the thresholds', () => {
    const t = DEFAULT_FACE_THRESHOLDS;
    expect(decide(t.match, t)).toBe('match');
    expect(decide(0.99, t)).toBe('match');
    expect(decide((t.match + t.noMatch) / 2, t)).toBe('uncertain');
    expect(decide(t.noMatch, t)).toBe('no-match');
    expect(decide(0, t)).toBe('no-match');
  });

  it('refuses thresholds where no-match is not below match', () => {
    expect(faceThresholdsSchema.safeParse({ match: 0.5, noMatch: 0.5 }).success).toBe(false);
    expect(faceThresholdsSchema.safeParse({ match: 0.6, noMatch: 0.45 }).success).toBe(true);
  });
});

describe('faceSimilarity', () => {
  it('is 1 for the same direction, 0 for orthogonal or opposite descriptors', () => {
    expect(faceSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(faceSimilarity([1, 0], [0, 1])).toBe(0);
    expect(faceSimilarity([1, 0], [-1, 0])).toBe(0);
    expect(faceSimilarity([1, 1], [1, 0])).toBeCloseTo(Math.SQRT1_2, 10);
  });

  it('refuses descriptors of different lengths', () => {
    expect(() => faceSimilarity([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe('evaluateQuality', () => {
  it('passes a centred, sharp, well-lit, frontal face', () => {
    const v = evaluateQuality([good], frame, LIVE_GATES);
    expect(v.ok).toBe(true);
    expect(v.problems).toEqual([]);
    expect(v.gates.map((g) => g.gate)).toEqual([
      'one-face',
      'face-size',
      'framing',
      'sharpness',
      'exposure',
      'frontal-pose',
    ]);
  });

  it('says no-face when nothing reaches the detection floor, ignoring weak detections', () => {
    const v = evaluateQuality([{ ...good, detectionScore: 0.3 }], frame, LIVE_GATES);
    expect(v.problems).toEqual(['no-face']);
    expect(v.faces).toBe(0);
  });

  it('refuses two faces', () => {
    const v = evaluateQuality([good, { ...good, box: [20, 20, 150, 150] }], frame, LIVE_GATES);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual(['multiple-faces']);
    expect(v.face).toBeNull();
  });

  it('guides distance, centring, focus, light and pose', () => {
    const one = (m: Partial<FaceMeasure>): readonly string[] =>
      evaluateQuality([{ ...good, ...m }], frame, LIVE_GATES).problems;
    expect(one({ box: [300, 200, 60, 70] })).toEqual(['move-closer']);
    expect(one({ box: [60, 0, 520, 480] })).toEqual(['move-back']);
    expect(one({ box: [0, 140, 160, 180] })).toEqual(['centre-face']);
    expect(one({ sharpness: 5 })).toEqual(['blurry']);
    expect(one({ brightness: 30 })).toEqual(['too-dark']);
    expect(one({ brightness: 240 })).toEqual(['too-bright']);
    expect(one({ clipped: 0.5, brightness: 200 })).toEqual(['too-bright']);
    expect(one({ yaw: 31 })).toEqual(['face-camera']);
    expect(one({ pitch: -25 })).toEqual(['face-camera']);
  });

  it('asks less of a reference photo: a small dark card photo passes, a profile does not', () => {
    const card = { width: 102, height: 126 };
    const cardFace: FaceMeasure = { ...good, box: [20, 25, 62, 70], sharpness: 8, brightness: 60 };
    expect(evaluateQuality([cardFace], card, REFERENCE_GATES).ok).toBe(true);
    expect(evaluateQuality([cardFace], card, LIVE_GATES).ok).toBe(false);
    expect(evaluateQuality([{ ...cardFace, yaw: 31 }], card, REFERENCE_GATES).problems).toEqual([
      'face-camera',
    ]);
  });
});

describe('pixel measures', () => {
  const W = 64;
  const checker = (step: number): Uint8Array => {
    const data = new Uint8Array(W * W * 3);
    for (let y = 0; y < W; y++)
      for (let x = 0; x < W; x++)
        data.fill(
          (Math.floor(x / step) + Math.floor(y / step)) % 2 ? 220 : 30,
          (y * W + x) * 3,
          (y * W + x) * 3 + 3,
        );
    return data;
  };
  const view = (data: Uint8Array): { width: number; height: number; channels: 3; data: Uint8Array } => ({
    width: W,
    height: W,
    channels: 3,
    data,
  });

  it('measures fine detail as sharper than coarse detail and a flat patch as 0', () => {
    const box = [0, 0, W, W] as const;
    const fine = measureSharpness(view(checker(2)), box);
    const coarse = measureSharpness(view(checker(16)), box);
    expect(fine).toBeGreaterThan(coarse * 4);
    expect(measureSharpness(view(new Uint8Array(W * W * 3).fill(128)), box)).toBe(0);
  });

  it('measures mean luma and clipping', () => {
    const dark = measureExposure(view(new Uint8Array(W * W * 3).fill(4)), [0, 0, W, W]);
    expect(dark.brightness).toBeCloseTo(4, 5);
    expect(dark.clipped).toBe(1);
    const mid = measureExposure(view(new Uint8Array(W * W * 3).fill(128)), [0, 0, W, W]);
    expect(mid.brightness).toBeCloseTo(128, 5);
    expect(mid.clipped).toBe(0);
  });
});
