import { useState, type ReactNode } from 'react';
import { useKiosk } from '../api/kiosk.js';
import { keyboardField } from '../components/keyboard/field.js';
import { useI18n } from '../i18n/i18n.js';
import { Outcome } from './Outcome.js';

const FIELDS = ['current', 'next', 'repeat'] as const;
type Field = (typeof FIELDS)[number];

/**
 * Changes the technician PIN on screen, typed on the digit pad: the current PIN again, the new one twice. A wrong
 * current PIN signs the technician out (`onSignedOut`), so guesses go through sign-in and its lockout.
 */
export function PinPanel({ onSignedOut }: { readonly onSignedOut: () => void }): ReactNode {
  const { api } = useKiosk();
  const { t } = useI18n();
  const [values, setValues] = useState<Record<Field, string>>({ current: '', next: '', repeat: '' });
  const [outcome, setOutcome] = useState<string | null>(null);
  const label: Record<Field, string> = {
    current: t('tech.pinChange.current'),
    next: t('tech.pinChange.next'),
    repeat: t('tech.pinChange.repeat'),
  };
  return (
    <section className="tech-panel" aria-labelledby="tech-pin-change">
      <h2 id="tech-pin-change">{t('tech.pinChange')}</h2>
      <form
        className="tech-pin-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (values.next !== values.repeat) {
            setOutcome(t('tech.pinChange.mismatch'));
            return;
          }
          void api?.['technician.changePin']({ current: values.current, next: values.next }).then((r) => {
            setValues({ current: '', next: '', repeat: '' });
            if (!r.ok) return onSignedOut();
            if (r.value.changed) return setOutcome(t('tech.pinChange.done'));
            if (r.value.reason === 'wrong-pin') return onSignedOut();
            setOutcome(t(`tech.pinChange.${r.value.reason ?? 'unacceptable-pin'}`));
          });
        }}
      >
        {FIELDS.map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`tech-pin-${field}`}>{label[field]}</label>
            <input
              id={`tech-pin-${field}`}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              {...keyboardField('pin')}
              value={values[field]}
              onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
            />
          </div>
        ))}
        <button type="submit" disabled={FIELDS.some((f) => values[f] === '')}>
          {t('tech.pinChange.submit')}
        </button>
      </form>
      <Outcome text={outcome} />
    </section>
  );
}
