/**
 * What one key of the on-screen keyboard does, pure and DOM-free: it takes the keyboard's state and the
 * field's text and caret, and returns the new ones. The React side only renders keys and writes the result
 * into the field, so every behaviour here is unit-tested without a browser.
 */
import type { Candidates } from './pinyin.js';

/** Which keys are shown: a digit pad, Latin letters, or letters that spell pinyin. */
export type KeyboardMode = 'digits' | 'latin' | 'pinyin';

/** A key press (or a tap on a candidate). */
export type KeyAction =
  | { readonly type: 'char'; readonly char: string }
  | { readonly type: 'backspace' }
  | { readonly type: 'space' }
  | { readonly type: 'clear' }
  | { readonly type: 'newline' }
  | { readonly type: 'shift' }
  | { readonly type: 'switch' }
  | { readonly type: 'candidate'; readonly text: string }
  | { readonly type: 'page'; readonly delta: 1 | -1 };

/** The keyboard's own state for the field being typed into. */
export interface KeyboardState {
  readonly mode: KeyboardMode;
  /** Capitals (Latin letters only); stays on until tapped again, as ID and permit numbers are capitals. */
  readonly shift: boolean;
  /** Pinyin letters typed and not yet turned into characters. */
  readonly composition: string;
  /** The candidate page shown. */
  readonly page: number;
}

/** A field's text and selection (UTF-16 offsets, as the DOM gives them) and its length limit. */
export interface FieldText {
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** The field's `maxLength`, or null for none. */
  readonly maxLength: number | null;
}

/** The candidates on offer when the key was pressed, and how many pages they fill. */
export interface CandidateContext {
  readonly candidates: Candidates;
  readonly pageCount: number;
}

/** A key's outcome: the new keyboard state, and the field's new text, or null when the field is unchanged. */
export interface KeyResult {
  readonly state: KeyboardState;
  readonly field: FieldText | null;
}

/** Longest pinyin composition kept: the longest Chinese words typed in one go stay well under it. */
export const MAX_COMPOSITION = 32;

const NO_CANDIDATES: CandidateContext = { candidates: { chars: [], consumes: 0 }, pageCount: 0 };

/** The state a keyboard starts in for a field. */
export function initialState(mode: KeyboardMode, shift = false): KeyboardState {
  return { mode, shift: mode === 'latin' && shift, composition: '', page: 0 };
}

/** Text inserted over the selection, cut to the field's length limit (never half a surrogate pair). */
export function insertText(field: FieldText, text: string): FieldText {
  const start = Math.min(field.start, field.end);
  const end = Math.max(field.start, field.end);
  const kept = field.value.length - (end - start);
  let room = field.maxLength === null ? text.length : Math.max(0, field.maxLength - kept);
  let piece = text;
  if (piece.length > room) {
    // Cut at a code point boundary: a lone high surrogate would corrupt the text.
    const code = piece.charCodeAt(room - 1);
    if (room > 0 && code >= 0xd800 && code <= 0xdbff) room -= 1;
    piece = piece.slice(0, room);
  }
  const value = field.value.slice(0, start) + piece + field.value.slice(end);
  return { ...field, value, start: start + piece.length, end: start + piece.length };
}

/** Deletes the selection, or the character before the caret (a whole surrogate pair, e.g. 𠀀). */
export function deleteBackward(field: FieldText): FieldText {
  const start = Math.min(field.start, field.end);
  const end = Math.max(field.start, field.end);
  if (start !== end)
    return { ...field, value: field.value.slice(0, start) + field.value.slice(end), end: start };
  if (start === 0) return field;
  const low = field.value.charCodeAt(start - 1);
  const high = start >= 2 ? field.value.charCodeAt(start - 2) : 0;
  const width = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
  const at = start - width;
  return { ...field, value: field.value.slice(0, at) + field.value.slice(end), start: at, end: at };
}

/** Inserts text only when the field would change (a full field refuses more, silently as browsers do). */
function typed(state: KeyboardState, field: FieldText, text: string): KeyResult {
  const next = insertText(field, text);
  return { state, field: next.value === field.value ? null : next };
}

/** Removes the letters a chosen candidate covered, back on the first page of the rest. */
function consume(state: KeyboardState, letters: number): KeyboardState {
  return { ...state, composition: state.composition.slice(Math.max(1, letters)), page: 0 };
}

/** Applies one key to the keyboard and the field. */
export function pressKey(
  state: KeyboardState,
  field: FieldText,
  action: KeyAction,
  offer: CandidateContext = NO_CANDIDATES,
): KeyResult {
  const composing = state.mode === 'pinyin' && state.composition.length > 0;
  switch (action.type) {
    case 'char': {
      const isLetter = /^[a-z]$/i.test(action.char);
      if (state.mode === 'pinyin' && isLetter) {
        if (state.composition.length >= MAX_COMPOSITION) return { state, field: null };
        return {
          state: { ...state, composition: state.composition + action.char.toLowerCase(), page: 0 },
          field: null,
        };
      }
      if (state.mode === 'digits' && !/^\d$/.test(action.char)) return { state, field: null };
      const char =
        state.mode === 'latin' && isLetter && state.shift ? action.char.toUpperCase() : action.char;
      return typed(state, field, char);
    }
    case 'candidate': {
      if (!composing) return { state, field: null };
      const next = typed(state, field, action.text);
      return { state: consume(state, offer.candidates.consumes), field: next.field };
    }
    case 'space': {
      if (!composing) return typed(state, field, ' ');
      // As on phone keyboards: space takes the first candidate, or the letters themselves when none fits.
      const first = offer.candidates.chars[0];
      if (first === undefined)
        return { state: { ...state, composition: '', page: 0 }, field: insertText(field, state.composition) };
      const next = typed(state, field, first);
      return { state: consume(state, offer.candidates.consumes), field: next.field };
    }
    case 'backspace': {
      if (composing)
        return { state: { ...state, composition: state.composition.slice(0, -1), page: 0 }, field: null };
      const next = deleteBackward(field);
      return { state, field: next.value === field.value ? null : next };
    }
    case 'clear': {
      const cleared: KeyboardState = { ...state, composition: '', page: 0 };
      return { state: cleared, field: field.value === '' ? null : { ...field, value: '', start: 0, end: 0 } };
    }
    case 'newline':
      return composing ? { state, field: null } : typed(state, field, '\n');
    case 'shift':
      return state.mode === 'latin'
        ? { state: { ...state, shift: !state.shift }, field: null }
        : { state, field: null };
    case 'switch': {
      if (state.mode === 'digits') return { state, field: null };
      const mode: KeyboardMode = state.mode === 'pinyin' ? 'latin' : 'pinyin';
      // Letters typed but not yet chosen are kept as letters rather than lost.
      const pending = composing ? insertText(field, state.composition) : null;
      return { state: { ...state, mode, composition: '', page: 0 }, field: pending };
    }
    case 'page': {
      const page = Math.min(Math.max(0, state.page + action.delta), Math.max(0, offer.pageCount - 1));
      return { state: { ...state, page }, field: null };
    }
  }
}
