/**
 * The 256-byte text block of a card (UCS-2 little-endian, space padded) for the four card types, both ways:
 * decoding what a reader sends, and encoding an identity (fixtures, simulator, tests).
 */
import type { DeviceResult } from '../common/result.js';
import { fail, ok } from '../common/result.js';
import { isValidIdNumber } from './id-number.js';
import type { CardType, IdCardData, Sex } from './types.js';

/** Size of the text block in bytes. */
export const TEXT_BLOCK_LENGTH = 256;

/** Ethnicity codes of GB 3304 (as printed on resident ID cards). */
// prettier-ignore
export const ETHNICITIES: Readonly<Record<string, string>> = {
  '01': '汉', '02': '蒙古', '03': '回', '04': '藏', '05': '维吾尔', '06': '苗', '07': '彝', '08': '壮',
  '09': '布依', '10': '朝鲜', '11': '满', '12': '侗', '13': '瑶', '14': '白', '15': '土家', '16': '哈尼',
  '17': '哈萨克', '18': '傣', '19': '黎', '20': '傈僳', '21': '佤', '22': '畲', '23': '高山', '24': '拉祜',
  '25': '水', '26': '东乡', '27': '纳西', '28': '景颇', '29': '柯尔克孜', '30': '土', '31': '达斡尔',
  '32': '仫佬', '33': '羌', '34': '布朗', '35': '撒拉', '36': '毛南', '37': '仡佬', '38': '锡伯', '39': '阿昌',
  '40': '普米', '41': '塔吉克', '42': '怒', '43': '乌孜别克', '44': '俄罗斯', '45': '鄂温克', '46': '德昂',
  '47': '保安', '48': '裕固', '49': '京', '50': '塔塔尔', '51': '独龙', '52': '鄂伦春', '53': '赫哲',
  '54': '门巴', '55': '珞巴', '56': '基诺', '97': '其他', '98': '外国血统中国籍人士',
};

const SEX_BY_CODE: Readonly<Record<string, Sex>> = {
  '0': 'unknown',
  '1': 'male',
  '2': 'female',
  '9': 'unspecified',
};
const CODE_BY_SEX: Readonly<Record<Sex, string>> = { unknown: '0', male: '1', female: '2', unspecified: '9' };

/** The card type marker at byte 248, per type. */
export const CARD_TYPE_MARKERS: Readonly<Record<CardType, string>> = {
  resident: ' ',
  'hmt-permit': 'J',
  foreigner: 'I',
  'foreigner-2023': 'Y',
};

/** The printable Chinese and English names of the card types. */
export const CARD_TYPE_LABELS: Readonly<Record<CardType, { readonly en: string; readonly zh: string }>> = {
  resident: { en: 'Resident ID card', zh: '居民身份证' },
  'hmt-permit': { en: 'Hong Kong/Macao/Taiwan residence permit', zh: '港澳台居民居住证' },
  foreigner: { en: 'Foreigner permanent residence card', zh: '外国人永久居留证' },
  'foreigner-2023': { en: 'Foreigner permanent residence ID card (2023)', zh: '外国人永久居留身份证' },
};

/** An identity to put on a (simulated) card: what the encoder needs. Dates are ISO; validTo null = 长期. */
export interface IdCardIdentity {
  readonly cardType: CardType;
  /** Chinese name (may be empty on an old foreigner card). */
  readonly name: string;
  readonly englishName?: string | null;
  readonly sex: Sex;
  readonly birthDate: string | null;
  /** ID number (resident, J, Y) or permit number (I). */
  readonly idNumber: string;
  /** Ethnicity name (`汉`) or two-digit GB 3304 code; resident cards only. */
  readonly ethnicity?: string | null;
  readonly address?: string | null;
  /** Issuing authority; on old foreigner cards the 4-character authority code. */
  readonly issuer?: string | null;
  readonly validFrom: string | null;
  /** null = 长期 (no expiry). */
  readonly validTo: string | null;
  /** Three-letter nationality code (I, Y). */
  readonly nationality?: string | null;
  /** Pass number (J). */
  readonly passNumber?: string | null;
  /** Issue count (J) or renewal count (Y). */
  readonly issueCount?: number | null;
}

/** The text part of a decoded card (everything but photo and fingerprint). */
export type IdCardText = Omit<IdCardData, 'photoWlt' | 'fingerprint'>;

