/**
 * The DOM side of typing on the on-screen keyboard: which fields take it, which keys they get, and writing text
 * into a field so that React (and anything else) sees an ordinary `input` event, as from a physical key.
 */
import type { FieldText, KeyboardMode } from './engine.js';

/** The kinds of text a field asks the keyboard for; `pin` is a technician PIN (fixed digit pad). */
export type KeyboardKind = 'digits' | 'letters' | 'chinese' | 'any' | 'pin';

/** The attribute a field carries to take the on-screen keyboard. */
export const KEYBOARD_ATTRIBUTE = 'data-osk';

const KINDS: ReadonlySet<string> = new Set<KeyboardKind>(['digits', 'letters', 'chinese', 'any', 'pin']);
// Input types that hold free text the keyboard can type; dates, checkboxes and the like have their own controls.
const TEXT_TYPES: ReadonlySet<string> = new Set(['text', 'tel', 'password', 'search', 'email', 'url']);

/** A field the on-screen keyboard types into. */
export type KeyboardField = HTMLInputElement | HTMLTextAreaElement;

/**
 * The props that make a field take the on-screen keyboard: spread them on an `<input>` or `<textarea>`.
 * The field's `inputMode` still decides digits (numeric, decimal, tel) against letters.
 */
export function keyboardField(kind: KeyboardKind = 'any'): { readonly [KEYBOARD_ATTRIBUTE]: KeyboardKind } {
  return { [KEYBOARD_ATTRIBUTE]: kind };
}

/** Whether an element is an editable field that asked for the keyboard. */
export function isKeyboardField(element: EventTarget | null): element is KeyboardField {
  if (!(element instanceof HTMLInputElement) && !(element instanceof HTMLTextAreaElement)) return false;
  const kind = element.getAttribute(KEYBOARD_ATTRIBUTE);
  if (kind === null || !KINDS.has(kind)) return false;
  if (element.readOnly || element.disabled) return false;
  return element instanceof HTMLTextAreaElement || TEXT_TYPES.has(element.type);
}

/** The kind a field asked for. */
export function fieldKind(field: KeyboardField): KeyboardKind {
  const kind = field.getAttribute(KEYBOARD_ATTRIBUTE) ?? 'any';
  return (KINDS.has(kind) ? kind : 'any') as KeyboardKind;
}

/**
 * The mode a field opens in: its `inputmode` first (numeric, decimal and tel get the digit pad), then what it
 * asked for; free text opens in pinyin when the kiosk speaks Chinese.
 */
export function modeFor(
  inputMode: string,
  kind: KeyboardKind,
  chineseInterface: boolean,
): { readonly mode: KeyboardMode; readonly shift: boolean } {
  if (inputMode === 'numeric' || inputMode === 'decimal' || inputMode === 'tel')
    return { mode: 'digits', shift: false };
  if (kind === 'digits' || kind === 'pin') return { mode: 'digits', shift: false };
  if (kind === 'letters') return { mode: 'latin', shift: true };
  if (kind === 'chinese') return { mode: 'pinyin', shift: false };
  return { mode: chineseInterface ? 'pinyin' : 'latin', shift: false };
}

/** Reads a field's text and selection. */
export function readField(field: KeyboardField): FieldText {
  const length = field.value.length;
  // A field that lost its selection (never focused) is typed at its end.
  const start = field.selectionStart ?? length;
  const end = field.selectionEnd ?? start;
  return { value: field.value, start, end, maxLength: field.maxLength >= 0 ? field.maxLength : null };
}

/**
 * Writes text into a field as the browser would for a typed key: through the native value setter (so
 * React's controlled-input tracking notices the change) and an `input` event, then the caret.
 */
export function writeField(field: KeyboardField, next: FieldText, inputType: string): void {
  const proto =
    field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, next.value);
  field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType }));
  try {
    field.setSelectionRange(next.start, next.end);
  } catch {
    // Some input types have no selection; the text is in, which is what matters.
  }
}
