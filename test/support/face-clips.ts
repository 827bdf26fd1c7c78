/**
 * Camera clips for the face check's end-to-end tests, made from the public-domain test portraits: what
 * Chromium's fake camera shows (`--use-file-for-fake-video-capture`, a looping Y4M file). A still picture, and
 * the same picture blinking: the eyes painted shut with the skin below them for part of every loop; and clips
 * performing a sequence of motions at set times, the turns made by rotating the picture's own 3D face mesh
 * and warping it (test/support/face-turn.ts; a plain sideways warp left the model's yaw under 4°).
 */
import { crop, mirror, resize, type RgbImage } from '../../main/services/face/image.js';
import { fixtureImage, PORTRAITS } from './face-variants.js';
import { collinsMesh, turnHead } from './face-turn.js';
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

/**
 * The rotation of the face mesh for a turn. The model's mesh is flatter than a real head (its depth spans
 * about a third of the face's width), so the picture has to be turned further than a person would for the
 * model to read the yaw a person's turn gives: at 58° it reads about 21–28° (checked by
 * test/integration/face-turn.test.ts); positive is the model's positive yaw, the kiosk's "turn left".
 */
export const TURN_DEGREES = 58;

/** The camera picture with the head turned by `degrees` of mesh rotation (see {@link TURN_DEGREES}). */
export function turnedPicture(degrees: number): RgbImage {
  return turnHead(cameraPicture('open'), collinsMesh(), degrees);
}

/** One stretch of a scripted clip: the face still (eyes open), blinking (eyes shut), or turned. */
export interface ClipStep {
  readonly motion: 'still' | 'blink' | 'turn-left' | 'turn-right';
  readonly ms: number;
}

/**
 * A clip performing `steps` in order, looped by Chromium. A turn goes through half the rotation for 200 ms on
 * the way out and back, as a head does, and holds the full turn for the rest of its time.
 */
export function scriptedClip(steps: readonly ClipStep[], fps = 10): Uint8Array {
  const open = cameraPicture('open');
  const pictures = new Map<string, RgbImage>();
  const picture = (key: string, make: () => RgbImage): RgbImage => {
    const known = pictures.get(key);
    if (known) return known;
    const made = make();
    pictures.set(key, made);
    return made;
  };
  const frames: RgbImage[] = [];
  const frameMs = 1000 / fps;
  for (const step of steps) {
    const n = Math.max(1, Math.round(step.ms / frameMs));
    if (step.motion === 'still') frames.push(...Array.from({ length: n }, () => open));
    else if (step.motion === 'blink')
      frames.push(...Array.from({ length: n }, () => picture('closed', () => cameraPicture('closed'))));
    else {
      const sign = step.motion === 'turn-left' ? 1 : -1;
      const half = picture(`${step.motion}-half`, () => turnedPicture((sign * TURN_DEGREES) / 2));
      const full = picture(step.motion, () => turnedPicture(sign * TURN_DEGREES));
      const ramp = Math.min(Math.round(200 / frameMs), Math.floor(n / 4));
      frames.push(
        ...Array.from({ length: ramp }, () => half),
        ...Array.from({ length: n - 2 * ramp }, () => full),
        ...Array.from({ length: ramp }, () => half),
      );
    }
  }
  return encodeY4m(frames, fps);
}
