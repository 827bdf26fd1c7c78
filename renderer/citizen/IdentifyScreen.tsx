import type { ReactNode } from 'react';
import type { VisitView } from '../../main/api/views.js';
import { BackButton } from '../components/BackButton.js';
import { useI18n } from '../i18n/i18n.js';
import { formatCardDate } from './outcome-format.js';

/** Asks for the ID card; the core reads it through the reader and moves the visit on by itself. */
export function IdentifyScreen({
  visit,
  onCancel,
  onBack,
}: {
  readonly visit: VisitView;
  readonly onCancel: () => void;
  /** One step back (to choosing, or to the card): nothing read or chosen is lost. */
  readonly onBack: () => void;
}): ReactNode {
  const { t, locale } = useI18n();
  const accepted = visit.eligibleCardTypes;
  const problem = visit.cardProblem;
  return (
    <section className="identify" aria-labelledby="identify-title">
      <h1 id="identify-title">{t('identify.title')}</h1>
      <div className="card-slot" aria-hidden="true">
        <div className="card-shape" />
      </div>
      <p className="hint">{t('identify.hint')}</p>
      <p className="accepted">
        {t('identify.accepted')} {[...accepted].map((c) => t(`cardType.${c}`)).join('、')}
      </p>
      {problem ? (
        <p role="alert" className="problem">
          {/* An expired card is refused with its date: the citizen learns why, not just "no". */}
          {t(
            problem.messageKey,
            problem.validTo ? { date: formatCardDate(problem.validTo, locale) } : undefined,
          )}
        </p>
      ) : (
        <p role="status" className="waiting">
          {t('identify.waiting')}
        </p>
      )}
      <div className="actions">
        <BackButton onBack={onBack} />
        <button type="button" onClick={onCancel}>
          {t('nav.cancel')}
        </button>
      </div>
    </section>
  );
}
