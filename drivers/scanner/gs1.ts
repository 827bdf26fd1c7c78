/**
 * GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR, GS1 DataBar): a run of Application Identifiers (AIs),
 * each followed by its data. AIs of a predefined length (01 GTIN, 17 expiry date, …) need no separator; every
 * other AI's data runs to a GS (0x1D, the FNC1 a scanner transmits) or to the end. The GS is therefore data: drop
 * it and lot "ABC123" followed by AI 17 reads as lot "ABC12317261231".
 *
 * Pure; accepts any string, never throws. Facts used here are listed in drivers/scanner/README.md.
 */

/** The group separator scanners transmit for FNC1 inside a GS1 symbol. */
export const GS = '\u001d';

/** One AI and its data. */
export interface Gs1Element {
  /** The AI, e.g. `01`, `10`, `3103`. */
  readonly ai: string;
  /** Its GS1 data title (`GTIN`, `BATCH/LOT`, `USE BY OR EXPIRY`), or null for an AI not in the table. */
  readonly title: string | null;
  /** The data as transmitted. */
  readonly value: string;
  /** For date AIs (YYMMDD): the ISO date (`DD` = 00 means the last day of the month); otherwise absent. */
  readonly date?: string;
  /** For measures (31nn–36nn): the value with the implied decimal point placed, e.g. `1.250`. */
  readonly decimal?: string;
}

/** The result of parsing: the elements, or why the string is not a well-formed element string. */
export type Gs1Parse =
  | { readonly ok: true; readonly elements: readonly Gs1Element[] }
  | { readonly ok: false; readonly reason: string; readonly elements: readonly Gs1Element[] };

interface AiSpec {
  readonly title: string;
  /** Exact data length, when the AI has one. */
  readonly length?: number;
  /** Longest data, for variable-length AIs. */
  readonly max?: number;
  readonly numeric: boolean;
  readonly date?: boolean;
}

const n = (length: number, title: string, date = false): AiSpec => ({ title, length, numeric: true, date });
const nv = (max: number, title: string): AiSpec => ({ title, max, numeric: true });
const x = (max: number, title: string): AiSpec => ({ title, max, numeric: false });

/** The AIs this parser names (the common ones on trade items, logistics units and documents). */
const AI_TABLE: Readonly<Record<string, AiSpec>> = {
  '00': n(18, 'SSCC'),
  '01': n(14, 'GTIN'),
  '02': n(14, 'CONTENT'),
  '10': x(20, 'BATCH/LOT'),
  '11': n(6, 'PROD DATE', true),
  '12': n(6, 'DUE DATE', true),
  '13': n(6, 'PACK DATE', true),
  '15': n(6, 'BEST BEFORE', true),
  '16': n(6, 'SELL BY', true),
  '17': n(6, 'USE BY OR EXPIRY', true),
  '20': n(2, 'VARIANT'),
  '21': x(20, 'SERIAL'),
  '22': x(20, 'CPV'),
  '235': x(28, 'TPX'),
  '240': x(30, 'ADDITIONAL ID'),
  '241': x(30, 'CUST. PART No.'),
  '250': x(30, 'SECONDARY SERIAL'),
  '30': nv(8, 'VAR. COUNT'),
  '37': nv(8, 'COUNT'),
  '400': x(30, 'ORDER NUMBER'),
  '401': x(30, 'GINC'),
  '402': n(17, 'GSIN'),
  '410': n(13, 'SHIP TO LOC'),
  '411': n(13, 'BILL TO'),
  '412': n(13, 'PURCHASE FROM'),
  '413': n(13, 'SHIP FOR LOC'),
  '414': n(13, 'LOC No.'),
  '415': n(13, 'PAY TO'),
  '416': n(13, 'PROD/SERV LOC'),
  '417': n(13, 'PARTY'),
  '420': x(20, 'SHIP TO POST'),
  '422': n(3, 'ORIGIN'),
  '7003': n(10, 'EXPIRY TIME'),
  '8004': x(30, 'GIAI'),
  '8020': x(25, 'REF No.'),
  '8200': x(70, 'PRODUCT URL'),
  '90': x(30, 'INTERNAL'),
};

/** Measures: 31nn–36nn, six digits, the AI's last digit places the decimal point. */
const MEASURE_TITLES: Readonly<Record<string, string>> = {
  '310': 'NET WEIGHT (kg)',
  '311': 'LENGTH (m)',
  '312': 'WIDTH (m)',
  '313': 'HEIGHT (m)',
  '315': 'NET VOLUME (l)',
  '316': 'NET VOLUME (m³)',
  '320': 'NET WEIGHT (lb)',
  '330': 'GROSS WEIGHT (kg)',
};

