import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';

/**
 * Watches for inactivity during a visit. After `idleMs` without a touch or key it warns — on screen and aloud
 * where speech is available — and gives `graceMs` (at least 20 s, WCAG 2.2.1) to continue; then it ends the visit.
 */
export function IdleGuard({
  active,
  idleMs,
  graceMs,
  onActivity,
  onTimeout,
}: {
  readonly active: boolean;
  readonly idleMs: number;
  readonly graceMs: number;
  readonly onActivity: () => void;
  readonly onTimeout: () => void;
}): ReactNode {
  const { t, locale } = useI18n();
  const [warningLeft, setWarningLeft] = useState<number | null>(null);
  const lastActivity = useRef(0);
  const timeoutRef = useRef(onTimeout);
  const activityRef = useRef(onActivity);
  useEffect(() => {
    timeoutRef.current = onTimeout;
    activityRef.current = onActivity;
  });

  useEffect(() => {
    if (!active) return;
    lastActivity.current = Date.now();
    const bump = (): void => {
      lastActivity.current = Date.now();
      activityRef.current();
    };
    window.addEventListener('pointerdown', bump);
    window.addEventListener('keydown', bump);
    const timer = setInterval(() => {
      const idle = Date.now() - lastActivity.current;
      if (idle < idleMs) setWarningLeft(null);
      else if (idle < idleMs + graceMs) setWarningLeft(Math.ceil((idleMs + graceMs - idle) / 1000));
      else {
        setWarningLeft(null);
        timeoutRef.current();
      }
    }, 250);
    return () => {
      window.removeEventListener('pointerdown', bump);
      window.removeEventListener('keydown', bump);
      clearInterval(timer);
      setWarningLeft(null);
    };
  }, [active, idleMs, graceMs]);

  const warning = warningLeft !== null;
  useEffect(() => {
    if (!warning || typeof speechSynthesis === 'undefined') return;
    const u = new SpeechSynthesisUtterance(
      `${t('idle.title')} ${t('idle.body', { seconds: Math.round(graceMs / 1000) })}`,
    );
    u.lang = locale;
    speechSynthesis.speak(u);
    return () => speechSynthesis.cancel();
  }, [warning, t, locale, graceMs]);

  if (!active || warningLeft === null) return null;
  return (
    <div className="dialog-backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-body"
        className="dialog"
      >
        <h2 id="idle-title">{t('idle.title')}</h2>
        <p id="idle-body">{t('idle.body', { seconds: warningLeft })}</p>
        <button
          type="button"
          className="primary"
          autoFocus
          onClick={() => {
            lastActivity.current = Date.now();
            setWarningLeft(null);
            activityRef.current();
          }}
        >
          {t('idle.extend')}
        </button>
      </div>
    </div>
  );
}
