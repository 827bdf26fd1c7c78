/**
 * The certificate photo rules on real images with the real face models: a person before a light studio
 * backdrop gives a 358×441 photo whose head the models find where the spec wants it; a dark wall, a cluttered
 * scene, a dark portrait backdrop, a head too small in the frame or off to one side are refused with the
 * guidance the screen gives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceEngine } from '../../main/services/face/engine.js';
import { crop, resize, type RgbImage } from '../../main/services/face/image.js';
import {
  DEFAULT_PHOTO_SPEC,
  checkBackground,
  checkPhotoFrame,
  checkPlacement,
  headInCrop,
  headPlacement,
  measureBackground,
  type PhotoProblem,
} from '../../main/services/face/photo.js';
import { fixtureImage, PORTRAITS } from '../support/face-variants.js';
import { photoCameraPicture } from '../support/photo-frames.js';

const SLOW = 180_000;
let engine: FaceEngine;
const spec = DEFAULT_PHOTO_SPEC;

beforeAll(async () => {
  engine = await FaceEngine.load();
}, SLOW);

/** What the kiosk does with one frame: the frame checks, the crop, the background; the photo or the problem. */
async function takePhoto(frame: RgbImage): Promise<{ photo: RgbImage } | { problem: PhotoProblem }> {
  const analysis = await engine.analyse(frame);
  const verdict = checkPhotoFrame(analysis.faces, frame, spec);
  if (!verdict.ok) return { problem: verdict.error.code };
  const { rect, head } = verdict.value;
  const [x, y, w, h] = rect;
  const photo = resize(crop(frame, x, y, w, h), spec.width, spec.height);
  const problem = checkBackground(measureBackground({ ...photo, channels: 3 }, headInCrop(head, rect, spec)));
  return problem ? { problem } : { photo };
}

describe('certificate photo (real models)', () => {
  it(
    'a head-and-shoulders frame before a light plain backdrop gives a 358×441 photo within the head rules',
    async () => {
      const result = await takePhoto(photoCameraPicture('studio'));
      if (!('photo' in result)) throw new Error(`refused: ${result.problem}`);
      expect([result.photo.width, result.photo.height]).toEqual([358, 441]);
      // The models, run again on the finished photo, find the head where the spec wants it.
      const again = await engine.analyse(result.photo);
      expect(again.faces).toHaveLength(1);
      const head = again.faces[0]?.head;
      if (!head) throw new Error('no head in the photo');
      const placement = headPlacement(head, 358, 441);
      expect(checkPlacement(placement, spec)).toBeNull();
      expect(placement.headHeight).toBeGreaterThan(0.6);
      expect(placement.headHeight).toBeLessThan(0.7);
    },
    SLOW,
  );

  it(
    'a dark wall behind the person is refused as a dark background',
    async () => {
      expect(await takePhoto(photoCameraPicture('dark'))).toEqual({ problem: 'background-dark' });
    },
    SLOW,
  );

  it(
    'a cluttered scene behind the person is refused as a busy background',
    async () => {
      expect(await takePhoto(photoCameraPicture('cluttered'))).toEqual({ problem: 'background-busy' });
    },
    SLOW,
  );

  it(
    'the Hopper portrait (a dark studio backdrop) is refused as a dark background',
    async () => {
      expect(await takePhoto(fixtureImage(PORTRAITS.hopper.file))).toEqual({ problem: 'background-dark' });
    },
    SLOW,
  );

  it(
    'a head too small in the frame asks the citizen to come closer',
    async () => {
      expect(await takePhoto(photoCameraPicture('studio', 'small'))).toEqual({ problem: 'move-closer' });
    },
    SLOW,
  );

  it(
    'a head near the frame’s edge asks the citizen to move to the centre',
    async () => {
      expect(await takePhoto(photoCameraPicture('studio', 'off-centre'))).toEqual({ problem: 'centre-face' });
    },
    SLOW,
  );

  it(
    'a photo cut with the head small or to one side breaks the head rules',
    async () => {
      // Cut from the good frame, but wider (head about 45 % of the height) or shifted (head off the centre).
      const frame = photoCameraPicture('studio');
      const analysis = await engine.analyse(frame);
      const head = analysis.faces[0]?.head;
      if (!head) throw new Error('no head');
      const h = (head.chinY - head.crownY) / 0.45;
      const w = (h * 358) / 441;
      const wide = resize(crop(frame, head.centreX - w / 2, head.crownY - 0.1 * h, w, h), 358, 441);
      const h2 = (head.chinY - head.crownY) / 0.65;
      const w2 = (h2 * 358) / 441;
      const shifted = resize(
        crop(frame, head.centreX - w2 / 2 - 0.12 * w2, head.crownY - 0.08 * h2, w2, h2),
        358,
        441,
      );
      const problems = [];
      for (const photo of [wide, shifted]) {
        const found = (await engine.analyse(photo)).faces[0]?.head;
        if (!found) throw new Error('no head in the cut');
        problems.push(checkPlacement(headPlacement(found, 358, 441), spec));
      }
      expect(problems).toEqual(['move-closer', 'centre-face']);
    },
    SLOW,
  );
});
