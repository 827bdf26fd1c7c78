import type { CatalogField, CatalogService } from '../../../contract/catalog/schema.js';
import { fieldPatternRegExp } from '../../../contract/catalog/field-pattern.js';

/**
 * The rules a catalog states, evaluated the same way in the renderer (to guide the citizen) and in the core
 * (which never trusts the renderer): form values, opening hours, kiosk groups, card eligibility.
 * Pure TypeScript, no Node imports.
 */

/** Why a field value is refused; the renderer maps each to a localized message. */
export type FieldValueProblem =
  | 'required'
  | 'wrong-type'
  | 'too-short'
  | 'too-long'
  | 'pattern'
  | 'not-digits'
  | 'too-small'
  | 'too-large'
  | 'not-a-date'
  | 'not-a-phone'
  | 'not-an-option';

const PHONE = /^\+?\d{7,15}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Checks one value against its field: checkboxes take booleans (a required one must be ticked), every other
 * field a string (dates as `YYYY-MM-DD`, select values as the option's `value`). Empty = absent.
 */
export function checkFieldValue(field: CatalogField, value: unknown): FieldValueProblem | null {
  if (field.type === 'checkbox') {
    if (value === undefined || value === null) return field.required ? 'required' : null;
    if (typeof value !== 'boolean') return 'wrong-type';
    return field.required && !value ? 'required' : null;
  }
  if (value === undefined || value === null || value === '') return field.required ? 'required' : null;
  if (typeof value !== 'string') return 'wrong-type';
  const v = field.validation;
  const length = [...value].length;
  if (v?.minLength !== undefined && length < v.minLength) return 'too-short';
  if (v?.maxLength !== undefined && length > v.maxLength) return 'too-long';
  switch (field.type) {
    case 'digits':
      if (!/^\d+$/.test(value)) return 'not-digits';
      if (v?.min !== undefined && Number(value) < v.min) return 'too-small';
      if (v?.max !== undefined && Number(value) > v.max) return 'too-large';
      break;
    case 'phone':
      if (!PHONE.test(value)) return 'not-a-phone';
      break;
    case 'date':
      if (!isCalendarDate(value)) return 'not-a-date';
      break;
    case 'select':
      if (!field.options?.some((o) => o.value === value)) return 'not-an-option';
      break;
    default:
      break;
  }
  if (v?.pattern !== undefined && !fieldPatternRegExp(v.pattern).test(value)) return 'pattern';
  return null;
}

/** Whether a service is offered on this kiosk at this moment, and if not, why. */
export type ServiceAvailability =
  { readonly available: true } | { readonly available: false; readonly reason: 'kiosk-group' | 'hours' };

/**
 * Evaluates a service's availability at a local time (ISO weekday 1 = Monday … 7 = Sunday, minutes since
 * midnight) on a kiosk belonging to the given groups.
 */
export function serviceAvailability(
  service: CatalogService,
  at: { readonly weekday: number; readonly minutes: number },
  kioskGroups: readonly string[],
): ServiceAvailability {
  const groups = service.availability.kioskGroups;
  if (groups && groups.length > 0 && !groups.some((g) => kioskGroups.includes(g))) {
    return { available: false, reason: 'kiosk-group' };
  }
  const hours = service.availability.hours;
  if (hours && hours.length > 0) {
    const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    const open = hours.some(
      (h) => h.days.includes(at.weekday) && at.minutes >= toMinutes(h.from) && at.minutes < toMinutes(h.to),
    );
    if (!open) return { available: false, reason: 'hours' };
  }
  return { available: true };
}

/** Whether a service's opening hours include this moment (kiosk groups aside). */
export function isWithinOpeningHours(
  service: CatalogService,
  at: { readonly weekday: number; readonly minutes: number },
): boolean {
  const hoursOnly = { ...service, availability: { hours: service.availability.hours ?? [] } };
  return serviceAvailability(hoursOnly, at, []).available;
}

/** The kiosk-local weekday (ISO) and minutes since midnight of a date. */
export function localTimeOf(date: Date): { weekday: number; minutes: number } {
  const day = date.getDay();
  return { weekday: day === 0 ? 7 : day, minutes: date.getHours() * 60 + date.getMinutes() };
}
