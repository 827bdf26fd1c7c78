import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { speak, stopSpeaking } from '../i18n/speech.js';

/** How much longer elder mode waits, both before the warning and after it. */
export const ELDER_TIME_FACTOR = 2;

/**
 * A window event that counts as activity like a touch: the face check sends it while a face is in front of the
 * camera, since a citizen doing the check touches nothing.
 */
export const PRESENCE_EVENT = 'booth:presence';

/** The idle timings in force: elder mode multiplies both by {@link ELDER_TIME_FACTOR}. */
export function idleTimingsFor(
  base: { readonly idleMs: number; readonly graceMs: number },
  elder: boolean,
): { readonly idleMs: number; readonly graceMs: number } {
  const factor = elder ? ELDER_TIME_FACTOR : 1;
  return { idleMs: base.idleMs * factor, graceMs: base.graceMs * factor };
}

/**
 * Watches for inactivity during a visit. After `idleMs` without a touch or key it warns — on screen and aloud
 * where speech is available — and gives `graceMs` (at least 20 s, WCAG 2.2.1) to continue; then it ends the visit.
 * `calm` (elder mode) shows no ticking seconds: it says about how many minutes are left, once.
 */
export function IdleGuard({
  active,
  idleMs,
  graceMs,
  calm = false,
  onActivity,
  onTimeout,
}: {
  readonly active: boolean;
  readonly idleMs: number;
  readonly graceMs: number;
  readonly calm?: boolean;
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
    window.addEventListener(PRESENCE_EVENT, bump);
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
      window.removeEventListener(PRESENCE_EVENT, bump);
      clearInterval(timer);
      setWarningLeft(null);
    };
  }, [active, idleMs, graceMs]);

  const warning = warningLeft !== null;
  const minutes = Math.max(1, Math.round(graceMs / 60_000));
  const body = (seconds: number): string =>
    calm ? t('idle.bodyCalm', { minutes }) : t('idle.body', { seconds });
  const spokenBody = body(Math.round(graceMs / 1000));
  useEffect(() => {
    if (!warning) return;
    speak(`${t('idle.title')} ${spokenBody}`, locale);
    return () => stopSpeaking();
  }, [warning, t, locale, spokenBody]);

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
        <p id="idle-body">{body(warningLeft)}</p>
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
