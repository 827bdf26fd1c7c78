/**
 * Image files for the Node face engine: PNG (pngjs), JPEG (jpeg-js) and 24/32-bit BMP (the card photo format
 * the PhotoDecoder port produces) decoded into plain RGB pixels, and a few pure transforms used to derive
 * test and calibration variants (mirrored, rotated, brighter "live" frames; a small dark ID-style photo).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** RGB pixels, 3 bytes a pixel, rows top-down. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An image file that cannot be read as an image. */
export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** Images larger than this are refused rather than decoded (a 4K frame is 8.3 MP). */
const MAX_PIXELS = 40_000_000;

function fromRgba(width: number, height: number, rgba: ArrayLike<number>): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    data[i] = rgba[j] ?? 0;
    data[i + 1] = rgba[j + 1] ?? 0;
    data[i + 2] = rgba[j + 2] ?? 0;
  }
  return { width, height, data };
}

function decodeBmp(bytes: Uint8Array): RgbImage {
  if (bytes.length < 54) throw new ImageDecodeError('BMP header is truncated');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = v.getUint32(10, true);
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width * height > MAX_PIXELS)
    throw new ImageDecodeError(`BMP size ${width}×${height} is not supported`);
  if ((bpp !== 24 && bpp !== 32) || (compression !== 0 && compression !== 3))
    throw new ImageDecodeError(`BMP with ${bpp} bits a pixel (compression ${compression}) is not supported`);
  const bytesPerPixel = bpp / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (offset + stride * height > bytes.length) throw new ImageDecodeError('BMP pixel data is truncated');
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    // Positive height = rows stored bottom-up.
    const row = offset + (rawHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const s = row + x * bytesPerPixel;
      const d = (y * width + x) * 3;
      data[d] = bytes[s + 2] ?? 0;
      data[d + 1] = bytes[s + 1] ?? 0;
      data[d + 2] = bytes[s] ?? 0;
    }
  }
  return { width, height, data };
}

/** Decodes a PNG, JPEG or BMP file's bytes (told apart by their signatures) into RGB. */
export function decodeImage(bytes: Uint8Array): RgbImage {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(b);
      if (png.width * png.height > MAX_PIXELS) throw new ImageDecodeError('image too large');
      return fromRgba(png.width, png.height, png.data);
    }
    if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
      const img = jpeg.decode(b, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_PIXELS / 1_000_000,
      });
      return fromRgba(img.width, img.height, img.data);
    }
    if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return decodeBmp(bytes);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(error instanceof Error ? error.message : String(error));
  }
  throw new ImageDecodeError('not a PNG, JPEG or BMP image');
}

/** Encodes RGB pixels as a JPEG of the given quality (1–100). */
export function encodeJpeg(img: RgbImage, quality: number): Uint8Array {
  const rgba = new Uint8Array(img.width * img.height * 4);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    rgba[j] = img.data[i] ?? 0;
    rgba[j + 1] = img.data[i + 1] ?? 0;
    rgba[j + 2] = img.data[i + 2] ?? 0;
    rgba[j + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ width: img.width, height: img.height, data: rgba }, quality).data);
}

/** Encodes RGB pixels as a PNG. */
export function encodePng(img: RgbImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    png.data[j] = img.data[i] ?? 0;
    png.data[j + 1] = img.data[i + 1] ?? 0;
    png.data[j + 2] = img.data[i + 2] ?? 0;
    png.data[j + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

function sampleBilinear(img: RgbImage, x: number, y: number, c: number, fill: number): number {
  if (x < -0.5 || y < -0.5 || x > img.width - 0.5 || y > img.height - 0.5) return fill;
  const x0 = Math.max(0, Math.min(img.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.floor(y)));
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  const at = (px: number, py: number): number => img.data[(py * img.width + px) * 3 + c] ?? 0;
  return (
    at(x0, y0) * (1 - fx) * (1 - fy) +
    at(x1, y0) * fx * (1 - fy) +
    at(x0, y1) * (1 - fx) * fy +
    at(x1, y1) * fx * fy
  );
}

function map(
  img: RgbImage,
  width: number,
  height: number,
  source: (x: number, y: number) => [number, number],
  fill = 0,
): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y);
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] = Math.round(sampleBilinear(img, sx, sy, c, fill));
    }
  }
  return { width, height, data };
}

