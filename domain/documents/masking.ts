/**
 * Masking of personal data on what leaves the booth (paper, the citizens' progress page, the console's letters):
 * shared by the kiosk and the central server so both mask a name the same way. ID numbers: text.ts
 * (`maskIdNumbers`) and drivers/id-card.
 */

/** The name as printed on paper: the first character, then asterisks (receipts leave the booth). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  return (chars[0] ?? '') + '*'.repeat(Math.min(3, chars.length - 1));
}
