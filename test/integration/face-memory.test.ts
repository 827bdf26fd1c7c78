/**
 * What a verification leaves behind in the Node face engine (the one `booth face` uses), with the real models:
 * no tfjs tensor (the count returns to its baseline after every kind of check), and after `forget` nothing of
 * the faces in human's own state (its last result, the descriptor cache). Speed and memory figures are in
 * bench/face.bench.ts, not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceEngine } from '../../main/services/face/engine.js';
import { decodeImage } from '../../main/services/face/image.js';
import { DEFAULT_FACE_THRESHOLDS } from '../../main/services/face/policy.js';
import { emptyFrame, idCardJpeg, liveFrame, twoFaces } from '../support/face-variants.js';

// Real models on a shared 2-core machine: loading and each detection take seconds when others are busy.
const SLOW = 240_000;
let engine: FaceEngine;

beforeAll(async () => {
  engine = await FaceEngine.load({ live: true });
}, SLOW);
afterAll(() => undefined);

describe('face engine memory (real models)', () => {
  const t = DEFAULT_FACE_THRESHOLDS;
  const card = decodeImage(idCardJpeg('hopper'));
  const live = liveFrame('hopper');

  it(
    'warms up on zeros and returns to the tensor baseline after every kind of check',
    async () => {
      const loaded = engine.memory().tensors;
      await engine.warmUp();
      expect(engine.memory().tensors).toBe(loaded);
      const checks: [string, () => Promise<unknown>][] = [
        ['match', () => engine.compare(card, live, t)],
        ['no face', () => engine.compare(card, emptyFrame(), t)],
        ['two faces', () => engine.compare(card, twoFaces(), t)],
        ['live frame with antispoof and liveness', () => engine.analyse(live, { live: true })],
        ['forget', () => engine.forget()],
      ];
      for (const [name, check] of checks) {
        await check();
        expect({ name, tensors: engine.memory().tensors }).toEqual({ name, tensors: loaded });
      }
    },
    SLOW,
  );

  it(
    'forgets the faces after a check: descriptors zeroed, last result empty, and it still verifies',
    async () => {
      const first = await engine.compare(card, live, t);
      expect(first.decision).toBe('match');
      const held = engine.heldDescriptors();
      expect(held.length).toBeGreaterThan(0);
      expect(held.every((d) => d.some((v) => v !== 0))).toBe(true);
      await engine.forget();
      expect(engine.heldDescriptors()).toEqual([]);
      // The arrays human had (also its descriptor model's cache) are zeroed, not only dropped.
      expect(held.every((d) => d.every((v) => v === 0))).toBe(true);
      // The descriptors returned to the caller are copies, and the engine works as before.
      const again = await engine.compare(card, live, t);
      expect(again.decision).toBe('match');
      expect(again.score).toBeCloseTo(first.score ?? Number.NaN, 3);
    },
    SLOW,
  );
});
