import { describe, expect, it } from 'vitest';
import { checkDigitStatus, idCheckCharacter, isValidIdNumber, maskIdNumber } from './id-number.js';

/**
 * ISO 7064 MOD 11-2 from its definition, independent of the weight table in the code: the digit at position i
 * (1-based, of 18) weighs 2^(18−i) mod 11, and the check character makes the weighted sum ≡ 1 (mod 11),
 * with 10 written X.
 */
function referenceCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

describe('ID number check character (MOD 11-2)', () => {
  it('matches the published example', () => {
    expect(idCheckCharacter('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
  });

  it('weighs every one of the 17 positions as the standard does (a change at any position is seen)', () => {
    const base = '44030419900101123';
    for (let position = 0; position < 17; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        const first17 = base.slice(0, position) + String(digit) + base.slice(position + 1);
        expect(idCheckCharacter(first17), `position ${position + 1}, digit ${digit}`).toBe(
          referenceCheck(first17),
        );
      }
    }
  });

  it('refuses a wrong check character, letters inside, and the wrong length', () => {
    const good = `44030419900101123${referenceCheck('44030419900101123')}`;
    expect(isValidIdNumber(good)).toBe(true);
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(isValidIdNumber(wrong)).toBe(false);
    expect(isValidIdNumber(`4403041990010112${'X'}${good[17]}`)).toBe(false);
    expect(isValidIdNumber(good.slice(0, 17))).toBe(false);
    expect(idCheckCharacter('4403041990010112')).toBeNull();
    expect(idCheckCharacter('4403041990010112A')).toBeNull();
    // One digit too many is not "the first 17": no check character is computed from a longer number.
    expect(idCheckCharacter('440304199001011234')).toBeNull();
  });

  it('has no check digit for a 15-character permit number', () => {
    expect(checkDigitStatus('USA123456789012')).toBe('not-applicable');
    expect(checkDigitStatus('11010519491231002X')).toBe('valid');
    expect(checkDigitStatus('110105194912310021')).toBe('invalid');
  });

  it('masks the birth date away at every length', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
    expect(maskIdNumber('11010519491231002X')).not.toContain('19491231');
  });

  it('keeps 3 and 2 characters of an 8- to 17-character number, 1 and 1 below, and hides 4 or fewer', () => {
    expect(maskIdNumber('C1234567')).toBe('C12***67');
    expect(maskIdNumber('USA123456789012')).toBe('USA**********12');
    expect(maskIdNumber('H123456')).toBe('H*****6');
    expect(maskIdNumber('12345')).toBe('1***5');
    expect(maskIdNumber('1234')).toBe('****');
  });
});
