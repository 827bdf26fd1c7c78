/**
 * The keys of each keyboard mode, as data: fixed layouts (the digit pad is never shuffled), one accessible name
 * per key — a character key is named by its character, a function key by a message in the kiosk's language.
 */
import type { KeyAction, KeyboardMode, KeyboardState } from './engine.js';

/** Message keys naming the function keys (renderer/i18n/messages.ts). */
export type FunctionKeyName =
  | 'osk.backspace'
  | 'osk.space'
  | 'osk.clear'
  | 'osk.newline'
  | 'osk.shift'
  | 'osk.toLatin'
  | 'osk.toPinyin'
  | 'osk.hide';

/** One key: what it does, and either its character or the message that names it. */
export interface KeyDef {
  readonly id: string;
  readonly action: KeyAction | { readonly type: 'hide' };
  /** The character shown and spoken, for character keys. */
  readonly char?: string;
  /** The message naming a function key. */
  readonly name?: FunctionKeyName;
  /** Relative width (1 = a letter key). */
  readonly width?: number;
  /** A toggle's state (Shift). */
  readonly pressed?: boolean;
}

/** What the field asks of the layout. */
export interface LayoutOptions {
  /** A textarea gets a new-line key. */
  readonly multiline: boolean;
}

const charKey = (char: string): KeyDef => ({ id: `c-${char}`, action: { type: 'char', char }, char });
const fnKey = (name: FunctionKeyName, action: KeyDef['action'], width = 1, pressed?: boolean): KeyDef => ({
  id: name,
  action,
  name,
  width,
  ...(pressed === undefined ? {} : { pressed }),
});

const BACKSPACE = fnKey('osk.backspace', { type: 'backspace' }, 1.5);
const CLEAR = fnKey('osk.clear', { type: 'clear' }, 1.5);
const HIDE = fnKey('osk.hide', { type: 'hide' }, 2);

/** The digit pad: 1–9 in rows from the top, as on a phone; clear, 0 and backspace below. */
const DIGIT_ROWS: readonly (readonly KeyDef[])[] = [
  ['1', '2', '3'].map(charKey),
  ['4', '5', '6'].map(charKey),
  ['7', '8', '9'].map(charKey),
  // Same width as the digits: a regular grid is easier to hit without looking.
  [{ ...CLEAR, width: 1 }, charKey('0'), { ...BACKSPACE, width: 1 }],
  [HIDE],
];

const LETTER_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'] as const;

/** The rows of keys for a keyboard state. */
export function layoutRows(
  state: Pick<KeyboardState, 'mode' | 'shift'>,
  options: LayoutOptions,
): readonly (readonly KeyDef[])[] {
  if (state.mode === 'digits') return DIGIT_ROWS;
  return letterRows(state.mode, state.shift, options);
}

function letterRows(
  mode: Exclude<KeyboardMode, 'digits'>,
  shift: boolean,
  options: LayoutOptions,
): readonly (readonly KeyDef[])[] {
  const letter = (c: string): KeyDef => charKey(mode === 'latin' && shift ? c.toUpperCase() : c);
  const punctuation = mode === 'pinyin' ? ['，', '。', '、'] : [',', '.', '-'];
  const [top = '', middle = '', bottom = ''] = LETTER_ROWS;
  return [
    [...'1234567890'].map(charKey),
    [...top].map(letter),
    [...[...middle].map(letter), BACKSPACE],
    [
      ...(mode === 'latin' ? [fnKey('osk.shift', { type: 'shift' }, 1.5, shift)] : []),
      ...[...bottom].map(letter),
      ...punctuation.map(charKey),
    ],
    [
      mode === 'pinyin'
        ? fnKey('osk.toLatin', { type: 'switch' }, 1.5)
        : fnKey('osk.toPinyin', { type: 'switch' }, 1.5),
      fnKey('osk.space', { type: 'space' }, 4),
      ...(options.multiline ? [fnKey('osk.newline', { type: 'newline' }, 1.5)] : []),
      CLEAR,
      HIDE,
    ],
  ];
}
