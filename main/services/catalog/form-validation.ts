/**
 * Form checks as the screen and the API report them: the catalog's own rules (main/services/catalog/rules.ts,
 * shared by renderer and core) plus which field failed and the bound it broke, for the localized message.
 * Pure: no Node, no DOM.
 */
import type { FieldValueProblem } from './rules.js';
import { checkFieldValue } from './rules.js';
import type { CatalogField } from '../../../contract/catalog/schema.js';

/** A form value as the renderer sends it. */
export type FormValue = string | boolean;

/** Why a value was refused; the renderer localizes `form.<code>`. */
export type FieldErrorCode = FieldValueProblem | 'unknown-field';

/** One refused field. */
export interface FieldError {
  readonly fieldId: string;
  readonly code: FieldErrorCode;
  /** The bound that was broken (length, min or max), for the message. */
  readonly limit?: number;
}

function limitFor(field: CatalogField, code: FieldValueProblem): number | undefined {
  const v = field.validation;
  if (code === 'too-short') return v?.minLength;
  if (code === 'too-long') return v?.maxLength;
  if (code === 'too-small') return v?.min;
  if (code === 'too-large') return v?.max;
  return undefined;
}

/** Checks one field's value; returns null when it is acceptable. */
export function validateField(field: CatalogField, value: FormValue | undefined): FieldError | null {
  const code = checkFieldValue(field, typeof value === 'string' ? value.trim() : value);
  if (code === null) return null;
  const limit = limitFor(field, code);
  return limit === undefined ? { fieldId: field.id, code } : { fieldId: field.id, code, limit };
}

/** Checks a whole form; unknown keys are refused too (a renderer may not invent fields). */
export function validateForm(
  fields: readonly CatalogField[],
  values: Readonly<Record<string, FormValue>>,
): FieldError[] {
  const errors: FieldError[] = [];
  const known = new Set(fields.map((f) => f.id));
  for (const key of Object.keys(values))
    if (!known.has(key)) errors.push({ fieldId: key, code: 'unknown-field' });
  for (const field of fields) {
    const error = validateField(field, values[field.id]);
    if (error) errors.push(error);
  }
  return errors;
}