/** Where each field sits: [byte offset, byte length]. */
type Field = readonly [number, number];
const F = {
  name: [0, 30],
  sex: [30, 2],
  ethnicity: [32, 4],
  birth: [36, 16],
  address: [52, 70],
  idNumber: [122, 36],
  issuer: [158, 30],
  validFrom: [188, 16],
  validTo: [204, 16],
  jPassNumber: [220, 18],
  jIssueCount: [238, 4],
  iEnglishName: [0, 120],
  iSex: [120, 2],
  iPermitNumber: [122, 30],
  iNationality: [152, 6],
  iChineseName: [158, 30],
  iBirth: [220, 16],
  iCardVersion: [236, 4],
  iAuthority: [240, 8],
  yRenewal: [32, 4],
  yEnglish1: [52, 70],
  yEnglish2: [220, 22],
  yCountry: [242, 6],
  type: [248, 2],
} as const satisfies Record<string, Field>;

const decoder = new TextDecoder('utf-16le');

function raw(block: Uint8Array, [offset, length]: Field): string {
  return decoder.decode(block.subarray(offset, offset + length));
}

/** Trims the padding: spaces, and the NULs some readers use instead. */
function trimPadding(value: string): string {
  let start = 0;
  let end = value.length;
  const isPad = (c: string | undefined): boolean => c === '\u0000' || (c !== undefined && c.trim() === '');
  while (start < end && isPad(value[start])) start++;
  while (end > start && isPad(value[end - 1])) end--;
  return value.slice(start, end);
}

/** A field with the padding trimmed; empty → null. */
function text(block: Uint8Array, field: Field): string | null {
  const s = trimPadding(raw(block, field));
  return s.length > 0 ? s : null;
}

