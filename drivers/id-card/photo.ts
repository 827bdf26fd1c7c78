/**
 * The card photo: 1024 bytes of the proprietary WLT format, decodable only by a vendor library. Hence a
 * port ({@link PhotoDecoder}) with two adapters: one loading the vendor library through koffi, and one for
 * simulated cards, whose fake WLT bytes carry a marker and a small real image.
 */
import { z } from 'zod';
import type { DeviceResult } from '../common/result.js';
import { fail, ok } from '../common/result.js';

/** Photo dimensions every decoder produces. */
export const PHOTO_WIDTH = 102;
/** Photo dimensions every decoder produces. */
export const PHOTO_HEIGHT = 126;
/** Size of the WLT blob on the card. */
export const WLT_LENGTH = 1024;

/** A decoded photo: a 24-bit BMP file. */
export interface DecodedPhoto {
  readonly width: number;
  readonly height: number;
  readonly bmp: Uint8Array;
}

/** Turns a card's WLT photo into a BMP. */
export interface PhotoDecoder {
  decode(wlt: Uint8Array): Promise<DeviceResult<DecodedPhoto>>;
}

// ---------------------------------------------------------------------------------------------------------
// BMP

/** Size of a 24-bit BMP file of the given dimensions (54-byte headers, rows padded to 4 bytes). */
export function bmpFileSize(width: number, height: number): number {
  return 54 + bmpRowStride(width) * height;
}

function bmpRowStride(width: number): number {
  return Math.ceil((width * 3) / 4) * 4;
}

/** Encodes a top-down RGB pixel array (3 bytes a pixel) as a bottom-up 24-bit BMP file. */
export function encodeBmp24(width: number, height: number, rgb: Uint8Array): Uint8Array {
  if (rgb.length !== width * height * 3) throw new RangeError('pixel data does not match the dimensions');
  const stride = bmpRowStride(width);
  const out = new Uint8Array(bmpFileSize(width, height));
  const v = new DataView(out.buffer);
  out[0] = 0x42; // 'B'
  out[1] = 0x4d; // 'M'
  v.setUint32(2, out.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, stride * height, true);
  v.setInt32(38, 3780, true); // 96 dpi
  v.setInt32(42, 3780, true);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const src = (y * width + x) * 3;
      out[row + x * 3] = rgb[src + 2] ?? 0;
      out[row + x * 3 + 1] = rgb[src + 1] ?? 0;
      out[row + x * 3 + 2] = rgb[src] ?? 0;
    }
  }
  return out;
}