/**
 * Data lengths fixed by the AI's first two digits: these AIs never need a separator after them (GS1 General
 * Specifications, "predefined length" table). Any AI not starting with one of these needs GS unless it ends
 * the string.
 */
const PREDEFINED_LENGTH: Readonly<Record<string, number>> = {
  '00': 18,
  '01': 14,
  '02': 14,
  '03': 14,
  '04': 16,
  '11': 6,
  '12': 6,
  '13': 6,
  '14': 6,
  '15': 6,
  '16': 6,
  '17': 6,
  '18': 6,
  '19': 6,
  '20': 2,
  '31': 6,
  '32': 6,
  '33': 6,
  '34': 6,
  '35': 6,
  '36': 6,
  '41': 13,
};

/** How many digits an AI has, from its first two (2, 3 or 4); null where no AI starts so. */
function aiKeyLength(firstTwo: string): number | null {
  const v = Number(firstTwo);
  if (!/^\d\d$/.test(firstTwo)) return null;
  if (v <= 4 || (v >= 10 && v <= 22) || v === 30 || v === 37 || v >= 90) return 2;
  if ((v >= 23 && v <= 25) || (v >= 40 && v <= 42) || v === 71) return 3;
  if ((v >= 31 && v <= 36) || v === 39 || v === 43 || v === 70 || v === 72 || (v >= 80 && v <= 82)) return 4;
  return null;
}

function specFor(ai: string): AiSpec | null {
  const known = AI_TABLE[ai];
  if (known) return known;
  if (ai.length === 2 && Number(ai) >= 91) return x(90, 'INTERNAL');
  const measure = MEASURE_TITLES[ai.slice(0, 3)];
  if (ai.length === 4 && measure && Number(ai[3]) <= 5) return n(6, measure);
  return null;
}

