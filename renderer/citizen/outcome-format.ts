/**
 * Dates and times on the outcome screens, in the kiosk's language and the kiosk's own clock (the renderer runs
 * on the kiosk machine, so its time zone is the kiosk's). Always 24-hour, never the browser's locale defaults.
 */
import type { Locale } from '../i18n/messages.js';

const INTL_LOCALE: Readonly<Record<Locale, string>> = { 'zh-CN': 'zh-CN', 'zh-HK': 'zh-HK', en: 'en-GB' };

/** A calendar date printed on a card (`YYYY-MM-DD`, no time zone): `2024年1月1日` / `1 January 2024`. */
export function formatCardDate(iso: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(date);
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * A moment (ISO) as the kiosk's local time: `今天 10:25`, `明天 09:00`, `2026年12月2日 10:00` /
 * `today 10:25`, `2 December 2026 10:00`. `words` gives the words for today and tomorrow in `locale`.
 */
export function formatMoment(
  iso: string,
  locale: Locale,
  words: { readonly today: string; readonly tomorrow: string },
  now: Date = new Date(),
): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const day = sameDay(at, now)
    ? words.today
    : sameDay(at, tomorrow)
      ? words.tomorrow
      : new Intl.DateTimeFormat(INTL_LOCALE[locale], {
          year: 'numeric',
          month: 'long',
          day: 'numeric',
        }).format(at);
  return `${day} ${time}`;
}
