/**
 * Keyboard shortcuts the kiosk swallows in `before-input-event`. Electron's `kiosk: true` is only
 * fullscreen on Linux/Windows, so what the app can block, it blocks; OS-level shortcuts (Alt-Tab,
 * Ctrl-Alt-Del) are for the deployer's OS lockdown.
 */

/** The fields of Electron's `Input` that the decision needs. */
export interface KeyInput {
  readonly type: string;
  readonly key: string;
  readonly code?: string;
  readonly control: boolean;
  readonly meta: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
}

const ZOOM_KEYS: ReadonlySet<string> = new Set(['+', '-', '=', '0', '_']);
const ZOOM_CODES: ReadonlySet<string> = new Set([
  'Equal',
  'Minus',
  'Digit0',
  'NumpadAdd',
  'NumpadSubtract',
  'Numpad0',
]);
const DEVTOOLS_LETTERS: ReadonlySet<string> = new Set(['i', 'j', 'c']);

/**
 * Whether to swallow this key event. Zoom is blocked always (it breaks the touch layout); devtools, reload,
 * print, "save page", view-source, close-window and find shortcuts are blocked in production.
 */
export function shouldBlockInput(input: KeyInput, production: boolean): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  const key = input.key.toLowerCase();
  const mod = input.control || input.meta;
  if (mod && (ZOOM_KEYS.has(key) || (input.code !== undefined && ZOOM_CODES.has(input.code)))) return true;
  if (!production) return false;
  if (key === 'f12' || key === 'f5' || key === 'f11' || key === 'f7') return true;
  if (mod && input.shift && DEVTOOLS_LETTERS.has(key)) return true;
  if (mod && ['r', 'p', 's', 'u', 'w', 'q', 'f', 'g', 'o', 'n', 't', 'h', 'j'].includes(key)) return true;
  if (input.alt && (key === 'f4' || key === 'arrowleft' || key === 'arrowright' || key === 'home'))
    return true;
  if (key === 'browserback' || key === 'browserforward' || key === 'browserrefresh') return true;
  return false;
}
