import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../../test/fixtures/catalog/helpers.js';
import type { CatalogField, CatalogService } from '../../../contract/catalog/schema.js';
import { checkFieldValue, localTimeOf, serviceAvailability } from './rules.js';

const label = { 'zh-CN': '字段', 'zh-HK': '欄位', en: 'Field' };
const field = (f: Partial<CatalogField>): CatalogField => ({
  id: 'f',
  type: 'text',
  label,
  required: true,
  ...f,
});

function service(id: string): CatalogService {
  const s = defaultCatalog().services.find((x) => x.id === id);
  if (!s) throw new Error(`no ${id}`);
  return s;
}

describe('checkFieldValue', () => {
  it('required, types, lengths and patterns', () => {
    expect(checkFieldValue(field({}), '')).toBe('required');
    expect(checkFieldValue(field({ required: false }), undefined)).toBeNull();
    expect(checkFieldValue(field({}), 42)).toBe('wrong-type');
    expect(checkFieldValue(field({ validation: { minLength: 2 } }), '张')).toBe('too-short');
    expect(checkFieldValue(field({ validation: { maxLength: 2 } }), '张三丰')).toBe('too-long');
    expect(checkFieldValue(field({ validation: { maxLength: 2 } }), '张三')).toBeNull();
    expect(checkFieldValue(field({ validation: { pattern: 'C[0-9A-Z]{8}' } }), 'C12345678')).toBeNull();
    expect(checkFieldValue(field({ validation: { pattern: 'C[0-9A-Z]{8}' } }), 'C123456789')).toBe('pattern');
  });

  it('digits, phone, date, select, checkbox', () => {
    const age = field({ type: 'digits', validation: { min: 0, max: 130 } });
    expect(checkFieldValue(age, '12a')).toBe('not-digits');
    expect(checkFieldValue(age, '131')).toBe('too-large');
    expect(checkFieldValue(age, '7')).toBeNull();
    expect(checkFieldValue(field({ type: 'phone' }), '138-0000')).toBe('not-a-phone');
    expect(checkFieldValue(field({ type: 'phone' }), '13800138000')).toBeNull();
    expect(checkFieldValue(field({ type: 'date' }), '2027-02-29')).toBe('not-a-date');
    expect(checkFieldValue(field({ type: 'date' }), '2028-02-29')).toBeNull();
    const select = field({ type: 'select', options: [{ value: 'a', label }] });
    expect(checkFieldValue(select, 'b')).toBe('not-an-option');
    expect(checkFieldValue(select, 'a')).toBeNull();
    expect(checkFieldValue(field({ type: 'checkbox' }), false)).toBe('required');
    expect(checkFieldValue(field({ type: 'checkbox', required: false }), false)).toBeNull();
    expect(checkFieldValue(field({ type: 'checkbox' }), 'yes')).toBe('wrong-type');
  });
});

describe('availability', () => {
  it('limits zone services to their kiosk group and office services to office hours', () => {
    const zone = service('hmt-residence-permit-renewal');
    const monday10 = { weekday: 1, minutes: 600 };
    expect(serviceAvailability(zone, monday10, [])).toEqual({ available: false, reason: 'kiosk-group' });
    expect(serviceAvailability(zone, monday10, ['hk-macao-zone'])).toEqual({ available: true });
    const office = service('no-criminal-record');
    expect(serviceAvailability(office, monday10, [])).toEqual({ available: true });
    expect(serviceAvailability(office, { weekday: 1, minutes: 17 * 60 + 30 }, [])).toEqual({
      available: false,
      reason: 'hours',
    });
    expect(serviceAvailability(office, { weekday: 6, minutes: 11 * 60 }, [])).toEqual({ available: true });
    expect(serviceAvailability(office, { weekday: 7, minutes: 11 * 60 }, [])).toEqual({
      available: false,
      reason: 'hours',
    });
    expect(serviceAvailability(service('missing-person'), { weekday: 7, minutes: 3 * 60 }, [])).toEqual({
      available: true,
    });
    expect(localTimeOf(new Date(2027, 5, 6, 9, 15))).toEqual({ weekday: 7, minutes: 555 });
  });
});
