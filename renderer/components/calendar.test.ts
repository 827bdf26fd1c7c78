import { describe, expect, it } from 'vitest';
import {
  daysInMonth,
  leadingBlankDays,
  parseIsoDate,
  toIsoDate,
  today,
  yearPageStart,
  yearRange,
  YEARS_PER_PAGE,
} from './calendar.js';

describe('calendar arithmetic of the date picker', () => {
  it('knows month lengths, leap years included', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2026, 11)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it('starts weeks on Monday', () => {
    // 1 June 2026 is a Monday, 1 November 2026 a Sunday, 1 January 2026 a Thursday.
    expect(leadingBlankDays(2026, 6)).toBe(0);
    expect(leadingBlankDays(2026, 11)).toBe(6);
    expect(leadingBlankDays(2026, 1)).toBe(3);
  });

  it('writes and reads the catalog form YYYY-MM-DD, refusing dates that do not exist', () => {
    expect(toIsoDate({ year: 1949, month: 3, day: 7 })).toBe('1949-03-07');
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate('2026-02-29')).toBeNull();
    expect(parseIsoDate('2026-13-01')).toBeNull();
    expect(parseIsoDate('11/28/2026')).toBeNull();
    expect(parseIsoDate('')).toBeNull();
    expect(parseIsoDate(undefined)).toBeNull();
  });

  it('offers years from far back to a few ahead, in pages that hold the asked year', () => {
    const now = today(new Date(2026, 10, 29));
    expect(now).toEqual({ year: 2026, month: 11, day: 29 });
    const range = yearRange(now);
    expect(range.first).toBeLessThanOrEqual(1916);
    expect(range.last).toBeGreaterThanOrEqual(2028);
    for (const year of [range.first, 1949, 2026, range.last]) {
      const start = yearPageStart(year, range.first);
      expect(year).toBeGreaterThanOrEqual(start);
      expect(year).toBeLessThan(start + YEARS_PER_PAGE);
    }
  });
});
