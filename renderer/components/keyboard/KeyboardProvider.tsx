import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../../i18n/i18n.js';
import { firstScreenShown } from '../../api/startup.js';
import { loadPinyinDictionary, loadTraditionalCandidates } from './dictionaries.js';
import {
  initialState,
  pressKey,
  type CandidateContext,
  type KeyAction,
  type KeyboardState,
} from './engine.js';
import { fieldKind, isKeyboardField, modeFor, readField, writeField, type KeyboardField } from './field.js';
import { layoutRows } from './layouts.js';
import { OnScreenKeyboard } from './OnScreenKeyboard.js';

/** What any component may ask of the on-screen keyboard. */
export interface OnScreenKeyboardControl {
  /** The field being typed into, or null while the keyboard is hidden. */
  readonly field: KeyboardField | null;
  /** Hides the keyboard (the field loses focus). */
  close(): void;
}

const KeyboardContext = createContext<OnScreenKeyboardControl | null>(null);

/** Candidates per page: fewer and larger in elder mode. */
const PAGE_SIZE = { normal: 9, elder: 6 } as const;

const INPUT_TYPES: Partial<Record<KeyAction['type'], string>> = {
  backspace: 'deleteContentBackward',
  clear: 'deleteContent',
  newline: 'insertLineBreak',
  candidate: 'insertCompositionText',
};

/** A dictionary once `load` has given it, asked for only while `wanted`; null until then (or if it fails). */
function useLoaded<T>(load: () => Promise<T>, wanted: boolean): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    if (!wanted || value !== null) return;
    let live = true;
    // A layout that fails to load leaves the keyboard without it; the next wish retries.
    load().then(
      (v) => live && setValue(v),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [load, wanted, value]);
  return value;
}

/**
 * Shows the on-screen keyboard whenever a field that asked for it (see `keyboardField`) takes focus, and hides
 * it when focus goes elsewhere or the field leaves the page (e.g. the visit is wiped). The page gets room
 * below its content and the field is scrolled above the keyboard. Physical keyboards and the wedge scanner
 * are not involved: the field keeps focus and receives their keys as before.
 */
