import { useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { LOCALE_NAMES, type Locale } from '../i18n/messages.js';

/** The frame of every screen: title, language switch, elder mode, and the help control that never moves. */
export function Layout({
  children,
  elder,
  onElderChange,
  demonstration,
  withSimulation = false,
  screenKey,
}: {
  readonly children: ReactNode;
  readonly elder: boolean;
  readonly onElderChange: (on: boolean) => void;
  readonly demonstration: boolean;
  /** Leaves room for the simulation panel so it never covers a citizen's control. */
  readonly withSimulation?: boolean;
  /** Changes whenever another screen is shown; in elder mode its heading is then read aloud. */
  readonly screenKey: string;
}): ReactNode {
  const { t, locale, setLocale } = useI18n();
  const [helpOpen, setHelpOpen] = useState(false);
  // Elder mode: voice guidance reads each screen's heading (where the platform can speak).
  useEffect(() => {
    if (!elder || typeof speechSynthesis === 'undefined') return;
    const heading = document.querySelector('main h1')?.textContent;
    if (!heading) return;
    const utterance = new SpeechSynthesisUtterance(heading);
    utterance.lang = locale;
    speechSynthesis.cancel();
    speechSynthesis.speak(utterance);
  }, [elder, screenKey, locale]);
  return (
    <div
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
      <main className="screen">{children}</main>
      <button type="button" className="help-button" onClick={() => setHelpOpen(true)}>
        {t('help.button')}
      </button>
      {helpOpen ? (
        <div className="dialog-backdrop">
          <div role="dialog" aria-modal="true" aria-labelledby="help-title" className="dialog">
            <h2 id="help-title">{t('help.title')}</h2>
            <p>{t('help.body')}</p>
            <button type="button" className="primary" onClick={() => setHelpOpen(false)} autoFocus>
              {t('help.close')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
