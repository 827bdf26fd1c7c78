import { memo, useCallback, type CSSProperties, type ReactNode, type Ref } from 'react';
import { useI18n } from '../../i18n/i18n.js';
import type { KeyAction, KeyboardState } from './engine.js';
import type { KeyDef } from './layouts.js';

/** Props of the keyboard panel; the provider owns the state and the field. */
export interface OnScreenKeyboardProps {
  readonly state: KeyboardState;
  readonly rows: readonly (readonly KeyDef[])[];
  /** The pinyin being typed, as shown ("ni'hao"); empty when nothing is being composed. */
  readonly composition: string;
  /** The candidates on the current page. */
  readonly candidates: readonly string[];
  readonly pageCount: number;
  readonly elder: boolean;
  /** Stable across renders (the keys are memoised on it). */
  readonly onAction: (action: KeyAction) => void;
  /** Stable across renders. */
  readonly onHide: () => void;
  readonly panelRef: Ref<HTMLDivElement>;
}

// A key press must not take focus from the field (the caret stays where the person is typing); the click
// still fires, so touch, mouse and assistive technologies all press keys the same way.
const keepFocus = (e: { preventDefault(): void }): void => e.preventDefault();

/** One key; memoised, so a key press redraws the candidate bar and not every key. */
const Key = memo(function Key({
  def,
  label,
  onPress,
}: {
  readonly def: KeyDef;
  readonly label: string;
  readonly onPress: (def: KeyDef) => void;
}): ReactNode {
  return (
    <button
      type="button"
      className={def.name ? `osk-key osk-fn osk-${def.name.slice(4)}` : 'osk-key'}
      style={{ '--osk-width': def.width ?? 1 } as CSSProperties}
      aria-pressed={def.pressed}
      onMouseDown={keepFocus}
      onClick={() => onPress(def)}
    >
      {label}
    </button>
  );
});

/**
 * The on-screen keyboard: a candidate bar while pinyin is typed, then rows of keys. Every key is a real
 * button whose accessible name is its character, or for function keys a word in the kiosk's language.
 */
export function OnScreenKeyboard({
  state,
  rows,
  composition,
  candidates,
  pageCount,
  elder,
  onAction,
  onHide,
  panelRef,
}: OnScreenKeyboardProps): ReactNode {
  const { t, locale } = useI18n();
  const press = useCallback(
    (def: KeyDef): void => (def.action.type === 'hide' ? onHide() : onAction(def.action)),
    [onAction, onHide],
  );
  const className = ['osk', `osk-${state.mode}`, elder ? 'osk-elder' : ''].filter(Boolean).join(' ');
  return (
    <div
      ref={panelRef}
      className={className}
      role="group"
      aria-label={t('osk.label')}
      lang={locale}
      onMouseDown={keepFocus}
    >
      {state.mode === 'pinyin' ? (
        <div className="osk-candidates" role="group" aria-label={t('osk.candidates')}>
          <p className="osk-composition">
            <span className="visually-hidden">{t('osk.composition')}: </span>
            {composition}
          </p>
          <div className="osk-candidate-list">
            {candidates.map((c) => (
              <button
                key={c}
                type="button"
                className="osk-candidate"
                lang={locale === 'zh-HK' ? 'zh-HK' : 'zh-CN'}
                onMouseDown={keepFocus}
                onClick={() => onAction({ type: 'candidate', text: c })}
              >
                {c}
              </button>
            ))}
          </div>
          {pageCount > 1 ? (
            <>
              <button
                type="button"
                className="osk-page"
                aria-label={t('osk.prevPage')}
                disabled={state.page === 0}
                onMouseDown={keepFocus}
                onClick={() => onAction({ type: 'page', delta: -1 })}
              >
                <span aria-hidden="true">‹</span>
              </button>
              <button
                type="button"
                className="osk-page"
                aria-label={t('osk.nextPage')}
                disabled={state.page >= pageCount - 1}
                onMouseDown={keepFocus}
                onClick={() => onAction({ type: 'page', delta: 1 })}
              >
                <span aria-hidden="true">›</span>
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      <div className="osk-rows">
        {rows.map((row, i) => (
          <div key={i} className="osk-row">
            {row.map((key) => (
              <Key key={key.id} def={key} label={key.char ?? (key.name ? t(key.name) : '')} onPress={press} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
