/**
 * The text encoding of a scanned payload. Scanners hand over the symbol's bytes as they are; QR codes printed by
 * newer systems carry UTF-8, while older Chinese systems print GB18030 (GBK) bytes. Decoding is strict: invalid
 * bytes never become U+FFFD silently, they become a typed `scan-error`.
 */
import { TextDecoder } from 'node:util';
import type { DeviceResult } from '../common/result.js';
import { err, ok } from '../../contract/result.js';

/** How a scanner's payload bytes are decoded (per scanner in the device configuration). */
export const SCANNER_ENCODINGS = ['auto', 'utf-8', 'gb18030'] as const;

/**
 * `auto` (the default): valid UTF-8 is UTF-8, otherwise valid GB18030 is GB18030, otherwise an error.
 * `utf-8` / `gb18030`: that encoding only.
 */
export type ScannerEncoding = (typeof SCANNER_ENCODINGS)[number];

/** What a payload turned out to be. */
export type PayloadEncoding = 'utf-8' | 'gb18030';

/** A decoded payload, or why it could not be decoded (no payload bytes in the message). */
export type DecodedPayload = DeviceResult<{ readonly text: string; readonly encoding: PayloadEncoding }>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
let gb18030: TextDecoder | null | undefined;

/** The strict GB18030 decoder, or null when this runtime was built without it (small-icu). */
function gb18030Decoder(): TextDecoder | null {
  if (gb18030 === undefined) {
    try {
      gb18030 = new TextDecoder('gb18030', { fatal: true });
    } catch {
      gb18030 = null;
    }
  }
  return gb18030;
}

function tryDecode(decoder: TextDecoder | null, bytes: Uint8Array): string | null {
  if (!decoder) return null;
  try {
    return decoder.decode(bytes);
  } catch {
    // Not valid in this encoding: the caller tries the next one.
    return null;
  }
}

function undecodable(encoding: ScannerEncoding, length: number): DecodedPayload {
  const what =
    encoding === 'auto' ? 'neither valid UTF-8 nor valid GB18030' : `not valid ${encoding.toUpperCase()}`;
  return err({
    code: 'scanner-bad-encoding',
    recovery: 'check-configuration',
    message: `a ${length}-byte code is ${what}; dropped rather than shown with replacement characters`,
  });
}

/** Decodes a payload's bytes strictly. Never throws; never yields U+FFFD for bytes that did not encode it. */
export function decodePayload(bytes: Uint8Array, encoding: ScannerEncoding = 'auto'): DecodedPayload {
  if (encoding !== 'gb18030') {
    const text = tryDecode(utf8, bytes);
    if (text !== null) return ok({ text, encoding: 'utf-8' });
    if (encoding === 'utf-8') return undecodable(encoding, bytes.length);
  }
  const decoder = gb18030Decoder();
  if (!decoder) {
    return err({
      code: 'scanner-encoding-unsupported',
      recovery: 'unsupported',
      message: 'this runtime has no GB18030 decoder (built without full ICU)',
    });
  }
  const text = tryDecode(decoder, bytes);
  if (text !== null) return ok({ text, encoding: 'gb18030' });
  return undecodable(encoding, bytes.length);
}
