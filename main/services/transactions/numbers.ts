/** The prefix of human transaction numbers (警务, JW). */
export const NUMBER_PREFIX = 'JW';

/** The kiosk-local calendar day of `ms` as `YYYYMMDD` (numbers restart each local day). */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}${mm}${dd}`;
}

/** Formats a human number like `JW-20261129-000123`; past 999,999 in a day it simply grows a digit. */
export function formatTransactionNumber(day: string, sequence: number): string {
  return `${NUMBER_PREFIX}-${day}-${String(sequence).padStart(6, '0')}`;
}
