/**
 * The citizen's progress link, shared by the kiosk (which puts it in the receipt's QR code) and the central
 * server (which serves the page behind it). Kept free of other imports so the kiosk core loads nothing else.
 *
 * Transaction numbers (`JW-YYYYMMDD-NNNNNN`) are sequential per day, so a bare number must not unlock anything
 * personal. The link therefore carries a key: the random part of the transaction's ULID (its last 16
 * characters, 80 bits from a cryptographic source). Only the kiosk and the central server know the ULID.
 * (The ULID factory is monotonic: two ids made in the same millisecond differ by one in their random part.
 * A kiosk completes one visit at a time, so this never relates two citizens' keys in practice.)
 */

/** Length of a progress link key (the random part of a ULID). */
export const PROGRESS_KEY_LENGTH = 16;

/** A well-formed key: 16 Crockford base32 characters. */
const KEY_PATTERN = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/**
 * The key for a transaction's progress link: the last 16 characters of its ULID id (upper case). Never throws;
 * for an id that is not a ULID the result is simply a key no server will accept.
 */
export function progressLinkKey(transactionId: string): string {
  return transactionId.slice(-PROGRESS_KEY_LENGTH).toUpperCase();
}

/** `<base>/progress/<number>?k=<key>`: what the receipt's QR code encodes. */
export function progressPageUrl(baseUrl: string, transactionNumber: string, transactionId: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/progress/${encodeURIComponent(transactionNumber)}?k=${progressLinkKey(transactionId)}`;
}

/**
 * A presented key in canonical form (upper case), or null when it cannot be a key at all. Crockford base32
 * is case-insensitive, and a phone may lower-case a link.
 */
export function parseProgressLinkKey(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length !== PROGRESS_KEY_LENGTH) return null;
  const key = raw.toUpperCase();
  return KEY_PATTERN.test(key) ? key : null;
}
