/**
 * AIM symbology identifiers (ISO/IEC 15424): `]` + a code character naming the symbology + a modifier
 * character. Scanners configured to send them put the three characters in front of the data (serial, keyboard
 * wedge) or in a fixed field of the HID POS report.
 */

/** Characters in an AIM identifier: `]`, the code character, the modifier. */
export const AIM_IDENTIFIER_LENGTH = 3;

/** A parsed AIM identifier. */
export interface AimIdentifier {
  /** The three characters as sent, e.g. `]Q1`. */
  readonly identifier: string;
  /** A readable name, e.g. 'QR', 'EAN-13', 'GS1-128'. */
  readonly symbology: string;
}

// Code character → name. Only characters listed here are recognised, so data that merely starts with `]`
// is left alone.
const AIM_CODES: Readonly<Record<string, string>> = {
  A: 'Code39',
  C: 'Code128',
  d: 'DataMatrix',
  E: 'EAN/UPC',
  e: 'GS1 DataBar',
  F: 'Codabar',
  G: 'Code93',
  H: 'Code11',
  I: 'ITF',
  L: 'PDF417',
  M: 'MSI',
  Q: 'QR',
  S: 'Code2of5',
  U: 'MaxiCode',
  X: 'Other',
  z: 'Aztec',
};

// Modifiers that change the name (the rest only describe options such as check digits or ECI).
const AIM_MODIFIED: Readonly<Record<string, string>> = {
  E0: 'EAN-13',
  E1: 'EAN-13+2',
  E2: 'EAN-13+5',
  E3: 'EAN-13+addon',
  E4: 'EAN-8',
  C1: 'GS1-128',
  d2: 'GS1 DataMatrix',
  Q3: 'GS1 QR',
};

const MODIFIER = /^[0-9A-Za-z]$/;

/** Parses a three-character AIM identifier; null when it is not one this module knows. */
export function parseAimIdentifier(identifier: string): AimIdentifier | null {
  if (identifier.length !== 3 || identifier[0] !== ']') return null;
  const code = identifier[1] ?? '';
  const modifier = identifier[2] ?? '';
  const base = Object.hasOwn(AIM_CODES, code) ? AIM_CODES[code] : undefined;
  if (base === undefined || !MODIFIER.test(modifier)) return null;
  const key = code + modifier;
  const symbology = Object.hasOwn(AIM_MODIFIED, key) ? (AIM_MODIFIED[key] ?? base) : base;
  return { identifier, symbology };
}

/** Splits a leading AIM identifier off scanned text; symbology is null (and text unchanged) when there is none. */
export function splitAimPrefix(text: string): { symbology: string | null; text: string } {
  const aim = text.length >= 3 ? parseAimIdentifier(text.slice(0, 3)) : null;
  return aim ? { symbology: aim.symbology, text: text.slice(3) } : { symbology: null, text };
}

// Preferred identifier for each name, for simulators (the first identifier that yields the name).
const IDENTIFIER_FOR: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [key, name] of Object.entries(AIM_MODIFIED)) map.set(name.toLowerCase(), `]${key}`);
  for (const [code, name] of Object.entries(AIM_CODES)) {
    // QR model 2 is `]Q1`; the plain default modifier is 0 for the rest.
    if (!map.has(name.toLowerCase())) map.set(name.toLowerCase(), code === 'Q' ? ']Q1' : `]${code}0`);
  }
  return map;
})();

/** The AIM identifier a scanner would send for a symbology name (case-insensitive); null if unknown. */
export function aimIdentifierFor(symbology: string): string | null {
  return IDENTIFIER_FOR.get(symbology.toLowerCase()) ?? null;
}
