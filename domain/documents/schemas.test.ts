import { describe, expect, it } from 'vitest';
import { looksLikeFullIdNumber, maskedIdNumberSchema, maskedPhoneSchema } from './schemas.js';

describe('masked numbers', () => {
  it('accepts masked ID numbers', () => {
    for (const id of ['4403**********123X', '9**********4567', 'H12****(3)', '4403＊＊＊＊123X']) {
      expect(maskedIdNumberSchema.safeParse(id).success).toBe(true);
    }
  });

  it('rejects full ID numbers, with spaces or not, and unmasked text', () => {
    for (const id of ['44030419900101123X', '440304 19900101 123x', '440304900101123', 'ABC123']) {
      const result = maskedIdNumberSchema.safeParse(id);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/full ID number|must hide/);
    }
    expect(looksLikeFullIdNumber('4403-0419-9001-0112-3X')).toBe(true);
  });

  it('rejects a full phone number', () => {
    expect(maskedPhoneSchema.safeParse('138****5678').success).toBe(true);
    expect(maskedPhoneSchema.safeParse('138 1234 5678').success).toBe(false);
  });
});
