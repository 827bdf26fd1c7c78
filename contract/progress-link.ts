/**
 * The citizen's progress link, shared by the kiosk (which puts it in the receipt's QR code) and the central
 * server (which serves the page behind it). Kept free of other imports (node:crypto aside) so the kiosk core
 * loads nothing else.
 *
 * Transaction numbers (`JW-YYYYMMDD-NNNNNN`) are sequential per day, so a bare number must not unlock anything
 * personal. The link therefore carries a key: 128 bits from the operating system's CSPRNG, drawn by the kiosk
 * when it creates the transaction, independent of the transaction id and of the clock (an earlier design used
 * the random part of the monotonic ULID, which turned sequential after the clock stepped back). The kiosk keeps
 * the key sealed with the transaction's personal data and uploads it with the transaction; the central server
 * keeps only its SHA-256.
 *
 * Encoding: the 16 bytes as one big-endian number in 26 Crockford base32 digits (the first is 0-7, since
 * 26 digits hold 130 bits). Crockford base32 is case-insensitive, so a phone that lower-cases the link still
 * works, and 26 characters keep the receipt's QR code small.
 */
import { randomBytes } from 'node:crypto';

/** Bytes of randomness in a progress key. */
export const PROGRESS_KEY_BYTES = 16;

/** Length of a progress link key: 26 Crockford base32 digits. */
export const PROGRESS_KEY_LENGTH = 26;

/** A well-formed key in canonical (upper-case) form. */
export const PROGRESS_KEY_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Encodes 16 bytes as 26 Crockford base32 digits (big-endian). */
export function encodeProgressKey(bytes: Uint8Array): string {
  if (bytes.length !== PROGRESS_KEY_BYTES)
    throw new RangeError(`a progress key is ${PROGRESS_KEY_BYTES} bytes`);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let text = '';
  for (let i = 0; i < PROGRESS_KEY_LENGTH; i++) {
    text = (ALPHABET[Number(value & 31n)] ?? '0') + text;
    value >>= 5n;
  }
  return text;
}

/** A fresh progress key: 128 bits from node:crypto's CSPRNG. */
export function newProgressKey(): string {
  return encodeProgressKey(randomBytes(PROGRESS_KEY_BYTES));
}

/** `<base>/progress/<number>?k=<key>`: what the receipt's QR code encodes. */
export function progressPageUrl(baseUrl: string, transactionNumber: string, progressKey: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/progress/${encodeURIComponent(transactionNumber)}?k=${encodeURIComponent(progressKey)}`;
}

/**
 * A presented key in canonical form (upper case), or null when it cannot be a key at all. Crockford base32
 * is case-insensitive, and a phone may lower-case a link.
 */
export function parseProgressLinkKey(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length !== PROGRESS_KEY_LENGTH) return null;
  const key = raw.toUpperCase();
  return PROGRESS_KEY_PATTERN.test(key) ? key : null;
}
