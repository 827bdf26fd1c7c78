/**
 * Camera clips for the face check's end-to-end tests, made from the public-domain test portraits: what
 * Chromium's fake camera shows (`--use-file-for-fake-video-capture`, a looping Y4M file). A still picture, and
 * the same picture blinking: the eyes painted shut with the skin below them for part of every loop. A head
 * turn cannot be made from a frontal still — warping the picture sideways left the model's yaw under 4° —
 * so no clip here turns.
 */
import { crop, mirror, resize, type RgbImage } from '../../main/services/face/image.js';
import { fixtureImage, PORTRAITS } from './face-variants.js';
import { encodeY4m } from './y4m.js';

/**
 * The eyes of the Collins portrait (x0, x1, y0, y1 in its pixels), measured once with the face mesh's eye
 * contours (MediaPipe indices 33…246 and 263…466); the face box is 152, 49, 145×145.
 */
const COLLINS_EYES = [
  [197, 214, 97, 104],
  [237, 255, 99, 106],
] as const;

/** The camera's picture size. */
export const CAMERA_WIDTH = 640;
export const CAMERA_HEIGHT = 480;

/** Paints the eyes shut: each eye's area filled with the skin just below it, a dark lash line across. */
function closeEyes(img: RgbImage): RgbImage {
  const out: RgbImage = { width: img.width, height: img.height, data: img.data.slice() };
  for (const [x0, x1, y0, y1] of COLLINS_EYES) {
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const rx = ((x1 - x0) / 2) * 1.3;
    const ry = ((y1 - y0) / 2) * 1.3 * 1.6;
    const skinAt = (Math.round(y1 + (y1 - y0) * 1.5) * img.width + Math.round(cx)) * 3;
    const skin = [img.data[skinAt] ?? 0, img.data[skinAt + 1] ?? 0, img.data[skinAt + 2] ?? 0];
    for (let y = Math.floor(cy - ry); y <= cy + ry; y++)
      for (let x = Math.floor(cx - rx); x <= cx + rx; x++) {
        if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
        const lash = Math.abs(y - (cy + (y1 - y0) * 0.2)) < 1.5 && Math.abs(x - cx) < rx * 0.9;
        const colour = lash ? [40, 30, 30] : skin;
        out.data.set(colour, (y * img.width + x) * 3);
      }
  }
  return out;
}

/**
 * What the citizen camera sees of the person in the Collins portrait: the face centred and about half the
 * picture wide, mirrored (as a camera facing the citizen is), eyes open or shut.
 */
export function cameraPicture(eyes: 'open' | 'closed'): RgbImage {
  const portrait = fixtureImage(PORTRAITS.collins.file);
  const face = eyes === 'open' ? portrait : closeEyes(portrait);
  // 320×240 around the face box's centre (224, 121), then up to the camera's size.
  return mirror(resize(crop(face, 64, 1, 320, 240), CAMERA_WIDTH, CAMERA_HEIGHT));
}

/** A still picture as a camera clip (one frame, looped by Chromium). */
export function stillClip(): Uint8Array {
  return encodeY4m([cameraPicture('open')], 10);
}

/**
 * The picture blinking: eyes open for `openMs`, shut for `closedMs`, looped. The eyes stay shut long enough
 * for a kiosk analysing about one frame a second to see them shut.
 */
export function blinkClip(openMs = 2000, closedMs = 1000, fps = 10): Uint8Array {
  const open = cameraPicture('open');
  const closed = cameraPicture('closed');
  const frames = [
    ...Array.from({ length: Math.round((openMs * fps) / 1000) }, () => open),
    ...Array.from({ length: Math.round((closedMs * fps) / 1000) }, () => closed),
  ];
  return encodeY4m(frames, fps);
}
