/**
 * The 18-character citizen ID number (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit
 * sequence (odd male, even female), and an ISO 7064 MOD 11-2 check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits, or null when they are not 17 digits. */
export function idCheckCharacter(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? null;
}

/**
 * Whether `id` is a well-formed 18-character ID number with the right MOD 11-2 check character.
 * A lower-case `x` is accepted (some systems store it so); anything else malformed is invalid.
 */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  return idCheckCharacter(id.slice(0, 17)) === id.slice(17).toUpperCase();
}

/** What the check character of a card number says: only 18-character ID numbers have one (MOD 11-2). */
export type CheckDigitStatus = 'valid' | 'invalid' | 'not-applicable';

/**
 * The check-digit verdict for a card number: `not-applicable` for anything that is not 18 characters long
 * (the old foreigner permanent residence permit number has 15 and no check character), otherwise whether
 * the MOD 11-2 character is right.
 */
export function checkDigitStatus(id: string): CheckDigitStatus {
  if ([...id].length !== 18) return 'not-applicable';
  return isValidIdNumber(id) ? 'valid' : 'invalid';
}

/**
 * Masks an ID or permit number for screens and paper: the birth date is always hidden.
 * 18 characters (ID numbers, including HK/Macao/Taiwan and 2023 foreigner cards) keep the first 4 and the
 * last 4 (`1101**********002X`: region prefix and sequence + check, never the date at 6–13); 8–17
 * characters (old foreigner permit numbers, pass numbers) keep 3 and 2; shorter ones keep 1 and 1; four
 * characters or fewer are hidden entirely.
 */
export function maskIdNumber(id: string): string {
  const chars = [...id];
  const n = chars.length;
  if (n <= 4) return '*'.repeat(n);
  const [head, tail] = n >= 18 ? [4, 4] : n >= 8 ? [3, 2] : [1, 1];
  return chars.slice(0, head).join('') + '*'.repeat(n - head - tail) + chars.slice(n - tail).join('');
}
