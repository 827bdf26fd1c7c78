/**
 * Pure classification of scanned text. Scanned data is untrusted input (anyone can print a QR code and hold
 * it to the kiosk), so every function here accepts any string, bounds its work and never throws.
 *
 * Formats (demo formats chosen for this project; documented here and in the README of drivers/scanner):
 * - Appointment code: `YY` + 16 digits = `YY` + booking date `YYYYMMDD` + 7-digit sequence + 1 Luhn check
 *   digit computed over the 15 digits before it, e.g. `YY2026112900001230`. The check digit catches most
 *   misreads and one-key typos; the prefix is case-insensitive (a keyboard wedge with Caps Lock).
 * - Transaction number (printed on receipts, looked up on the progress page): `JW-YYYYMMDD-NNNNNN`, e.g.
 *   `JW-20261129-000123` (a real calendar date, a 6-digit sequence). Also recognised inside a URL
 *   `http(s)://<progress host>/progress/<transaction number>` when the host is one of the configured
 *   progress hosts (the receipt's QR code).
 * - URL: any other absolute http/https URL without embedded credentials (`https://gov.cn@evil.example` is the
 *   classic phishing shape) and without white space; every other scheme (`javascript:`, `data:`, `file:`…)
 *   is `unknown`.
 */
import type { CodeKind } from './types.js';

/** Longest code the kiosk accepts, in UTF-16 units; longer input is truncated and classified `unknown`. */
export const MAX_CODE_LENGTH = 4096;

/** Options for {@link classifyCode}. */
export interface ClassifyOptions {
  /**
   * Hosts whose `/progress/<transaction number>` URLs are progress look-ups, e.g. `progress.police.example`
   * or `localhost:8080`. Compared case-insensitively with the URL's host (with port) and its host name.
   */
  readonly progressHosts?: readonly string[];
}

/** The result of classifying one scanned text. */
export interface Classification {
  /** The sanitised text. */
  readonly text: string;
  readonly kind: CodeKind;
  /** Appointment code, transaction number, or normalised URL; null for `unknown`. */
  readonly reference: string | null;
  /** Whether the input was longer than {@link MAX_CODE_LENGTH} (then `kind` is `unknown`). */
  readonly truncated: boolean;
}

// C0 and C1 controls, DEL, bidirectional overrides/isolates/marks and the BOM: none belongs in a code, and the
// bidi ones can make a URL look like another on screen. GS (U+001D) is the exception: in GS1 codes it is the
// FNC1 field separator, data that changes the meaning of what follows (see gs1.ts), so it is kept.
const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  /[\u0000-\u001c\u001e\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Strips control (except the GS1 separator GS) and bidi characters, repairs lone surrogates, trims, and bounds
 * the length. Never throws.
 */
export function sanitizeScannedText(raw: unknown): { text: string; truncated: boolean } {
  if (typeof raw !== 'string') return { text: '', truncated: false };
  // Bound the work before running regular expressions over attacker-sized input.
  const bounded = raw.length > MAX_CODE_LENGTH * 4 ? raw.slice(0, MAX_CODE_LENGTH * 4) : raw;
  const cleaned = bounded.replace(LONE_SURROGATE, '\ufffd').replace(CONTROL_CHARACTERS, '').trim();
  const truncated = raw.length > MAX_CODE_LENGTH * 4 || cleaned.length > MAX_CODE_LENGTH;
  return { text: truncated ? cleaned.slice(0, MAX_CODE_LENGTH) : cleaned, truncated };
}

/** Luhn (mod 10) check digit over a string of decimal digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  // Double every second digit from the right of the payload (the check digit will sit to its right).
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function isCalendarDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth;
}

const APPOINTMENT_PATTERN = /^YY(\d{8})(\d{7})(\d)$/i;

/** Whether `text` is a well-formed appointment code (format, real date, check digit). */
export function isAppointmentCode(text: string): boolean {
  const m = APPOINTMENT_PATTERN.exec(text);
  if (!m) return false;
  const [, date = '', seq = '', check = ''] = m;
  return isCalendarDate(date) && luhnCheckDigit(date + seq) === Number(check);
}

/**
 * Builds an appointment code for a booking date (`YYYY-MM-DD` or `YYYYMMDD`) and a sequence number
 * (0 … 9 999 999); used by simulators, demo data and tests.
 */
export function formatAppointmentCode(date: string, sequence: number): string {
  const compact = date.replaceAll('-', '');
  if (!/^\d{8}$/.test(compact) || !isCalendarDate(compact))
    throw new RangeError('appointment date must be a real YYYY-MM-DD');
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 9_999_999)
    throw new RangeError('sequence out of range');
  const payload = compact + String(sequence).padStart(7, '0');
  return `YY${payload}${luhnCheckDigit(payload)}`;
}

const TRANSACTION_PATTERN = /^JW-(\d{8})-(\d{6})$/;

/** Whether `text` is a well-formed transaction number `JW-YYYYMMDD-NNNNNN`. */
export function isTransactionNumber(text: string): boolean {
  const m = TRANSACTION_PATTERN.exec(text);
  return m !== null && isCalendarDate(m[1] ?? '');
}

function hostMatches(url: URL, hosts: readonly string[]): boolean {
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  return hosts.some((h) => {
    const wanted = h.trim().toLowerCase();
    return wanted !== '' && (wanted === host || wanted === hostname);
  });
}

function parseWebUrl(text: string): URL | null {
  // Scheme check first: `new URL` happily parses `javascript:` and friends.
  if (!/^https?:\/\/[^\s]+$/i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL: classified as plain text by the caller.
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url;
}

const PROGRESS_PATH = /^\/progress\/([^/]+)\/?$/;

/** Sanitises and classifies one scanned text. Never throws, whatever the input. */
export function classifyCode(raw: unknown, options: ClassifyOptions = {}): Classification {
  try {
    const { text, truncated } = sanitizeScannedText(raw);
    if (truncated || text === '') return { text, kind: 'unknown', reference: null, truncated };
    if (isAppointmentCode(text))
      return { text, kind: 'appointment', reference: text.toUpperCase(), truncated };
    if (isTransactionNumber(text)) return { text, kind: 'progress', reference: text, truncated };
    const url = parseWebUrl(text);
    if (url) {
      const progress = PROGRESS_PATH.exec(url.pathname);
      const number = progress?.[1];
      if (
        number !== undefined &&
        isTransactionNumber(number) &&
        hostMatches(url, options.progressHosts ?? [])
      ) {
        return { text, kind: 'progress', reference: number, truncated };
      }
      return { text, kind: 'url', reference: url.href, truncated };
    }
    return { text, kind: 'unknown', reference: null, truncated };
  } catch {
    // Defensive: nothing above should throw, but a scanner must never take the kiosk down.
    return { text: '', kind: 'unknown', reference: null, truncated: false };
  }
}
