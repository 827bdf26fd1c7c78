import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { LOCALE_NAMES, type Locale } from '../i18n/messages.js';
import { canSpeak, screenText, speak, stopSpeaking } from '../i18n/speech.js';

/** The text of every alert now on screen, in order (what elder mode reads out when it changes). */
function alertText(root: Element): string {
  return [...root.querySelectorAll('[role="alert"]')]
    .map((el) => screenText(el))
    .filter((text) => text !== '')
    .join('\n');
}

/**
 * The frame of every screen: title, language switch, elder mode, and the help control that never moves. In elder
 * mode it reads each screen aloud (all of its text, not only the heading), reads errors as they appear, and
 * offers "read again" and "stop reading".
 */
export function Layout({
  children,
  elder,
  onElderChange,
  demonstration,
  withSimulation = false,
  screenKey,
  wipeKey = 0,
}: {
  readonly children: ReactNode;
  readonly elder: boolean;
  readonly onElderChange: (on: boolean) => void;
  readonly demonstration: boolean;
  /** Leaves room for the simulation panel so it never covers a citizen's control. */
  readonly withSimulation?: boolean;
  /** Changes whenever another screen is shown; in elder mode the screen is then read aloud. */
  readonly screenKey: string;
  /** Changes whenever the visit is wiped: the help dialog closes and reading stops, nothing greets the next citizen. */
  readonly wipeKey?: number;
}): ReactNode {
  const { t, locale, setLocale } = useI18n();
  // The wipe at which help was opened: a dialog opened during one visit is gone once that visit is wiped.
  const [helpOpenedAt, setHelpOpenedAt] = useState<number | null>(null);
  const helpOpen = helpOpenedAt === wipeKey;
  const mainRef = useRef<HTMLElement>(null);
  const appRef = useRef<HTMLDivElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const lastSpoken = useRef('');
  const lastAlerts = useRef('');

  const say = useCallback(
    (text: string): void => {
      if (text === '') return;
      lastSpoken.current = text;
      speak(text, locale);
    },
    [locale],
  );

  useEffect(() => {
    lastSpoken.current = '';
    stopSpeaking();
  }, [wipeKey]);

  // Elder mode: each screen is read in full once it is shown (and again in a newly chosen language).
  useEffect(() => {
    if (!elder || !mainRef.current) return;
    // Alerts already on the new screen are part of its text: not read a second time by the observer below.
    lastAlerts.current = alertText(mainRef.current);
    say(screenText(mainRef.current));
  }, [elder, screenKey, locale, say]);

  // Elder mode: errors and other alerts are read as soon as they appear or change, interrupting the reading.
  useEffect(() => {
    const root = appRef.current;
    if (!elder || !root || typeof MutationObserver === 'undefined') return;
    const observer = new MutationObserver(() => {
      const text = alertText(root);
      if (text !== lastAlerts.current) {
        lastAlerts.current = text;
        say(text);
      }
    });
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [elder, say]);

  useEffect(() => {
    if (elder && helpOpen && dialogRef.current) say(screenText(dialogRef.current));
  }, [elder, helpOpen, say]);

  useEffect(() => {
    if (!elder) stopSpeaking();
  }, [elder]);

  return (
    <div
      ref={appRef}
      className={['app', elder ? 'elder' : '', withSimulation ? 'with-sim' : ''].join(' ').trim()}
      lang={locale}
    >
      <header className="topbar">
        <div className="brand">
          <span className="emblem" aria-hidden="true">
            ★
          </span>
          <span>{t('app.title')}</span>
          {demonstration ? <span className="demo-badge">{t('app.demo')}</span> : null}
        </div>
        <div className="top-controls">
          <div role="group" aria-label={t('lang.label')} className="lang-switch">
            {(Object.keys(LOCALE_NAMES) as Locale[]).map((l) => (
              <button key={l} type="button" aria-pressed={l === locale} onClick={() => setLocale(l)} lang={l}>
                {LOCALE_NAMES[l]}
              </button>
            ))}
          </div>
          <button
            type="button"
            role="switch"
            aria-checked={elder}
            className="elder-switch"
            onClick={() => onElderChange(!elder)}
          >
            {t('elder.label')}
          </button>
        </div>
      </header>
      <main className="screen" ref={mainRef}>
        {children}
      </main>
      <footer className="bottombar">
        {elder && canSpeak() ? (
          <div role="group" aria-label={t('speech.controls')} className="speech-controls">
            <button
              type="button"
              onClick={() => say(lastSpoken.current || screenText(mainRef.current ?? document.body))}
            >
              {t('speech.repeat')}
            </button>
            <button type="button" onClick={stopSpeaking}>
              {t('speech.stop')}
            </button>
          </div>
        ) : null}
        <button type="button" className="help-button" onClick={() => setHelpOpenedAt(wipeKey)}>
          {t('help.button')}
        </button>
      </footer>
      {helpOpen ? (
        <div className="dialog-backdrop">
          <div
            ref={dialogRef}
            role="dialog"
            aria-modal="true"
            aria-labelledby="help-title"
            className="dialog"
          >
            <h2 id="help-title">{t('help.title')}</h2>
            <p>{t('help.body')}</p>
            <button type="button" className="primary" onClick={() => setHelpOpenedAt(null)} autoFocus>
              {t('help.close')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
