/**
 * Obviously fictional identities for the simulator, tests and the on-screen simulation panel. The numbers
 * are the published GB 11643 examples or made up; none belongs to a real person.
 */
import type { IdCardIdentity } from './text-block.js';

/** One fixture: labels for the simulation panel plus the identity on the card. */
export interface IdCardFixture {
  readonly label: string;
  readonly labelZh: string;
  readonly identity: IdCardIdentity;
}

/** Keys of the main fixtures, one per card type. */
export type IdCardFixtureId = 'resident' | 'hk-permit' | 'foreigner' | 'foreigner-2023';

/** Keys of the extra fixtures for edge cases. */
export type IdCardExtraFixtureId =
  | 'resident-invalid-check'
  | 'resident-long-term'
  | 'taiwan-permit'
  | 'hk-permit-expired'
  | 'foreigner-expired';

/** Any fixture key. */
export type AnyIdCardFixtureId = IdCardFixtureId | IdCardExtraFixtureId;

/** One fixture per card type. */
export const ID_CARD_FIXTURES: Readonly<Record<IdCardFixtureId, IdCardFixture>> = {
  resident: {
    label: 'Resident ID card',
    labelZh: '居民身份证',
    identity: {
      cardType: 'resident',
      name: '张三',
      sex: 'female', // sequence 002 is even
      ethnicity: '汉',
      birthDate: '1949-12-31',
      address: '北京市朝阳区示例路1号测试小区2号楼',
      idNumber: '11010519491231002X',
      issuer: '北京市公安局朝阳分局',
      validFrom: '2016-01-01',
      validTo: '2036-01-01',
    },
  },
  'hk-permit': {
    label: 'Hong Kong residence permit',
    labelZh: '港澳居民居住证（香港）',
    identity: {
      cardType: 'hmt-permit',
      name: '陈大文',
      sex: 'female',
      birthDate: '1994-08-23',
      address: '广东省深圳市福田区示例大道100号',
      idNumber: '810000199408230021',
      issuer: '深圳市公安局',
      validFrom: '2024-01-01',
      validTo: '2029-01-01',
      passNumber: 'H12345678',
      issueCount: 1,
    },
  },
  foreigner: {
    label: 'Foreigner permanent residence card (old)',
    labelZh: '外国人永久居留证',
    identity: {
      cardType: 'foreigner',
      name: '史密斯',
      englishName: 'SMITH, JOHN EXAMPLE',
      sex: 'male',
      birthDate: '1979-05-01',
      idNumber: 'USA310079050101',
      nationality: 'USA',
      issuer: '1500',
      validFrom: '2020-01-01',
      validTo: '2030-01-01',
    },
  },
  'foreigner-2023': {
    label: 'Foreigner permanent residence ID card (2023)',
    labelZh: '外国人永久居留身份证',
    identity: {
      cardType: 'foreigner-2023',
      name: '玛丽',
      englishName: 'MONTGOMERY-SMITHERSON, JANE ELIZABETH',
      sex: 'female',
      birthDate: '1985-03-15',
      idNumber: '982611198503150025',
      nationality: 'GBR',
      validFrom: '2023-12-01',
      validTo: '2033-12-01',
      issueCount: 0,
    },
  },
};

/**
 * Edge-case fixtures: a wrong check character, a 长期 (no expiry) card, a Taiwan permit, and two expired cards
 * (a Hong Kong permit valid to 2024, an old foreigner card valid to 2020) that services must not take silently.
 */
export const ID_CARD_EXTRA_FIXTURES: Readonly<Record<IdCardExtraFixtureId, IdCardFixture>> = {
  'resident-invalid-check': {
    label: 'Resident ID card with a wrong check digit',
    labelZh: '居民身份证（校验位错误）',
    identity: { ...ID_CARD_FIXTURES.resident.identity, name: '李四', idNumber: '110105194912310021' },
  },
  'resident-long-term': {
    label: 'Resident ID card valid long-term',
    labelZh: '居民身份证（长期有效）',
    identity: {
      cardType: 'resident',
      name: '王五',
      sex: 'male', // sequence 001 is odd
      ethnicity: '蒙古',
      birthDate: '1950-01-01',
      address: '北京市东城区示例胡同8号',
      idNumber: '110101195001010017',
      issuer: '北京市公安局东城分局',
      validFrom: '2010-06-01',
      validTo: null,
    },
  },
  'taiwan-permit': {
    label: 'Taiwan residence permit',
    labelZh: '台湾居民居住证',
    identity: {
      cardType: 'hmt-permit',
      name: '林小美',
      sex: 'female',
      birthDate: '1992-01-30',
      address: '福建省厦门市思明区示例路9号',
      idNumber: '830000199201300022',
      issuer: '厦门市公安局',
      validFrom: '2025-01-01',
      validTo: '2030-01-01',
      passNumber: '12345678',
      issueCount: 2,
    },
  },
  'hk-permit-expired': {
    label: 'Hong Kong residence permit, expired 2024',
    labelZh: '港澳居民居住证（香港，2024年已过期）',
    identity: {
      ...ID_CARD_FIXTURES['hk-permit'].identity,
      name: '陈小文',
      validFrom: '2019-01-01',
      validTo: '2024-01-01',
    },
  },
  'foreigner-expired': {
    label: 'Foreigner permanent residence card (old), expired 2020',
    labelZh: '外国人永久居留证（2020年已过期）',
    identity: {
      ...ID_CARD_FIXTURES.foreigner.identity,
      validFrom: '2010-01-01',
      validTo: '2020-01-01',
    },
  },
};

/** Every fixture, main ones first, with its key. */
export function listIdCardFixtures(): { readonly id: AnyIdCardFixtureId; readonly fixture: IdCardFixture }[] {
  return [
    ...(Object.entries(ID_CARD_FIXTURES) as [IdCardFixtureId, IdCardFixture][]),
    ...(Object.entries(ID_CARD_EXTRA_FIXTURES) as [IdCardExtraFixtureId, IdCardFixture][]),
  ].map(([id, fixture]) => ({ id, fixture }));
}

/** Looks a fixture up by any key; null when there is none. */
export function getIdCardFixture(id: string): IdCardFixture | null {
  return listIdCardFixtures().find((f) => f.id === id)?.fixture ?? null;
}