/** `YYMMDD` → ISO date; the century by the GS1 sliding window around `now`; DD 00 is the month's last day. */
export function gs1Date(yymmdd: string, now: Date = new Date()): string | null {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(yymmdd);
  if (!m) return null;
  const yy = Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  if (month < 1 || month > 12) return null;
  const current = now.getUTCFullYear();
  const diff = yy - (current % 100);
  const century = Math.floor(current / 100) * 100;
  const year = diff >= 51 ? century - 100 + yy : diff <= -50 ? century + 100 + yy : century + yy;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = last;
  if (day > last) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function element(ai: string, value: string, spec: AiSpec | null, now: Date): Gs1Element {
  const base = { ai, title: spec?.title ?? null, value };
  if (spec?.date) {
    const date = gs1Date(value, now);
    return date ? { ...base, date } : base;
  }
  if (/^3[1-6]\d\d$/.test(ai) && /^\d{6}$/.test(value)) {
    const places = Number(ai[3]);
    const whole = value.slice(0, 6 - places).replace(/^0+(?=\d)/, '');
    return { ...base, decimal: places === 0 ? whole : `${whole}.${value.slice(6 - places)}` };
  }
  return base;
}

const MAX_INPUT = 4096;

/**
 * Parses a GS1 element string as a scanner delivers it (GS between fields; a leading GS standing for the
 * FNC1 in first position is allowed) or in the human-readable form with parentheses, `(01)…(17)…(10)…`.
 * Never throws: malformed input gives `ok: false` with the reason and the elements parsed before it.
 */
export function parseGs1ElementString(input: string, now: Date = new Date()): Gs1Parse {
  const elements: Gs1Element[] = [];
  const failed = (reason: string): Gs1Parse => ({ ok: false, reason, elements });
  if (typeof input !== 'string' || input.length === 0) return failed('empty');
  if (input.length > MAX_INPUT) return failed('too long');
  if (input.startsWith('(')) return parseBracketed(input, now);
  let text = input;
  while (text.startsWith(GS)) text = text.slice(1);
  let pos = 0;
  while (pos < text.length) {
    const keyLength = aiKeyLength(text.slice(pos, pos + 2));
    if (keyLength === null) return failed(`no AI starts with '${text.slice(pos, pos + 2)}'`);
    const ai = text.slice(pos, pos + keyLength);
    if (!/^\d+$/.test(ai) || ai.length < keyLength) return failed(`AI '${ai}' is cut short`);
    pos += keyLength;
    const spec = specFor(ai);
    const fixed = PREDEFINED_LENGTH[ai.slice(0, 2)] ?? null;
    let value: string;
    if (fixed !== null) {
      value = text.slice(pos, pos + fixed);
      if (value.length < fixed) return failed(`AI ${ai} needs ${fixed} characters, got ${value.length}`);
      pos += fixed;
      // A separator after a predefined-length field is redundant but harmless.
      if (text[pos] === GS) pos += 1;
    } else {
      const end = text.indexOf(GS, pos);
      value = text.slice(pos, end < 0 ? text.length : end);
      pos = end < 0 ? text.length : end + 1;
    }
    const problem = checkValue(ai, value, spec);
    if (problem) return failed(problem);
    elements.push(element(ai, value, spec, now));
  }
  if (elements.length === 0) return failed('no element');
  return { ok: true, elements };
}

function checkValue(ai: string, value: string, spec: AiSpec | null): string | null {
  if (value.length === 0) return `AI ${ai} has no data`;
  if (value.includes(GS)) return `AI ${ai} data holds a separator`;
  if (!spec) return value.length > 90 ? `AI ${ai} data longer than 90` : null;
  if (spec.length !== undefined && value.length !== spec.length)
    return `AI ${ai} needs ${spec.length} characters, got ${value.length}`;
  if (spec.max !== undefined && value.length > spec.max)
    return `AI ${ai} allows ${spec.max} characters, got ${value.length}`;
  if (spec.numeric && !/^\d+$/.test(value)) return `AI ${ai} must be digits`;
  // GS1 data is printable ASCII (CSET 82 lies within it).
  if (/[^\x21-\x7e]/.test(value)) return `AI ${ai} data holds a character outside GS1's set`;
  return null;
}

function parseBracketed(input: string, now: Date): Gs1Parse {
  const elements: Gs1Element[] = [];
  const pattern = /\((\d{2,4})\)([^()]*)/gy;
  let at = 0;
  for (let m = pattern.exec(input); m; m = pattern.exec(input)) {
    const ai = m[1] ?? '';
    const value = m[2] ?? '';
    if (aiKeyLength(ai.slice(0, 2)) !== ai.length) return { ok: false, reason: `'${ai}' is no AI`, elements };
    const spec = specFor(ai);
    const problem = checkValue(ai, value, spec);
    if (problem) return { ok: false, reason: problem, elements };
    elements.push(element(ai, value, spec, now));
    at = pattern.lastIndex;
  }
  if (at !== input.length || elements.length === 0)
    return { ok: false, reason: 'not (AI)data pairs throughout', elements };
  return { ok: true, elements };
}

/** The human-readable form, `(01)09506000134352(17)261231(10)ABC123`. */
export function formatGs1(elements: readonly Gs1Element[]): string {
  return elements.map((e) => `(${e.ai})${e.value}`).join('');
}

/**
 * The element string a symbol carries for these elements, as a scanner transmits it: GS after every field that
 * has no predefined length, except the last (what encoders and simulators produce).
 */
export function toGs1ElementString(elements: readonly Pick<Gs1Element, 'ai' | 'value'>[]): string {
  return elements
    .map((e, i) => {
      const last = i === elements.length - 1;
      const needsSeparator = PREDEFINED_LENGTH[e.ai.slice(0, 2)] === undefined && !last;
      return `${e.ai}${e.value}${needsSeparator ? GS : ''}`;
    })
    .join('');
}

/** The symbologies that always carry a GS1 element string (by the names symbology.ts gives them). */
export const GS1_SYMBOLOGIES: ReadonlySet<string> = new Set([
  'GS1-128',
  'GS1 DataMatrix',
  'GS1 QR',
  'GS1 DataBar',
]);

/**
 * The element string a scanned code carries, if any: always tried for the GS1 symbologies, and for any other
 * code that holds a GS separator or starts like `(01)`. Null when it is not (or not well-formed) GS1 data.
 */
export function gs1ElementsOf(text: string, symbology: string | null): readonly Gs1Element[] | null {
  const looksGs1 =
    (symbology !== null && GS1_SYMBOLOGIES.has(symbology)) || text.includes(GS) || /^\(\d{2,4}\)/.test(text);
  if (!looksGs1) return null;
  const parsed = parseGs1ElementString(text);
  return parsed.ok ? parsed.elements : null;
}
