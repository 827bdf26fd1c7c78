/**
 * The test faces and the variants derived from them (see test/fixtures/faces/README.md): an ID-card-style
 * photo and "live" camera frames of the same person, frames with two people or nobody.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type RgbImage,
  adjust,
  crop,
  decodeImage,
  encodeJpeg,
  greyscale,
  mirror,
  resize,
  rotate,
  sideBySide,
  solid,
} from '../../main/services/face/image.js';

/** Folder of the face fixtures. */
export const FACE_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/faces');

/**
 * The portraits, with the head-and-shoulders box an ID photo of each would show (x, y, w, h in pixels;
 * 102:126 proportions around the detected face).
 */
export const PORTRAITS = {
  collins: { file: 'astronaut-collins.png', idBox: [108, 0, 232, 287] },
  hopper: { file: 'grace-hopper.jpg', idBox: [31, 0, 456, 563] },
} as const;

/** The profile photo (face turned about 30° away). */
export const PROFILE_FILE = 'cameraman.png';

/** A person of the test set. */
export type Person = keyof typeof PORTRAITS;

/** Reads a fixture image. */
export function fixtureImage(file: string): RgbImage {
  return decodeImage(readFileSync(path.join(FACE_FIXTURES, file)));
}

/** The JPEG bytes of an ID-card-style photo: 102×126, grey, darker, heavily compressed. */
export function idCardJpeg(person: Person): Uint8Array {
  const { file, idBox } = PORTRAITS[person];
  const [x, y, w, h] = idBox;
  const portrait = resize(crop(fixtureImage(file), x, y, w, h), 102, 126);
  return encodeJpeg(adjust(greyscale(portrait), 0.75), 45);
}

/** The named "live" variants: what a kiosk camera might see of the person. */
export const LIVE_VARIANTS = {
  mirrored: (img: RgbImage): RgbImage => mirror(img),
  'rotated-4deg': (img: RgbImage): RgbImage => rotate(img, 4, 90),
  brighter: (img: RgbImage): RgbImage => adjust(img, 1.2, 12),
  'mirrored-rotated-brighter': (img: RgbImage): RgbImage => adjust(rotate(mirror(img), 4, 90), 1.2, 12),
} as const;

/** A live frame of the person: mirrored, rotated 4°, brighter. */
export function liveFrame(person: Person): RgbImage {
  return LIVE_VARIANTS['mirrored-rotated-brighter'](fixtureImage(PORTRAITS[person].file));
}

/** A frame with both test people in it. */
export function twoFaces(): RgbImage {
  const a = fixtureImage(PORTRAITS.collins.file);
  const b = resize(fixtureImage(PORTRAITS.hopper.file), 437, 512);
  return sideBySide([a, b]);
}

/** A frame with nobody in it: a plain wall. */
export function emptyFrame(): RgbImage {
  return solid(640, 480, [182, 176, 168]);
}
