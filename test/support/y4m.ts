/**
 * Writes Y4M video files (YUV 4:2:0) for Chromium's fake camera (`--use-file-for-fake-video-capture`), from
 * RGB frames; Chromium loops the file. Used to feed the face check a still picture as a camera.
 */
import type { RgbImage } from '../../main/services/face/image.js';
import { resize, sideBySide, solid } from '../../main/services/face/image.js';

/** Fits an image into width×height on a grey background (letterboxed, centred). */
export function fitFrame(img: RgbImage, width: number, height: number): RgbImage {
  const scale = Math.min(width / img.width, height / img.height);
  const w = Math.round(img.width * scale);
  const h = Math.round(img.height * scale);
  const scaled = resize(img, w, h);
  const left = Math.floor((width - w) / 2);
  const row = sideBySide([
    solid(left, h, [128, 128, 128]),
    scaled,
    solid(width - w - left, h, [128, 128, 128]),
  ]);
  const top = Math.floor((height - h) / 2);
  const out = solid(width, height, [128, 128, 128]);
  out.data.set(row.data, top * width * 3);
  return out;
}

/** Encodes frames (all the same even size) as a Y4M file at `fps` frames a second. */
export function encodeY4m(frames: readonly RgbImage[], fps: number): Uint8Array {
  const first = frames[0];
  if (!first || first.width % 2 || first.height % 2) throw new RangeError('frames must have even sizes');
  const { width: w, height: h } = first;
  const header = new TextEncoder().encode(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const frameHeader = new TextEncoder().encode('FRAME\n');
  const planeBytes = w * h + 2 * (w / 2) * (h / 2);
  const out = new Uint8Array(header.length + frames.length * (frameHeader.length + planeBytes));
  out.set(header, 0);
  let at = header.length;
  for (const f of frames) {
    out.set(frameHeader, at);
    at += frameHeader.length;
    const y = out.subarray(at, at + w * h);
    const u = out.subarray(at + w * h, at + w * h + (w / 2) * (h / 2));
    const v = out.subarray(at + w * h + (w / 2) * (h / 2), at + planeBytes);
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) {
        const p = (j * w + i) * 3;
        const [r, g, b] = [f.data[p] ?? 0, f.data[p + 1] ?? 0, f.data[p + 2] ?? 0];
        y[j * w + i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        if (j % 2 === 0 && i % 2 === 0) {
          const c = (j / 2) * (w / 2) + i / 2;
          u[c] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
          v[c] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
        }
      }
    at += planeBytes;
  }
  return out;
}