export function KeyboardProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const { locale } = useI18n();
  const [field, setField] = useState<KeyboardField | null>(null);
  const [state, setState] = useState<KeyboardState>(() => initialState('latin'));
  const panelRef = useRef<HTMLDivElement>(null);
  const localeRef = useRef(locale);
  const fieldRef = useRef<KeyboardField | null>(null);
  useEffect(() => {
    localeRef.current = locale;
  }, [locale]);

  // The pinyin table loads once the first screen is drawn (or when a field asks for the keyboard sooner), in its
  // own chunk; the Traditional one only when 繁體 is chosen.
  const [started, setStarted] = useState(false);
  useEffect(() => {
    let live = true;
    void firstScreenShown().then(() => live && setStarted(true));
    return () => {
      live = false;
    };
  }, []);
  const pinyin = useLoaded(loadPinyinDictionary, started || field !== null);
  const traditional = useLoaded(loadTraditionalCandidates, locale === 'zh-HK');

  const open = useCallback((target: KeyboardField) => {
    fieldRef.current = target;
    const { mode, shift } = modeFor(target.inputMode, fieldKind(target), localeRef.current !== 'en');
    setField(target);
    setState(initialState(mode, shift));
  }, []);
  const hide = useCallback(() => {
    // Letters not yet turned into characters go with the keyboard: nothing typed lingers for the next person.
    fieldRef.current = null;
    setField(null);
    setState((s) => ({ ...s, composition: '', page: 0 }));
  }, []);

  // The keyboard follows focus, but only once the tap (or click) that moved focus is over: showing it, or
  // taking away the room it made, between the press and the click would move the page under the finger, and
  // the click would land on whatever is there now (a key, or nothing). Hence: after the pointers are up, and
  // after the click that follows them in the same task.
  useEffect(() => {
    const pointers = new Set<number>();
    let waiting = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sync = (): void => {
      const active = document.activeElement;
      if (isKeyboardField(active)) {
        if (active !== fieldRef.current) open(active);
      } else if (!(active instanceof Node && panelRef.current?.contains(active))) {
        // Focus left for something else (a key focused by a keyboard user keeps the keyboard).
        if (fieldRef.current) hide();
      }
    };
    const schedule = (): void => {
      if (pointers.size > 0) {
        waiting = true;
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(sync, 0);
    };
    const onPointerDown = (e: PointerEvent): void => {
      pointers.add(e.pointerId);
    };
    const onPointerUp = (e: PointerEvent): void => {
      pointers.delete(e.pointerId);
      if (waiting && pointers.size === 0) {
        waiting = false;
        schedule();
      }
    };
    window.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('pointerup', onPointerUp, true);
    window.addEventListener('pointercancel', onPointerUp, true);
    document.addEventListener('focusin', schedule);
    document.addEventListener('focusout', schedule);
    schedule();
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('pointerup', onPointerUp, true);
      window.removeEventListener('pointercancel', onPointerUp, true);
      document.removeEventListener('focusin', schedule);
      document.removeEventListener('focusout', schedule);
    };
  }, [open, hide]);

  // A field removed from the page (screen changed, visit wiped) takes the keyboard with it.
  useEffect(() => {
    if (!field) return;
    const observer = new MutationObserver(() => {
      if (!field.isConnected) hide();
    });
    observer.observe(document.body, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [field, hide]);

  // Room below the page for the keyboard, and the field scrolled above it (scroll-padding in styles.css).
  useLayoutEffect(() => {
    const root = document.documentElement;
    const panel = panelRef.current;
    if (!field || !panel) {
      root.classList.remove('osk-open');
      root.style.removeProperty('--osk-height');
      return;
    }
    const fit = (): void => {
      root.style.setProperty('--osk-height', `${Math.ceil(panel.getBoundingClientRect().height)}px`);
      root.classList.add('osk-open');
      field.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(panel);
    return () => observer.disconnect();
  }, [field]);

  // Elder mode is the page's (Layout's class): the keyboard follows it with larger keys, fewer candidates.
  const elder = field ? field.closest('.elder') !== null : false;
  const pageSize = elder ? PAGE_SIZE.elder : PAGE_SIZE.normal;
  const offer = useMemo<CandidateContext>(() => {
    if (state.mode !== 'pinyin' || state.composition === '' || !pinyin) {
      return { candidates: { chars: [], consumes: 0 }, pageCount: 0 };
    }
    const simplified = pinyin.candidates(state.composition);
    // In 繁體 only Traditional candidates are offered; none until their table has loaded (a moment).
    const chars =
      locale === 'zh-HK' ? (traditional ? traditional.convert(simplified.chars) : []) : simplified.chars;
    return { candidates: { ...simplified, chars }, pageCount: Math.ceil(chars.length / pageSize) };
  }, [state.mode, state.composition, pinyin, traditional, locale, pageSize]);

  // The keys hold on to one handler for good (they are memoised); it reads the latest state through a ref.
  const latest = useRef({ state, offer });
  useLayoutEffect(() => {
    latest.current = { state, offer };
  });
  const onAction = useCallback((action: KeyAction): void => {
    const target = fieldRef.current;
    if (!target) return;
    const result = pressKey(latest.current.state, readField(target), action, latest.current.offer);
    latest.current = { ...latest.current, state: result.state };
    setState(result.state);
    if (result.field) writeField(target, result.field, INPUT_TYPES[action.type] ?? 'insertText');
  }, []);
  const close = useCallback(() => fieldRef.current?.blur(), []);
  const control = useMemo<OnScreenKeyboardControl>(() => ({ field, close }), [field, close]);
  const multiline = field instanceof HTMLTextAreaElement;
  const rows = useMemo(
    () => layoutRows({ mode: state.mode, shift: state.shift }, { multiline }),
    [state.mode, state.shift, multiline],
  );
  const page = offer.candidates.chars.slice(state.page * pageSize, (state.page + 1) * pageSize);
  return (
    <KeyboardContext.Provider value={control}>
      {children}
      {field
        ? createPortal(
            <OnScreenKeyboard
              state={state}
              rows={rows}
              composition={
                pinyin && state.composition ? pinyin.display(state.composition) : state.composition
              }
              candidates={page}
              pageCount={offer.pageCount}
              elder={elder}
              onAction={onAction}
              onHide={close}
              panelRef={panelRef}
            />,
            document.body,
          )
        : null}
    </KeyboardContext.Provider>
  );
}

/** The on-screen keyboard's control, for components that need to know whether it is open or to hide it. */
export function useOnScreenKeyboard(): OnScreenKeyboardControl {
  const value = useContext(KeyboardContext);
  if (!value) throw new Error('useOnScreenKeyboard outside KeyboardProvider');
  return value;
}