/** Reads width, height and bit depth from a BMP header; null when it is not a BMP. */
export function readBmpHeader(
  bmp: Uint8Array,
): { width: number; height: number; bitsPerPixel: number } | null {
  if (bmp.length < 54 || bmp[0] !== 0x42 || bmp[1] !== 0x4d) return null;
  const v = new DataView(bmp.buffer, bmp.byteOffset, bmp.byteLength);
  return {
    width: v.getInt32(18, true),
    height: Math.abs(v.getInt32(22, true)),
    bitsPerPixel: v.getUint16(28, true),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Simulator adapter

/**
 * Marker opening a simulated WLT blob. Real WLT data never starts with it, and the simulator decoder refuses
 * anything else: it cannot and does not decode real WLT photos.
 */
export const SIMULATED_WLT_MARKER = 'BOOTHSIMWLT1';
const SIM_W = 34;
const SIM_H = 42;
const SCALE = 3; // 34×42 upscaled 3× = 102×126

/**
 * Makes the fake WLT bytes of a simulated card: marker, tint colour, and a 34×42 4-bit grey-level portrait
 * silhouette (head and shoulders) derived from `seed`, so different identities get different pictures.
 */
export function makeSimulatedWlt(seed: string): Uint8Array {
  const out = new Uint8Array(WLT_LENGTH);
  const marker = new TextEncoder().encode(SIMULATED_WLT_MARKER);
  out.set(marker, 0);
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619) >>> 0;
  const tint = [0x80 + (h & 0x7f), 0x80 + ((h >> 8) & 0x7f), 0x80 + ((h >> 16) & 0x7f)];
  let at = marker.length;
  out[at++] = SIM_W;
  out[at++] = SIM_H;
  for (const c of tint) out[at++] = c;
  const headRx = 8 + (h % 3);
  const headRy = 10 + ((h >> 4) % 3);
  for (let y = 0; y < SIM_H; y++) {
    for (let x = 0; x < SIM_W; x += 2) {
      const level = (px: number): number => {
        const dx = (px - SIM_W / 2) / headRx;
        const dy = (y - 16) / headRy;
        if (dx * dx + dy * dy <= 1) return 12; // face
        if (y > 27 && Math.abs(px - SIM_W / 2) < 4 + (y - 27) * 1.2) return 4; // shoulders
        return 15; // background (tinted)
      };
      out[at++] = (level(x) << 4) | level(x + 1);
    }
  }
  return out;
}

/** Decodes only the fake WLT of simulated cards into a genuine 102×126 24-bit BMP. */
export class SimulatedPhotoDecoder implements PhotoDecoder {
  async decode(wlt: Uint8Array): Promise<DeviceResult<DecodedPhoto>> {
    const marker = new TextEncoder().encode(SIMULATED_WLT_MARKER);
    const hasMarker = wlt.length === WLT_LENGTH && marker.every((b, i) => wlt[i] === b);
    if (!hasMarker || wlt[marker.length] !== SIM_W || wlt[marker.length + 1] !== SIM_H) {
      return fail(
        'photo-not-simulated',
        'check-configuration',
        'not a simulated photo: real WLT data needs the vendor decoder library',
      );
    }
    let at = marker.length + 2;
    const tint = [wlt[at] ?? 0, wlt[at + 1] ?? 0, wlt[at + 2] ?? 0];
    at += 3;
    const rgb = new Uint8Array(PHOTO_WIDTH * PHOTO_HEIGHT * 3);
    for (let y = 0; y < SIM_H; y++) {
      for (let x = 0; x < SIM_W; x++) {
        const byte = wlt[at + y * (SIM_W / 2) + (x >> 1)] ?? 0;
        const level = x % 2 === 0 ? byte >> 4 : byte & 0x0f;
        const colour = level === 15 ? tint : [level * 17, level * 15, level * 13];
        for (let sy = 0; sy < SCALE; sy++) {
          for (let sx = 0; sx < SCALE; sx++) {
            const p = ((y * SCALE + sy) * PHOTO_WIDTH + x * SCALE + sx) * 3;
            rgb[p] = colour[0] ?? 0;
            rgb[p + 1] = colour[1] ?? 0;
            rgb[p + 2] = colour[2] ?? 0;
          }
        }
      }
    }
    return ok({ width: PHOTO_WIDTH, height: PHOTO_HEIGHT, bmp: encodeBmp24(PHOTO_WIDTH, PHOTO_HEIGHT, rgb) });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Vendor library adapter (koffi)

/** Configuration of the vendor WLT decoder library. */
export const VendorPhotoDecoderConfigSchema = z.object({
  /** Path of the shared library, e.g. /opt/vendor/lib/libwlt2bmp.so. */
  libraryPath: z.string().min(1),
  /** Exported function name. */
  symbol: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('wlt2bmp'),
  /**
   * The C signature as `(arguments)`: each `in` is the WLT input buffer, `out` the output buffer, `int` the
   * constant `flag`. Vendors differ: `int unpack(char* src, char* dst, int bmpSave)` is `['in','out','int']`.
   */
  args: z
    .array(z.enum(['in', 'out', 'int']))
    .min(2)
    .default(['in', 'out', 'int']),
  /** The constant passed for `int` arguments (often "save BMP file" = 0, or a port number). */
  flag: z.number().int().default(0),
  /** Return values that mean success (vendors use 1 or 0). */
  successCodes: z.array(z.number().int()).min(1).default([1]),
  /** What the library writes: a complete BMP file, or raw bottom-up BGR rows (no header). */
  output: z.enum(['bmp', 'raw-bgr']).default('bmp'),
});

/** Configuration of the vendor WLT decoder library (input form; defaults filled by the schema). */
export type VendorPhotoDecoderConfig = z.input<typeof VendorPhotoDecoderConfigSchema>;

type NativeDecode = (...args: unknown[]) => number;

/**
 * Decodes WLT through the vendor's shared library, loaded with koffi from a configured path on first use.
 * When the library (or its symbol) is missing it answers `photo-decoder-unavailable`: it never pretends.
 */
export class VendorPhotoDecoder implements PhotoDecoder {
  private readonly config: z.output<typeof VendorPhotoDecoderConfigSchema>;
  private native: NativeDecode | null = null;
  private loadError: string | null = null;

  constructor(config: VendorPhotoDecoderConfig) {
    this.config = VendorPhotoDecoderConfigSchema.parse(config);
  }

  private async load(): Promise<NativeDecode | null> {
    if (this.native || this.loadError) return this.native;
    try {
      const koffi = (await import('koffi')).default;
      const lib = koffi.load(this.config.libraryPath);
      const params = this.config.args.map((a) =>
        a === 'int' ? 'int' : a === 'in' ? 'const uint8_t *' : 'uint8_t *',
      );
      this.native = lib.func(`int ${this.config.symbol}(${params.join(', ')})`) as NativeDecode;
    } catch (error) {
      // Only the file name: the directory layout of the kiosk is not for the citizen-facing message.
      const file = this.config.libraryPath.split('/').pop() ?? 'library';
      this.loadError = `${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    return this.native;
  }

  async decode(wlt: Uint8Array): Promise<DeviceResult<DecodedPhoto>> {
    const native = await this.load();
    if (!native) {
      return fail(
        'photo-decoder-unavailable',
        'check-configuration',
        `WLT decoder library not usable (${this.loadError})`,
      );
    }
    if (wlt.length !== WLT_LENGTH) {
      return fail(
        'photo-invalid',
        'reinsert-card',
        `WLT photo has ${wlt.length} bytes, expected ${WLT_LENGTH}`,
      );
    }
    const rawSize = bmpRowStride(PHOTO_WIDTH) * PHOTO_HEIGHT;
    // Generous output buffer: vendors disagree on headers and padding.
    const outBuf = new Uint8Array(bmpFileSize(PHOTO_WIDTH, PHOTO_HEIGHT) + 1024);
    const input = Uint8Array.from(wlt);
    let rc: number;
    try {
      rc = native(
        ...this.config.args.map((a) => (a === 'in' ? input : a === 'out' ? outBuf : this.config.flag)),
      );
    } catch (error) {
      return fail(
        'photo-decode-failed',
        'retry',
        `vendor decoder call failed: ${error instanceof Error ? error.message : ''}`,
      );
    }
    if (!this.config.successCodes.includes(rc)) {
      return fail('photo-decode-failed', 'reinsert-card', `vendor decoder returned ${rc}`);
    }
    if (this.config.output === 'raw-bgr') {
      const bmp = new Uint8Array(bmpFileSize(PHOTO_WIDTH, PHOTO_HEIGHT));
      const header = encodeBmp24(PHOTO_WIDTH, PHOTO_HEIGHT, new Uint8Array(PHOTO_WIDTH * PHOTO_HEIGHT * 3));
      bmp.set(header.subarray(0, 54), 0);
      bmp.set(outBuf.subarray(0, rawSize), 54);
      return ok({ width: PHOTO_WIDTH, height: PHOTO_HEIGHT, bmp });
    }
    const header = readBmpHeader(outBuf);
    if (!header || header.bitsPerPixel !== 24) {
      return fail('photo-decode-failed', 'check-configuration', 'vendor decoder output is not a 24-bit BMP');
    }
    const size = new DataView(outBuf.buffer).getUint32(2, true);
    return ok({
      width: header.width,
      height: header.height,
      bmp: outBuf.slice(0, Math.min(size, outBuf.length)),
    });
  }
}
