/**
 * Text clean-up before drawing: the embedded font covers a fixed character set, and a character it lacks
 * would print as an invisible .notdef box. Such characters (emoji, control codes, rare ideographs) are
 * replaced by a visible mark instead, so a reader can see something was there.
 */

/** What an unprintable character becomes: a white square, present in every CJK font. */
export const REPLACEMENT_CHAR = '□';

const VARIATION_SELECTOR = /[\uFE00-\uFE0F\u200D]|\uDB40[\uDD00-\uDDEF]/g;
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Replaces every grapheme the font cannot draw by {@link REPLACEMENT_CHAR}; keeps `\n` when `multiline`. */
export function sanitizeText(
  text: string,
  covers: (codePoint: number) => boolean,
  multiline = false,
): string {
  const normalized = text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, '    ');
  let out = '';
  for (const { segment } of segmenter.segment(normalized)) {
    if (segment === '\n') {
      out += multiline ? '\n' : ' ';
      continue;
    }
    // An emoji presentation selector or joiner after a drawable base only asks for a colour glyph.
    const base = segment.replace(VARIATION_SELECTOR, '');
    const drawable =
      base.length > 0 &&
      [...base].every((ch) => {
        const cp = ch.codePointAt(0) ?? 0;
        return cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0) && covers(cp);
      });
    out += drawable ? base : REPLACEMENT_CHAR;
  }
  return out;
}

/** Formats an ISO date-time as `YYYY-MM-DD HH:mm` in its own offset (the kiosk's local time). */
export function formatDateTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** Formats an ISO date (or date-time) as a date in the locale's usual form. */
export function formatDate(iso: string, locale: 'zh-CN' | 'zh-HK' | 'en'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  return locale === 'en' ? `${y}-${mo}-${d}` : `${y}年${Number(mo)}月${Number(d)}日`;
}

/**
 * Masks resident ID numbers a citizen typed into free text (a letter, a notice): paper never carries a full
 * one. Keeps the first four and last four characters, as the masked fields do.
 */
export function maskIdNumbers(text: string): string {
  return text
    .replace(/(?<![0-9])([0-9]{4})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])/g, '$1**********$2')
    .replace(/(?<![0-9])([0-9]{4})[0-9]{7}([0-9]{4})(?![0-9])/g, '$1*******$2');
}
