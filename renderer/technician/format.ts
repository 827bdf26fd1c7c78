/**
 * Words for the technician screen: audit entries in local time and sentences, device states with their
 * recovery hints, ages and sizes. Pure functions over the message tables, so they are tested without a DOM.
 */
import type { DeviceStatusView } from '../../main/api/views.js';
import type { Locale } from '../i18n/messages.js';
import { MESSAGES } from '../i18n/messages.js';

/** One audit entry as the overview carries it. */
export interface AuditLine {
  readonly event: string;
  readonly at: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

const fill = (text: string, vars: Readonly<Record<string, unknown>>): string =>
  text.replace(/\{(\w+)\}/g, (m, name: string) =>
    vars[name] === undefined || vars[name] === null ? m : String(vars[name]),
  );

/** A message of the locale, or null when there is none for the key. */
export function message(
  locale: Locale,
  key: string,
  vars: Readonly<Record<string, unknown>> = {},
): string | null {
  const text = (MESSAGES[locale] as Readonly<Record<string, string>>)[key];
  return text === undefined ? null : fill(text, vars);
}

/** The local date and time of an ISO instant, as the kiosk's clock shows it (24-hour). */
export function localTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/** An audit entry in words and local time; an event without words keeps its code. */
export function auditText(
  entry: AuditLine,
  locale: Locale,
): { readonly time: string; readonly text: string } {
  return {
    time: localTime(entry.at, locale),
    text: message(locale, `audit.${entry.event}`, entry.details ?? {}) ?? entry.event,
  };
}

/** A device's state in words, and what to do about it (null when it works). */
export function deviceWords(
  view: DeviceStatusView,
  locale: Locale,
): { readonly state: string; readonly hint: string | null } {
  const s = view.status;
  const state = message(locale, `device.${s.state}`) ?? s.state;
  if (s.state === 'error')
    return {
      state: `${state}: ${message(locale, `tech.bits.${s.code}`) ?? s.code}`,
      hint: message(locale, `tech.recovery.${s.recovery}`) ?? s.recovery,
    };
  // A camera row's reason says which camera hint applies (not attached, not assigned, not allowed yet).
  if (view.kind.endsWith('-camera') && (s.state === 'no-device' || s.state === 'offline'))
    return { state, hint: message(locale, `tech.hint.camera.${s.reason ?? 'missing'}`) };
  if (s.state === 'no-device') return { state, hint: message(locale, 'tech.hint.no-device') };
  if (s.state === 'offline') return { state, hint: message(locale, 'tech.hint.offline') };
  if (view.paperLow) return { state, hint: message(locale, 'tech.hint.paperLow') };
  return { state, hint: null };
}

/** An age in words: seconds, minutes or hours. */
export function ageText(ms: number, locale: Locale): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return message(locale, 'tech.health.minutes', { n: Math.round(ms / 60_000) }) ?? '';
  return message(locale, 'tech.health.hours', { n: (ms / 3_600_000).toFixed(1) }) ?? '';
}

/** A size in MiB or GiB. */
export function sizeText(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : `${Math.max(0.1, bytes / 1024 ** 2).toFixed(1)} MiB`;
}
