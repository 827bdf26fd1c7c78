import type { CompleteTransactionInput } from './transactions.js';

/**
 * Fictional visits for `booth simulate visits`, the crash worker and benchmarks. Names are drawn from
 * common characters; ID numbers use the fictional address code 999999 (no such region exists) with a valid
 * GB 11643 check character, so they pass format checks but can never belong to a real person.
 */

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛'];
const STREETS = ['和平路', '人民路', '解放路', '建设路', '中山路'];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

function pick<T>(list: readonly T[], random: () => number): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

export { seededRandom } from '../../../drivers/common/random.js';

/** A fictional 18-character ID number (address code 999999) with a correct check character. */
export function fictionalIdNumber(random: () => number): string {
  const year = 1950 + Math.floor(random() * 55);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const seq = Math.floor(random() * 1000);
  const first17 = `999999${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return first17 + (CHECK[sum % 11] ?? '0');
}

/** A fictional visit; `urgent` makes it a missing-person report. */
export function fictionalVisit(random: () => number, urgent: boolean): CompleteTransactionInput {
  const name = pick(SURNAMES, random) + pick(GIVEN, random) + pick(GIVEN, random);
  const citizen = {
    cardType: 'resident' as const,
    name,
    idNumber: fictionalIdNumber(random),
    address: `虚构市${pick(STREETS, random)}${1 + Math.floor(random() * 300)}号`,
  };
  if (urgent) {
    return {
      locale: 'zh-CN',
      catalogVersion: null,
      citizen,
      services: [{ serviceId: 'missing-person-report', form: { relation: '亲属' }, urgent: true }],
      missingPerson: {
        name: pick(SURNAMES, random) + pick(GIVEN, random),
        age: 5 + Math.floor(random() * 80),
        lastSeenPlace: `虚构市${pick(STREETS, random)}`,
        description: '身穿蓝色外套（模拟数据）',
        contactPhone: `139${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
      },
    };
  }
  return {
    locale: 'zh-CN',
    catalogVersion: null,
    citizen,
    services: [
      {
        serviceId: pick(['residence-certificate', 'id-card-progress', 'traffic-fine-payment'], random),
        form: { phone: `138${String(Math.floor(random() * 1e8)).padStart(8, '0')}`, note: '模拟办理' },
      },
    ],
  };
}
