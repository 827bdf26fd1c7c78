import { useState, type ReactNode } from 'react';
import { useKiosk } from '../api/kiosk.js';
import { keyboardField } from '../components/keyboard/field.js';
import { useI18n } from '../i18n/i18n.js';
import { signInOutcome, type SignInProblem } from './session.js';

/**
 * The technician's PIN, typed on the on-screen digit pad (the field is a `pin` keyboard field): a refused PIN
 * says why, with the attempts left or when a lockout ends. The PIN is cleared after every try.
 */
export function TechnicianSignIn({
  onSignedIn,
  onClose,
}: {
  readonly onSignedIn: () => void;
  readonly onClose: () => void;
}): ReactNode {
  const { api } = useKiosk();
  const { t, locale } = useI18n();
  const [pin, setPin] = useState('');
  const [problem, setProblem] = useState<SignInProblem | null>(null);
  return (
    <section className="technician" aria-labelledby="tech-title">
      <h1 id="tech-title">{t('tech.title')}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void api?.['technician.login']({ pin }).then((r) => {
            setPin('');
            const outcome = signInOutcome(r);
            if (outcome.signedIn) {
              setProblem(null);
              onSignedIn();
            } else setProblem(outcome.problem);
          });
        }}
      >
        <div className="field">
          <label htmlFor="tech-pin">{t('tech.pin')}</label>
          <input
            id="tech-pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            {...keyboardField('pin')}
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
        </div>
        {problem ? (
          <p role="alert" className="problem">
            {t(problem.messageKey)}{' '}
            {problem.lockedUntil !== null ? (
              <span className="lockout">
                {t('tech.lockedUntil', {
                  time: new Date(problem.lockedUntil).toLocaleTimeString(locale, {
                    hour: '2-digit',
                    minute: '2-digit',
                    hourCycle: 'h23',
                  }),
                })}
              </span>
            ) : problem.attemptsLeft > 0 ? (
              <span className="attempts-left">{t('tech.attemptsLeft', { count: problem.attemptsLeft })}</span>
            ) : null}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('nav.back')}
          </button>
          <button type="submit" className="primary" disabled={pin.length === 0}>
            {t('tech.signIn')}
          </button>
        </div>
      </form>
    </section>
  );
}
