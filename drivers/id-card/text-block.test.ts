import { describe, expect, it } from 'vitest';
import {
  ETHNICITIES,
  TEXT_BLOCK_LENGTH,
  decodeTextBlock,
  detectCardType,
  encodeTextBlock,
} from './text-block.js';
import {
  ID_CARD_EXTRA_FIXTURES,
  ID_CARD_FIXTURES,
  getIdCardFixture,
  listIdCardFixtures,
} from './fixtures.js';
import { checkDigitStatus, idCheckCharacter, isValidIdNumber, maskIdNumber } from './id-number.js';

/** Builds a block by hand (independently of the encoder): fields as [offset, text]. */
function handBlock(fields: [number, string][]): Uint8Array {
  const block = new Uint8Array(TEXT_BLOCK_LENGTH);
  for (let i = 0; i < block.length; i += 2) block[i] = 0x20;
  for (const [offset, text] of fields) block.set(Buffer.from(text, 'utf16le'), offset);
  return block;
}

function decoded(block: Uint8Array) {
  const r = decodeTextBlock(block);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

describe('text block decoding (hand-built blocks)', () => {
  it('decodes a resident card', () => {
    const card = decoded(
      handBlock([
        [0, '张三'],
        [30, '2'],
        [32, '01'],
        [36, '19491231'],
        [52, '北京市朝阳区示例路1号'],
        [122, '11010519491231002X'],
        [158, '北京市公安局朝阳分局'],
        [188, '20160101'],
        [204, '20360101'],
      ]),
    );
    expect(card).toEqual({
      cardType: 'resident',
      name: '张三',
      englishName: null,
      sex: 'female',
      birthDate: '1949-12-31',
      idNumber: '11010519491231002X',
      idNumberValid: true,
      ethnicity: '汉',
      address: '北京市朝阳区示例路1号',
      issuer: '北京市公安局朝阳分局',
      validFrom: '2016-01-01',
      validTo: '2036-01-01',
      nationality: null,
      passNumber: null,
      issueCount: null,
    });
  });

  it('maps 长期 to validTo null and every GB 3304 code to its name', () => {
    const card = decoded(
      handBlock([
        [0, '王五'],
        [32, '98'],
        [204, '长期'],
        [122, '110101195001010017'],
      ]),
    );
    expect(card.validTo).toBeNull();
    expect(card.ethnicity).toBe('外国血统中国籍人士');
    expect(Object.keys(ETHNICITIES)).toHaveLength(58);
    for (const [code, name] of Object.entries(ETHNICITIES)) {
      expect(decoded(handBlock([[32, code]])).ethnicity).toBe(name);
    }
    expect(decoded(handBlock([[32, '77']])).ethnicity).toBe('code 77');
  });

  it('decodes a J (HK/Macao/Taiwan) permit', () => {
    const card = decoded(
      handBlock([
        [0, '陈大文'],
        [30, '1'],
        [36, '19940823'],
        [122, '810000199408230021'],
        [220, 'H12345678'],
        [238, '03'],
        [248, 'J'],
      ]),
    );
    expect(card).toMatchObject({
      cardType: 'hmt-permit',
      name: '陈大文',
      sex: 'male',
      ethnicity: null,
      idNumberValid: true,
      passNumber: 'H12345678',
      issueCount: 3,
    });
  });

  it('decodes an old foreigner (I) card', () => {
    const card = decoded(
      handBlock([
        [0, 'SMITH, JOHN'],
        [120, '1'],
        [122, 'USA310079050101'],
        [152, 'USA'],
        [158, '史密斯'],
        [188, '20100101'],
        [204, '20200101'],
        [220, '19790501'],
        [236, '04'],
        [240, '1500'],
        [248, 'I'],
      ]),
    );
    expect(card).toMatchObject({
      cardType: 'foreigner',
      name: '史密斯',
      englishName: 'SMITH, JOHN',
      sex: 'male',
      birthDate: '1979-05-01',
      idNumber: 'USA310079050101',
      idNumberValid: false,
      nationality: 'USA',
      issuer: '1500',
      validTo: '2020-01-01',
    });
    // Without a Chinese name, the English name is the name.
    expect(
      decoded(
        handBlock([
          [0, 'DOE, JOHN'],
          [248, 'I'],
        ]),
      ).name,
    ).toBe('DOE, JOHN');
  });

  it('decodes a 2023 foreigner (Y) card, joining the two English name parts', () => {
    const english = 'MONTGOMERY-SMITHERSON, JANE ELIZABETH'; // 37 characters: part 1 holds 35
    const card = decoded(
      handBlock([
        [0, '玛丽'],
        [30, '2'],
        [32, '01'],
        [36, '19850315'],
        [52, english.slice(0, 35)],
        [122, '982611198503150025'],
        [220, english.slice(35)],
        [242, 'GBR'],
        [248, 'Y'],
      ]),
    );
    expect(card).toMatchObject({
      cardType: 'foreigner-2023',
      name: '玛丽',
      englishName: english,
      sex: 'female',
      idNumberValid: true,
      nationality: 'GBR',
      issueCount: 1,
      address: null,
    });
  });

  it('flags a wrong check digit instead of accepting it', () => {
    const card = decoded(handBlock([[122, '110105194912310021']]));
    expect(card.idNumber).toBe('110105194912310021');
    expect(card.idNumberValid).toBe(false);
  });

  it('trims NUL padding and maps odd sex codes and bad dates', () => {
    const block = handBlock([
      [0, '赵六'],
      [30, '9'],
      [36, '19991340'],
    ]);
    block.set([0, 0, 0, 0], 4);
    const card = decoded(block);
    expect(card.name).toBe('赵六');
    expect(card.sex).toBe('unspecified');
    expect(card.birthDate).toBeNull();
    expect(decoded(handBlock([[30, '0']])).sex).toBe('unknown');
  });

  it('returns typed errors for an unknown card type and a wrong size', () => {
    expect(decodeTextBlock(handBlock([[248, 'Q']]))).toMatchObject({
      ok: false,
      error: { code: 'unknown-card-type', recovery: 'unsupported' },
    });
    expect(detectCardType(handBlock([[248, 'Q']]))).toBeNull();
    expect(decodeTextBlock(new Uint8Array(255))).toMatchObject({
      ok: false,
      error: { code: 'text-block-length' },
    });
  });
});

describe('text block encoder', () => {
  it.each(listIdCardFixtures().map((f) => [f.id, f.fixture] as const))(
    'round-trips fixture %s',
    (_id, fixture) => {
      const id = fixture.identity;
      const card = decoded(encodeTextBlock(id));
      expect(card.cardType).toBe(id.cardType);
      expect(card.name).toBe(id.name);
      expect(card.sex).toBe(id.sex);
      expect(card.birthDate).toBe(id.birthDate);
      expect(card.idNumber).toBe(id.idNumber);
      expect(card.validFrom).toBe(id.validFrom);
      expect(card.validTo).toBe(id.validTo);
      expect(card.englishName).toBe(id.englishName ?? null);
      expect(card.nationality).toBe(id.nationality ?? null);
      expect(card.passNumber).toBe(id.passNumber ?? null);
      expect(card.issueCount).toBe(id.issueCount ?? null);
      if (id.cardType === 'resident') expect(card.ethnicity).toBe(id.ethnicity);
      expect(card.idNumberValid).toBe(isValidIdNumber(id.idNumber));
    },
  );

  it('writes 长期 for a null validTo and the type marker at 248', () => {
    const block = encodeTextBlock(ID_CARD_EXTRA_FIXTURES['resident-long-term'].identity);
    expect(Buffer.from(block.subarray(204, 208)).toString('utf16le')).toBe('长期');
    expect(
      Buffer.from(encodeTextBlock(ID_CARD_FIXTURES['hk-permit'].identity).subarray(248, 250)).toString(
        'utf16le',
      ),
    ).toBe('J');
  });

  it('refuses fields that do not fit', () => {
    expect(() => encodeTextBlock({ ...ID_CARD_FIXTURES.resident.identity, name: '很'.repeat(16) })).toThrow(
      RangeError,
    );
    expect(() => encodeTextBlock({ ...ID_CARD_FIXTURES.resident.identity, ethnicity: '火星' })).toThrow(
      RangeError,
    );
  });
});

describe('ID numbers', () => {
  it('validates the published examples and rejects altered ones', () => {
    for (const id of [
      '11010519491231002X',
      '810000199408230021',
      '830000199201300022',
      '11010519491231002x',
    ]) {
      expect(isValidIdNumber(id)).toBe(true);
    }
    for (const id of [
      '110105194912310021',
      '11010519491231002',
      '1101051949123100XX',
      'ABCDEFGHIJKLMNOPQR',
      '',
    ]) {
      expect(isValidIdNumber(id)).toBe(false);
    }
    expect(idCheckCharacter('11010519491231002')).toBe('X');
    expect(idCheckCharacter('1101')).toBeNull();
  });

  it('judges the check digit of 18-character numbers only', () => {
    expect(checkDigitStatus('11010519491231002X')).toBe('valid');
    expect(checkDigitStatus('110105194912310021')).toBe('invalid');
    expect(checkDigitStatus('1101051949123100XX')).toBe('invalid');
    // The old foreigner permanent residence permit: 15 characters, no MOD 11-2 character.
    expect(checkDigitStatus('USA310079050101')).toBe('not-applicable');
    expect(checkDigitStatus('H12345678')).toBe('not-applicable');
    expect(checkDigitStatus('')).toBe('not-applicable');
  });

  it('masks ID and permit numbers, never showing the birth date', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
    expect(maskIdNumber('USA310079050101')).toBe('USA**********01');
    expect(maskIdNumber('H12345678')).toBe('H12****78');
    expect(maskIdNumber('1234567')).toBe('1*****7');
    expect(maskIdNumber('1234')).toBe('****');
    for (const { fixture } of listIdCardFixtures()) {
      const id = fixture.identity.idNumber;
      const birth = fixture.identity.birthDate?.replaceAll('-', '') ?? '';
      const masked = maskIdNumber(id);
      expect(masked).toHaveLength(id.length);
      expect(masked).not.toContain(birth);
      expect(masked).not.toContain(birth.slice(2)); // YYMMDD forms in permit numbers
    }
  });
});