/** Mirrors left to right (what a selfie-style preview shows). */
export function mirror(img: RgbImage): RgbImage {
  return map(img, img.width, img.height, (x, y) => [img.width - 1 - x, y]);
}

/** Rotates by `degrees` (clockwise) about the centre, keeping the size; uncovered corners are `fill` grey. */
export function rotate(img: RgbImage, degrees: number, fill = 0): RgbImage {
  const a = (degrees * Math.PI) / 180;
  const cx = (img.width - 1) / 2;
  const cy = (img.height - 1) / 2;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return map(
    img,
    img.width,
    img.height,
    (x, y) => [cx + (x - cx) * cos + (y - cy) * sin, cy - (x - cx) * sin + (y - cy) * cos],
    fill,
  );
}

/** Resizes to width×height (bilinear; area-averaged first when shrinking by more than 2×). */
export function resize(img: RgbImage, width: number, height: number): RgbImage {
  let src = img;
  // Halve with a 2×2 box filter while far above the target, so small outputs are not aliased.
  while (src.width >= width * 2 && src.height >= height * 2) {
    const w = Math.floor(src.width / 2);
    const h = Math.floor(src.height / 2);
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++) {
          const at = (px: number, py: number): number => src.data[(py * src.width + px) * 3 + c] ?? 0;
          data[(y * w + x) * 3 + c] = Math.round(
            (at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1)) / 4,
          );
        }
    src = { width: w, height: h, data };
  }
  const sx = src.width / width;
  const sy = src.height / height;
  return map(src, width, height, (x, y) => [(x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5]);
}

/** Cuts out a rectangle (clamped to the image). */
export function crop(img: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const w = Math.min(img.width - x0, Math.round(width));
  const h = Math.min(img.height - y0, Math.round(height));
  const data = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++)
    data.set(
      img.data.subarray(((y0 + row) * img.width + x0) * 3, ((y0 + row) * img.width + x0 + w) * 3),
      row * w * 3,
    );
  return { width: w, height: h, data };
}

/** Scales every channel by `gain` and adds `offset` (clamped): brighter, darker, more or less contrast. */
export function adjust(img: RgbImage, gain: number, offset = 0): RgbImage {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i++)
    data[i] = Math.max(0, Math.min(255, Math.round((img.data[i] ?? 0) * gain + offset)));
  return { width: img.width, height: img.height, data };
}

/** Grey levels (kept as RGB so every consumer reads one format). */
export function greyscale(img: RgbImage): RgbImage {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i += 3) {
    const v = Math.round(
      0.299 * (img.data[i] ?? 0) + 0.587 * (img.data[i + 1] ?? 0) + 0.114 * (img.data[i + 2] ?? 0),
    );
    data[i] = v;
    data[i + 1] = v;
    data[i + 2] = v;
  }
  return { width: img.width, height: img.height, data };
}

/** A box blur of the given radius (a defocused or moving camera). */
export function blur(img: RgbImage, radius: number): RgbImage {
  const pass = (src: RgbImage, horizontal: boolean): RgbImage => {
    const data = new Uint8Array(src.data.length);
    for (let y = 0; y < src.height; y++)
      for (let x = 0; x < src.width; x++)
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          let n = 0;
          for (let k = -radius; k <= radius; k++) {
            const px = horizontal ? x + k : x;
            const py = horizontal ? y : y + k;
            if (px < 0 || py < 0 || px >= src.width || py >= src.height) continue;
            sum += src.data[(py * src.width + px) * 3 + c] ?? 0;
            n++;
          }
          data[(y * src.width + x) * 3 + c] = Math.round(sum / n);
        }
    return { width: src.width, height: src.height, data };
  };
  return pass(pass(img, true), false);
}

/** Places images side by side on a `fill` background, tops aligned (a frame with two people in it). */
export function sideBySide(images: readonly RgbImage[], fill = 128): RgbImage {
  const width = images.reduce((s, i) => s + i.width, 0);
  const height = Math.max(...images.map((i) => i.height));
  const data = new Uint8Array(width * height * 3).fill(fill);
  let left = 0;
  for (const img of images) {
    for (let y = 0; y < img.height; y++)
      data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), (y * width + left) * 3);
    left += img.width;
  }
  return { width, height, data };
}

/** A flat image of one colour (a frame with nobody in it). */
export function solid(width: number, height: number, rgb: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
  }
  return { width, height, data };
}
