/**
 * Calendar arithmetic for the kiosk's own date picker. Pure (no DOM, no locale of the browser): dates are the
 * catalog's `YYYY-MM-DD` strings, and texts come from the kiosk's messages, so the picker reads the same in every
 * host whatever the system locale is.
 */

/** A calendar date; month 1–12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month (1–12) of a year, leap years included. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Empty cells before the 1st in a week that starts on Monday (as Chinese calendars do): 0–6. */
export function leadingBlankDays(year: number, month: number): number {
  return (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
}

/** The catalog's form of a date: `YYYY-MM-DD`. */
export function toIsoDate(date: CalendarDate): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Parses `YYYY-MM-DD`; null for anything that is not a real calendar date. */
export function parseIsoDate(value: string | undefined): CalendarDate | null {
  const m = value === undefined ? null : ISO.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** Today in the kiosk's own time zone. */
export function today(now: Date = new Date()): CalendarDate {
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

/** How many years one page of the year grid shows. */
export const YEARS_PER_PAGE = 12;

/**
 * The years a picker offers: far enough back for a birth or a long residence, a few years ahead for
 * appointments and expected departures.
 */
export function yearRange(now: CalendarDate): { readonly first: number; readonly last: number } {
  return { first: now.year - 110, last: now.year + 5 };
}

/** The first year of the page of the year grid that holds `year`, pages counted from the range's first year. */
export function yearPageStart(year: number, first: number): number {
  return first + Math.floor((year - first) / YEARS_PER_PAGE) * YEARS_PER_PAGE;
}
