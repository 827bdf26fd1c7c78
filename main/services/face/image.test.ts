import { describe, expect, it } from 'vitest';
import { encodeBmp24 } from '../../../drivers/id-card/photo.js';
import {
  ImageDecodeError,
  crop,
  decodeImage,
  encodeJpeg,
  encodePng,
  mirror,
  resize,
  rotate,
  sideBySide,
  solid,
} from './image.js';

const gradient = (w: number, h: number): Uint8Array => {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 4, y * 4, 100], (y * w + x) * 3);
  return data;
};

describe('decodeImage', () => {
  it('reads the 24-bit BMP the card photo decoder produces, rows in order', () => {
    const rgb = gradient(5, 3); // 5 px rows need padding to 16 bytes
    const img = decodeImage(encodeBmp24(5, 3, rgb));
    expect(img.width).toBe(5);
    expect(img.height).toBe(3);
    expect([...img.data]).toEqual([...rgb]);
  });

  it('reads PNG exactly and JPEG approximately', () => {
    const src = { width: 16, height: 16, data: gradient(16, 16) };
    expect([...decodeImage(encodePng(src)).data]).toEqual([...src.data]);
    const jpeg = decodeImage(encodeJpeg(src, 95));
    expect(jpeg.width).toBe(16);
    const maxError = Math.max(...jpeg.data.map((v, i) => Math.abs(v - (src.data[i] ?? 0))));
    expect(maxError).toBeLessThan(24);
  });

  it('refuses what is not an image, and truncated files', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello'))).toThrow(ImageDecodeError);
    const bmp = encodeBmp24(8, 8, gradient(8, 8));
    expect(() => decodeImage(bmp.subarray(0, 80))).toThrow(/truncated/);
    const png = encodePng({ width: 8, height: 8, data: gradient(8, 8) });
    expect(() => decodeImage(png.subarray(0, 40))).toThrow(ImageDecodeError);
  });
});

describe('transforms', () => {
  const img = { width: 4, height: 2, data: gradient(4, 2) };

  it('mirrors left to right and back', () => {
    expect(mirror(img).data.subarray(0, 3)).toEqual(img.data.subarray(9, 12));
    expect(mirror(mirror(img)).data).toEqual(img.data);
  });

  it('keeps the size when rotating, crops, resizes and composes', () => {
    expect(rotate(img, 4).width).toBe(4);
    expect(rotate(img, 0).data).toEqual(img.data);
    expect(crop(img, 1, 0, 2, 2).data.subarray(0, 3)).toEqual(img.data.subarray(3, 6));
    const big = resize(solid(200, 100, [10, 20, 30]), 20, 10);
    expect([big.width, big.height, ...big.data.subarray(0, 3)]).toEqual([20, 10, 10, 20, 30]);
    const both = sideBySide([img, solid(3, 4, [1, 2, 3])], 0);
    expect([both.width, both.height]).toEqual([7, 4]);
  });
});
