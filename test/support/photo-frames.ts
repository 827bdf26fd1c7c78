/**
 * Camera frames for the certificate photo tests, composed from the public-domain Collins portrait: the person
 * stands before the portrait's own light studio backdrop (extended upward, since the portrait cuts her hair
 * close to its top edge), before the same backdrop darkened (a dark wall), or before a cluttered scene (the
 * cameraman picture, CC0, pasted behind her). Also the same person small in the frame, or off to one side.
 */
import { crop, resize, solid, type RgbImage } from '../../main/services/face/image.js';
import { fixtureImage, PORTRAITS, PROFILE_FILE } from './face-variants.js';

/** The photo camera's picture size in the tests (a 4:3 camera). */
export const PHOTO_CAMERA_WIDTH = 960;
export const PHOTO_CAMERA_HEIGHT = 720;

/** What stands behind the person. */
export type Backdrop = 'studio' | 'dark' | 'cluttered';

/** Rows added above the portrait so the crown has room above it. */
const PAD_TOP = 60;

/**
 * Whether a pixel of the padded portrait is the person (hair, head, neck, suit) rather than the backdrop:
 * the head as an ellipse around the face (hair included), the suit as everything below the shoulder line
 * between the suit's edges. Measured by eye on the portrait; generous on the person's side.
 */
function isPerson(x: number, y: number): boolean {
  const py = y - PAD_TOP;
  const head = ((x - 226) / 80) ** 2 + ((py - 95) / 92) ** 2 <= 1;
  const body = py >= 150 && x >= 100 && x <= 370;
  return head || body;
}

/** The portrait with `PAD_TOP` rows of its backdrop colour added above it, and the backdrop replaced. */
function personBefore(backdrop: Backdrop): RgbImage {
  const portrait = fixtureImage(PORTRAITS.collins.file);
  // The backdrop's own colour, from a patch beside the head.
  const patch = crop(portrait, 300, 0, 50, 40);
  const mean = [0, 1, 2].map((c) => {
    let s = 0;
    for (let i = c; i < patch.data.length; i += 3) s += patch.data[i] ?? 0;
    return Math.round(s / (patch.data.length / 3));
  }) as [number, number, number];
  const out = solid(portrait.width, portrait.height + PAD_TOP, mean);
  out.data.set(portrait.data, PAD_TOP * portrait.width * 3);
  if (backdrop === 'studio') return out;
  const clutter = resize(fixtureImage(PROFILE_FILE), out.width, out.height);
  for (let y = 0; y < out.height; y++)
    for (let x = 0; x < out.width; x++) {
      if (isPerson(x, y)) continue;
      const p = (y * out.width + x) * 3;
      for (let c = 0; c < 3; c++)
        out.data[p + c] =
          backdrop === 'dark' ? Math.round((out.data[p + c] ?? 0) * 0.35) : (clutter.data[p + c] ?? 0);
    }
  return out;
}

/**
 * The camera's picture of the person before a backdrop. `framing`: `good` — head and shoulders centred, the
 * head about 380 pixels tall; `small` — the whole padded portrait shrunk into the frame (the head about 190
 * pixels: too far away for a sharp 441-pixel photo); `off-centre` — the good framing moved so the head sits
 * near the frame's left edge.
 */
export function photoCameraPicture(
  backdrop: Backdrop,
  framing: 'good' | 'small' | 'off-centre' = 'good',
): RgbImage {
  const person = personBefore(backdrop);
  const W = PHOTO_CAMERA_WIDTH;
  const H = PHOTO_CAMERA_HEIGHT;
  if (framing === 'small') {
    // 572 rows into 720: the head shrinks to about 1.26× its portrait size, centred on a backdrop-coloured frame.
    const scaled = resize(person, Math.round((person.width * H) / person.height), H);
    const out = solid(W, H, [scaled.data[0] ?? 0, scaled.data[1] ?? 0, scaled.data[2] ?? 0]);
    const left = Math.floor((W - scaled.width) / 2);
    for (let y = 0; y < H; y++)
      out.data.set(
        scaled.data.subarray(y * scaled.width * 3, (y + 1) * scaled.width * 3),
        (y * W + left) * 3,
      );
    return out;
  }
  // A 4:3 window of the padded portrait (x 52…479, rows 0…320), enlarged 2.25×.
  const good = resize(crop(person, 52, 0, 427, 320), W, H);
  if (framing === 'good') return good;
  // The person steps 250 pixels to the side: the frame's right part shows more of the backdrop's colour.
  const shift = 250;
  const out = solid(W, H, [good.data[0] ?? 0, good.data[1] ?? 0, good.data[2] ?? 0]);
  for (let y = 0; y < H; y++)
    out.data.set(good.data.subarray((y * W + shift) * 3, (y + 1) * W * 3), y * W * 3);
  return out;
}
