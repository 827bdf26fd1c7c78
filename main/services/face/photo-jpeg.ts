/**
 * The core's check of a certificate photo the renderer sends: a JPEG no larger than the limit, whose frame
 * header says the size the catalog asked for, and which decodes whole to that size (a header alone can lie).
 */
import jpeg from 'jpeg-js';
import { MAX_CERTIFICATE_PHOTO_BYTES } from '../../../contract/central-api.js';
import { jpegSize, type PhotoSpec } from './photo.js';

/** Why a certificate photo was refused (no image data in it: it is safe to log). */
export type PhotoJpegProblem = 'too-large' | 'not-jpeg' | 'wrong-size' | 'undecodable';

/** Checks a certificate photo's bytes against the spec; null when it is fine. */
export function checkPhotoJpeg(bytes: Uint8Array, spec: PhotoSpec): PhotoJpegProblem | null {
  if (bytes.length > MAX_CERTIFICATE_PHOTO_BYTES) return 'too-large';
  const size = jpegSize(bytes);
  if (!size) return 'not-jpeg';
  if (size.width !== spec.width || size.height !== spec.height) return 'wrong-size';
  try {
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      maxResolutionInMP: 2,
      maxMemoryUsageInMB: 64,
    });
    return decoded.width === spec.width && decoded.height === spec.height ? null : 'wrong-size';
  } catch {
    // The decoder's reason is of no use to the caller: an undecodable photo is refused as such.
    return 'undecodable';
  }
}