describe('fixtures', () => {
  it('has one fixture per card type plus the edge cases, all reachable by key', () => {
    expect(Object.keys(ID_CARD_FIXTURES).sort()).toEqual([
      'foreigner',
      'foreigner-2023',
      'hk-permit',
      'resident',
    ]);
    const types = Object.values(ID_CARD_FIXTURES)
      .map((f) => f.identity.cardType)
      .sort();
    expect(types).toEqual(['foreigner', 'foreigner-2023', 'hmt-permit', 'resident']);
    const all = listIdCardFixtures();
    expect(
      all.some(
        (f) => !isValidIdNumber(f.fixture.identity.idNumber) && f.fixture.identity.cardType === 'resident',
      ),
    ).toBe(true);
    expect(all.some((f) => f.fixture.identity.validTo === null)).toBe(true);
    for (const f of all) {
      expect(getIdCardFixture(f.id)).toBe(f.fixture);
      expect(f.fixture.label).toMatch(/[A-Za-z]/);
      expect(f.fixture.labelZh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(getIdCardFixture('nope')).toBeNull();
  });

  it('has expired cards to refuse (a Hong Kong permit to 2024, an old foreigner card to 2020), the main ones valid', () => {
    expect(getIdCardFixture('hk-permit-expired')?.identity).toMatchObject({
      cardType: 'hmt-permit',
      validTo: '2024-01-01',
    });
    expect(getIdCardFixture('foreigner-expired')?.identity).toMatchObject({
      cardType: 'foreigner',
      englishName: 'SMITH, JOHN EXAMPLE',
      validTo: '2020-01-01',
    });
    // The panel's main cards stay usable for a demonstration for years to come.
    for (const f of Object.values(ID_CARD_FIXTURES)) expect(f.identity.validTo! > '2028-12-31').toBe(true);
    // Each expired card round-trips through the text block with its dates.
    const decodedCard = decodeTextBlock(encodeTextBlock(getIdCardFixture('hk-permit-expired')!.identity));
    expect(decodedCard.ok && decodedCard.value.validTo).toBe('2024-01-01');
  });
});
