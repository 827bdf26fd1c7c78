import { describe, expect, it } from 'vitest';
import { MESSAGES } from './messages.js';
import { TECHNICIAN_MESSAGES } from './messages-technician.js';
import { VISIT_MESSAGES } from './messages-visit.js';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

/** Tables kept apart from messages.ts and spread into it, each in the three languages. */
const TABLES = [
  ['navigation and form texts', VISIT_MESSAGES],
  ['technician texts', TECHNICIAN_MESSAGES],
] as const;

describe.each(TABLES)('%s', (_name, tables) => {
  it('exist in every language with the same placeholders, and reach the interface tables', () => {
    const reference: Readonly<Record<string, string>> = tables['zh-CN'];
    for (const locale of ['zh-CN', 'zh-HK', 'en'] as const) {
      const table: Readonly<Record<string, string>> = tables[locale];
      expect(Object.keys(table).sort()).toEqual(Object.keys(reference).sort());
      for (const [key, text] of Object.entries(table)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        // English may name the month where Chinese numbers it; every other placeholder must match.
        const expected = placeholders(reference[key] ?? '').filter((p) => p !== 'month');
        expect(
          placeholders(text).filter((p) => p !== 'month' && p !== 'monthName'),
          `${locale} ${key}`,
        ).toEqual(expected.filter((p) => p !== 'monthName'));
        expect((MESSAGES[locale] as Readonly<Record<string, string>>)[key]).toBe(text);
      }
    }
  });
});
