import { describe, expect, it } from 'vitest';
import {
  CARD_TYPE_LABELS,
  CARD_TYPE_MARKERS,
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

describe('tables of the standard', () => {
  it('names the 56 ethnic groups of GB 3304 and its two other codes, each by its code', () => {
    // Written out from the standard (not from the table under test), in code order.
    const expected =
      '汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 ' +
      '柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 ' +
      '塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺';
    const codes = expected.split(' ').map((name, i) => [String(i + 1).padStart(2, '0'), name]);
    codes.push(['97', '其他'], ['98', '外国血统中国籍人士']);
    expect(ETHNICITIES).toEqual(Object.fromEntries(codes));
    for (const [code, name] of codes) {
      expect(decoded(handBlock([[32, code!]])).ethnicity).toBe(name);
    }
  });

  it('labels each card type in English and Chinese, and marks it with its letter', () => {
    expect(CARD_TYPE_LABELS).toEqual({
      resident: { en: 'Resident ID card', zh: '居民身份证' },
      'hmt-permit': { en: 'Hong Kong/Macao/Taiwan residence permit', zh: '港澳台居民居住证' },
      foreigner: { en: 'Foreigner permanent residence card', zh: '外国人永久居留证' },
      'foreigner-2023': { en: 'Foreigner permanent residence ID card (2023)', zh: '外国人永久居留身份证' },
    });
    expect(CARD_TYPE_MARKERS).toEqual({
      resident: ' ',
      'hmt-permit': 'J',
      foreigner: 'I',
      'foreigner-2023': 'Y',
    });
  });
});

describe('text block decoding: edges', () => {
  const message = (r: ReturnType<typeof decodeTextBlock>): string => (r.ok ? 'ok' : r.error.message);

  it('takes only real calendar dates', () => {
    const birth = (value: string) => decoded(handBlock([[36, value]])).birthDate;
    expect(birth('20000229')).toBe('2000-02-29');
    expect(birth('19000229')).toBeNull(); // 1900 was not a leap year
    expect(birth('19990431')).toBeNull(); // April has 30 days
    expect(birth('19990001')).toBeNull();
    expect(birth('19990100')).toBeNull();
    expect(birth('00500101')).toBeNull(); // year 50, which Date.UTC would read as 1950
    expect(birth('1999O101')).toBeNull();
    expect(birth('1999010')).toBeNull();
    expect(decoded(handBlock([[204, '2036013']])).validTo).toBeNull();
    expect(decoded(handBlock([[188, '20160101']])).validFrom).toBe('2016-01-01');
    expect(decoded(handBlock([])).validFrom).toBeNull();
  });

  it('trims padding (spaces, NULs) at both ends only, and reads an all-padding field as absent', () => {
    const block = handBlock([
      [0, ' 张\u0000三'],
      [52, '\u0000 '],
    ]);
    block.set([0, 0], 10);
    const card = decoded(block);
    expect(card.name).toBe('张\u0000三');
    expect(card.address).toBeNull();
    expect(card.issuer).toBeNull();
    expect(card.ethnicity).toBeNull();
  });

  it('maps each sex code, and anything else to unknown', () => {
    const sex = (code: string) => decoded(handBlock([[30, code]])).sex;
    expect([sex('1'), sex('2'), sex('9'), sex('0'), sex('5'), sex('')]).toEqual([
      'male',
      'female',
      'unspecified',
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('reads issue counts of digits only', () => {
    const permit = (count: string) =>
      decoded(
        handBlock([
          [238, count],
          [248, 'J'],
        ]),
      ).issueCount;
    expect(permit('03')).toBe(3);
    expect(permit('12')).toBe(12);
    expect(permit('0A')).toBeNull();
    expect(permit('')).toBeNull();
    expect(
      decoded(
        handBlock([
          [32, '2x'],
          [248, 'Y'],
        ]),
      ).issueCount,
    ).toBeNull();
  });

  it('upper-cases the check character of every card type', () => {
    expect(decoded(handBlock([[122, '11010519491231002x']]))).toMatchObject({
      idNumber: '11010519491231002X',
      idNumberValid: true,
    });
    expect(
      decoded(
        handBlock([
          [122, '81000019940823002x'],
          [248, 'J'],
        ]),
      ).idNumber,
    ).toBe('81000019940823002X');
    expect(
      decoded(
        handBlock([
          [122, 'usa310079050101'],
          [248, 'I'],
        ]),
      ).idNumber,
    ).toBe('USA310079050101');
    expect(
      decoded(
        handBlock([
          [122, '98261119850315002x'],
          [248, 'Y'],
        ]),
      ).idNumber,
    ).toBe('98261119850315002X');
    expect(decoded(handBlock([[248, 'Y']])).idNumber).toBe('');
  });

  it('reads the fields of each card type only where that type has them', () => {
    // Bytes where another type keeps its pass number, issue count and nationality.
    const resident = decoded(
      handBlock([
        [220, 'H12345678'],
        [238, '03'],
        [242, 'GBR'],
      ]),
    );
    expect(resident).toMatchObject({ passNumber: null, issueCount: null, nationality: null });
    const permit = decoded(
      handBlock([
        [32, '01'],
        [248, 'J'],
      ]),
    );
    expect(permit).toMatchObject({ ethnicity: null, nationality: null, englishName: null });
    // An old foreigner card keeps its birth date at 220 and has no address, ethnicity or issue count.
    const foreigner = decoded(
      handBlock([
        [220, '19790501'],
        [248, 'I'],
      ]),
    );
    expect(foreigner).toMatchObject({
      birthDate: '1979-05-01',
      address: null,
      ethnicity: null,
      passNumber: null,
      issueCount: null,
      name: '',
    });
    const y = decoded(
      handBlock([
        [158, '北京'],
        [248, 'Y'],
      ]),
    );
    expect(y).toMatchObject({ issuer: null, address: null, englishName: null, name: '', passNumber: null });
  });

  it('uses the English name of a 2023 card as its name when it has no Chinese one', () => {
    expect(
      decoded(
        handBlock([
          [52, 'DOE, JANE'],
          [248, 'Y'],
        ]),
      ),
    ).toMatchObject({
      name: 'DOE, JANE',
      englishName: 'DOE, JANE',
    });
  });

  it('says what is wrong with a block of the wrong size or type', () => {
    expect(message(decodeTextBlock(new Uint8Array(255)))).toBe('text block has 255 bytes, expected 256');
    expect(message(decodeTextBlock(handBlock([[248, 'Q']])))).toBe('unknown card type marker U+0051');
    expect(detectCardType(handBlock([[248, 'J']]).subarray(0, 250))).toBe('hmt-permit');
    expect(detectCardType(handBlock([[248, 'J']]).subarray(0, 249))).toBeNull();
  });
});

describe('text block encoder: edges', () => {
  const resident = ID_CARD_FIXTURES.resident.identity;
  const at = (block: Uint8Array, offset: number, length: number): string =>
    Buffer.from(block.subarray(offset, offset + length)).toString('utf16le');

  it('pads every unused character with a space', () => {
    const block = encodeTextBlock(resident);
    expect(at(block, 220, 28)).toBe(' '.repeat(14));
    expect(at(block, 0, 30)).toBe(`${resident.name}${' '.repeat(15 - resident.name.length)}`);
  });

  it('says which field does not fit, and how much it holds', () => {
    expect(() => encodeTextBlock({ ...resident, name: '很'.repeat(16) })).toThrow(
      'name is 16 characters; the field holds 15',
    );
    expect(() => encodeTextBlock({ ...resident, name: '很'.repeat(15) })).not.toThrow();
    expect(() => encodeTextBlock({ ...resident, birthDate: '1990-1-1' })).toThrow(
      'birthDate must be YYYY-MM-DD',
    );
    expect(() => encodeTextBlock({ ...resident, validTo: '2036/01/01' })).toThrow(
      'validTo must be YYYY-MM-DD',
    );
    expect(() => encodeTextBlock({ ...resident, ethnicity: '火星' })).toThrow('unknown ethnicity 火星');
  });

  it('stores an ethnicity given by name or by code as its code, and none as blank', () => {
    expect(at(encodeTextBlock({ ...resident, ethnicity: '蒙古' }), 32, 4)).toBe('02');
    expect(at(encodeTextBlock({ ...resident, ethnicity: '05' }), 32, 4)).toBe('05');
    expect(at(encodeTextBlock({ ...resident, ethnicity: null }), 32, 4)).toBe('  ');
  });

  it('writes issue counts as two digits, the old foreigner card version, and splits a long English name', () => {
    const permit = ID_CARD_FIXTURES['hk-permit'].identity;
    expect(at(encodeTextBlock({ ...permit, issueCount: 3 }), 238, 4)).toBe('03');
    expect(at(encodeTextBlock({ ...permit, issueCount: null }), 238, 4)).toBe('  ');
    expect(at(encodeTextBlock(ID_CARD_FIXTURES.foreigner.identity), 236, 4)).toBe('04');
    const y = ID_CARD_FIXTURES['foreigner-2023'].identity;
    const block = encodeTextBlock({ ...y, englishName: 'A'.repeat(35) + 'BC' });
    expect(at(block, 52, 70)).toBe('A'.repeat(35));
    expect(at(block, 220, 4)).toBe('BC');
    expect(at(encodeTextBlock({ ...y, issueCount: 7 }), 32, 4)).toBe('07');
  });
});

describe('text block: what mutation testing found untested', () => {
  const resident = ID_CARD_FIXTURES.resident.identity;
  const permit = ID_CARD_FIXTURES['hk-permit'].identity;
  const foreigner = ID_CARD_FIXTURES.foreigner.identity;
  const y = ID_CARD_FIXTURES['foreigner-2023'].identity;
  const at = (block: Uint8Array, offset: number, length: number): string =>
    Buffer.from(block.subarray(offset, offset + length)).toString('utf16le');

  it('names the field that does not fit, for every field a value can overflow', () => {
    const long = 'W'.repeat(61);
    const cases: [Parameters<typeof encodeTextBlock>[0], string][] = [
      [{ ...resident, address: long }, 'address'],
      [{ ...resident, idNumber: long }, 'idNumber'],
      [{ ...resident, issuer: long }, 'issuer'],
      [{ ...permit, passNumber: long }, 'passNumber'],
      [{ ...permit, issueCount: 100 }, 'issueCount'],
      [{ ...foreigner, englishName: long }, 'englishName'],
      [{ ...foreigner, idNumber: long }, 'idNumber'],
      [{ ...foreigner, nationality: long }, 'nationality'],
      [{ ...foreigner, name: long }, 'name'],
      [{ ...foreigner, issuer: long }, 'issuer'],
      [{ ...y, name: long }, 'name'],
      [{ ...y, issueCount: 100 }, 'issueCount'],
      [{ ...y, englishName: long }, 'englishName'],
      [{ ...y, idNumber: long }, 'idNumber'],
      [{ ...y, nationality: long }, 'nationality'],
      [{ ...resident, birthDate: 'x1990-01-01' }, 'birthDate must be YYYY-MM-DD'],
      [{ ...resident, birthDate: '1990-01-01x' }, 'birthDate must be YYYY-MM-DD'],
      [{ ...foreigner, birthDate: '1990' }, 'birthDate must be YYYY-MM-DD'],
      [{ ...y, birthDate: '1990' }, 'birthDate must be YYYY-MM-DD'],
      [{ ...resident, validFrom: '2016' }, 'validFrom must be YYYY-MM-DD'],
      [{ ...resident, ethnicity: 'x05' }, 'unknown ethnicity x05'],
      [{ ...resident, ethnicity: '05x' }, 'unknown ethnicity 05x'],
    ];
    for (const [identity, start] of cases) {
      expect(() => encodeTextBlock(identity), start).toThrow(new RegExp(`^${start}( is|$)`));
    }
  });

  it('leaves absent values blank: no birth date, address, issue count', () => {
    const card = decoded(encodeTextBlock({ ...resident, birthDate: null, address: null }));
    expect(card).toMatchObject({ birthDate: null, address: null });
    const noCount: Parameters<typeof encodeTextBlock>[0] = { ...permit };
    delete (noCount as { issueCount?: unknown }).issueCount;
    expect(at(encodeTextBlock(noCount), 238, 4)).toBe('  ');
  });

  it('writes a field only on the card type that has it', () => {
    const permitBlock = encodeTextBlock({ ...permit, ethnicity: '汉' });
    expect(at(permitBlock, 32, 4)).toBe('  ');
    const residentBlock = encodeTextBlock({ ...resident, passNumber: 'H1', issueCount: 3 });
    expect(at(residentBlock, 220, 22)).toBe(' '.repeat(11));
  });

  it('round-trips every sex, including unspecified', () => {
    for (const sex of ['male', 'female', 'unspecified', 'unknown'] as const) {
      expect(decoded(encodeTextBlock({ ...resident, sex })).sex).toBe(sex);
      expect(decoded(encodeTextBlock({ ...foreigner, sex })).sex).toBe(sex);
      expect(decoded(encodeTextBlock({ ...y, sex })).sex).toBe(sex);
    }
  });

  it('reads absent ID numbers and names as empty, and counts with a trailing digit only as digits', () => {
    expect(decoded(handBlock([]))).toMatchObject({ idNumber: '', name: '' });
    expect(decoded(handBlock([[248, 'I']]))).toMatchObject({ idNumber: '', name: '' });
    expect(
      decoded(
        handBlock([
          [238, 'A1'],
          [248, 'J'],
        ]),
      ).issueCount,
    ).toBeNull();
  });

  it('asks for a retry on a block of the wrong size, and decodes a 2023 card without an English name', () => {
    expect(decodeTextBlock(new Uint8Array(200))).toMatchObject({ ok: false, error: { recovery: 'retry' } });
    const y = ID_CARD_FIXTURES['foreigner-2023'].identity;
    expect(decoded(encodeTextBlock({ ...y, englishName: null }))).toMatchObject({
      englishName: null,
      name: y.name,
    });
  });

  it('shows an unknown card type marker as its full UTF-16 code unit', () => {
    const r = decodeTextBlock(handBlock([[248, '长']]));
    expect(r.ok ? 'ok' : r.error.message).toBe('unknown card type marker U+957f');
  });
});