/** `YYYYMMDD` → `YYYY-MM-DD` when it is a real calendar date; anything else → null. */
function isoDate(value: string | null): string | null {
  if (!value || !/^\d{8}$/.test(value)) return null;
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(4, 6));
  const d = Number(value.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

function count(value: string | null): number | null {
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

function sexOf(value: string | null): Sex {
  return (value && SEX_BY_CODE[value]) || 'unknown';
}

/** Decodes the card type marker at byte 248; null when it is not one of the four known types. */
export function detectCardType(block: Uint8Array): CardType | null {
  if (block.length < F.type[0] + 2) return null;
  const marker = raw(block, F.type);
  for (const [type, m] of Object.entries(CARD_TYPE_MARKERS) as [CardType, string][])
    if (m === marker) return type;
  return null;
}

/**
 * Decodes a text block. Unknown card types and wrong sizes are typed errors; an ID number with a wrong check
 * character is decoded but flagged `idNumberValid: false`.
 */
export function decodeTextBlock(block: Uint8Array): DeviceResult<IdCardText> {
  if (block.length !== TEXT_BLOCK_LENGTH) {
    return fail(
      'text-block-length',
      'retry',
      `text block has ${block.length} bytes, expected ${TEXT_BLOCK_LENGTH}`,
    );
  }
  const cardType = detectCardType(block);
  if (!cardType) {
    const code = (block[248] ?? 0) | ((block[249] ?? 0) << 8);
    return fail(
      'unknown-card-type',
      'unsupported',
      `unknown card type marker U+${code.toString(16).padStart(4, '0')}`,
    );
  }
  const validFromRaw = text(block, F.validFrom);
  const validToRaw = text(block, F.validTo);
  const common = {
    cardType,
    validFrom: isoDate(validFromRaw),
    // 长期 (long-term) means no expiry; anything that is not a date is treated the same way.
    validTo: validToRaw === '长期' ? null : isoDate(validToRaw),
  };
  switch (cardType) {
    case 'resident':
    case 'hmt-permit': {
      const idNumber = (text(block, F.idNumber) ?? '').toUpperCase();
      const ethnicityCode = text(block, F.ethnicity);
      return ok({
        ...common,
        name: text(block, F.name) ?? '',
        englishName: null,
        sex: sexOf(text(block, F.sex)),
        birthDate: isoDate(text(block, F.birth)),
        idNumber,
        idNumberValid: isValidIdNumber(idNumber),
        ethnicity:
          cardType === 'resident' && ethnicityCode
            ? (ETHNICITIES[ethnicityCode] ?? `code ${ethnicityCode}`)
            : null,
        address: text(block, F.address),
        issuer: text(block, F.issuer),
        nationality: null,
        passNumber: cardType === 'hmt-permit' ? text(block, F.jPassNumber) : null,
        issueCount: cardType === 'hmt-permit' ? count(text(block, F.jIssueCount)) : null,
      });
    }
    case 'foreigner': {
      const englishName = text(block, F.iEnglishName);
      const idNumber = (text(block, F.iPermitNumber) ?? '').toUpperCase();
      return ok({
        ...common,
        name: text(block, F.iChineseName) ?? englishName ?? '',
        englishName,
        sex: sexOf(text(block, F.iSex)),
        birthDate: isoDate(text(block, F.iBirth)),
        idNumber,
        // Old permit numbers are not 18-digit IDs: there is no check character to verify.
        idNumberValid: isValidIdNumber(idNumber),
        ethnicity: null,
        address: null,
        issuer: text(block, F.iAuthority),
        nationality: text(block, F.iNationality),
        passNumber: null,
        issueCount: null,
      });
    }
    case 'foreigner-2023': {
      // The English name is split over two fields; part 1 is only padded when the name fits in it.
      const english = trimPadding(raw(block, F.yEnglish1) + raw(block, F.yEnglish2));
      const idNumber = (text(block, F.idNumber) ?? '').toUpperCase();
      return ok({
        ...common,
        name: text(block, F.name) ?? english,
        englishName: english.length > 0 ? english : null,
        sex: sexOf(text(block, F.sex)),
        birthDate: isoDate(text(block, F.birth)),
        idNumber,
        idNumberValid: isValidIdNumber(idNumber),
        ethnicity: null,
        address: null,
        issuer: null,
        nationality: text(block, F.yCountry),
        passNumber: null,
        issueCount: count(text(block, F.yRenewal)),
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Encoder

function put(
  block: Uint8Array,
  [offset, length]: Field,
  value: string | null | undefined,
  what: string,
): void {
  const s = value ?? '';
  if (s.length * 2 > length) {
    throw new RangeError(`${what} is ${s.length} characters; the field holds ${length / 2}`);
  }
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    block[offset + i * 2] = unit & 0xff;
    block[offset + i * 2 + 1] = unit >> 8;
  }
}

function compactDate(iso: string | null, what: string): string {
  if (iso === null) return '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new RangeError(`${what} must be YYYY-MM-DD`);
  return iso.replaceAll('-', '');
}

function ethnicityCode(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{2}$/.test(value)) return value;
  const entry = Object.entries(ETHNICITIES).find(([, name]) => name === value);
  if (!entry) throw new RangeError(`unknown ethnicity ${value}`);
  return entry[0];
}

function twoDigits(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : String(n).padStart(2, '0');
}

/**
 * Builds the 256-byte text block for an identity (fixtures, simulator, tests). Throws RangeError when a
 * field does not fit: identities are our own data, so that is a programming error, not a device condition.
 */
export function encodeTextBlock(identity: IdCardIdentity): Uint8Array {
  const block = new Uint8Array(TEXT_BLOCK_LENGTH);
  for (let i = 0; i < TEXT_BLOCK_LENGTH; i += 2) block[i] = 0x20;
  const id = identity;
  const validTo = id.validTo === null ? '长期' : compactDate(id.validTo, 'validTo');
  switch (id.cardType) {
    case 'resident':
    case 'hmt-permit':
      put(block, F.name, id.name, 'name');
      put(block, F.sex, CODE_BY_SEX[id.sex], 'sex');
      if (id.cardType === 'resident') put(block, F.ethnicity, ethnicityCode(id.ethnicity), 'ethnicity');
      put(block, F.birth, compactDate(id.birthDate, 'birthDate'), 'birthDate');
      put(block, F.address, id.address, 'address');
      put(block, F.idNumber, id.idNumber, 'idNumber');
      put(block, F.issuer, id.issuer, 'issuer');
      if (id.cardType === 'hmt-permit') {
        put(block, F.jPassNumber, id.passNumber, 'passNumber');
        put(block, F.jIssueCount, twoDigits(id.issueCount), 'issueCount');
      }
      break;
    case 'foreigner':
      put(block, F.iEnglishName, id.englishName, 'englishName');
      put(block, F.iSex, CODE_BY_SEX[id.sex], 'sex');
      put(block, F.iPermitNumber, id.idNumber, 'idNumber');
      put(block, F.iNationality, id.nationality, 'nationality');
      put(block, F.iChineseName, id.name, 'name');
      put(block, F.iBirth, compactDate(id.birthDate, 'birthDate'), 'birthDate');
      put(block, F.iCardVersion, '04', 'cardVersion');
      put(block, F.iAuthority, id.issuer, 'issuer');
      break;
    case 'foreigner-2023': {
      const english = id.englishName ?? '';
      const part1 = F.yEnglish1[1] / 2;
      put(block, F.name, id.name, 'name');
      put(block, F.sex, CODE_BY_SEX[id.sex], 'sex');
      put(block, F.yRenewal, twoDigits(id.issueCount), 'issueCount');
      put(block, F.birth, compactDate(id.birthDate, 'birthDate'), 'birthDate');
      put(block, F.yEnglish1, english.slice(0, part1), 'englishName');
      put(block, F.yEnglish2, english.slice(part1), 'englishName');
      put(block, F.idNumber, id.idNumber, 'idNumber');
      put(block, F.yCountry, id.nationality, 'nationality');
      break;
    }
  }
  put(block, F.validFrom, compactDate(id.validFrom, 'validFrom'), 'validFrom');
  put(block, F.validTo, validTo, 'validTo');
  put(block, F.type, CARD_TYPE_MARKERS[id.cardType], 'cardType');
  return block;
}
