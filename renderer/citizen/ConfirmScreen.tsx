import type { ReactNode } from 'react';
import type { Catalog, VisitView } from '../../main/api/views.js';
import { BackButton } from '../components/BackButton.js';
import { useI18n } from '../i18n/i18n.js';
import { formatCardDate } from './outcome-format.js';

/** Shows who the card says the citizen is (name and a masked number only) and the chosen services. */
export function ConfirmScreen({
  visit,
  catalog,
  busy,
  onContinue,
  onCancel,
  onBack,
}: {
  readonly visit: VisitView;
  readonly catalog: Catalog;
  readonly busy: boolean;
  readonly onContinue: () => void;
  readonly onCancel: () => void;
  /** One step back (to choosing, or to the card): nothing read or chosen is lost. */
  readonly onBack: () => void;
}): ReactNode {
  const { t, l, locale } = useI18n();
  const identity = visit.identity;
  return (
    <section className="confirm" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{t('confirm.title')}</h1>
      {identity ? (
        <div className="identity-card">
          {identity.photo ? (
            <img
              className="card-photo"
              src={identity.photo}
              alt={t('confirm.photo')}
              width={102}
              height={126}
            />
          ) : null}
          <dl className="identity">
            <dt>{t('confirm.name')}</dt>
            <dd>{identity.name}</dd>
            {identity.englishName && identity.englishName !== identity.name ? (
              <>
                <dt>{t('confirm.englishName')}</dt>
                <dd lang="en" className="english-name">
                  {identity.englishName}
                </dd>
              </>
            ) : null}
            <dt>{t('confirm.idNumber')}</dt>
            <dd className="id-number">{identity.idNumberMasked}</dd>
            <dt>{t('confirm.cardType')}</dt>
            <dd>{t(`cardType.${identity.cardType}`)}</dd>
          </dl>
        </div>
      ) : null}
      {identity ? (
        <p role="status" className="take-card">
          {t('confirm.takeCard')}
        </p>
      ) : null}
      {identity?.expiredOn ? (
        <p className="notice-inline expired-notice">
          {t('confirm.expiredNotice', { date: formatCardDate(identity.expiredOn, locale) })}
        </p>
      ) : null}
      {visit.faceCheck === 'officer-review' ? (
        <p className="notice-inline">{t('confirm.faceReview')}</p>
      ) : null}
      <h2>{t('confirm.services')}</h2>
      <ul className="chosen-services">
        {visit.serviceIds.map((id) => {
          const s = catalog.services.find((x) => x.id === id);
          return <li key={id}>{s ? l(s.name) : id}</li>;
        })}
      </ul>
      <div className="actions">
        <BackButton onBack={onBack} />
        <button type="button" onClick={onCancel}>
          {t('nav.cancel')}
        </button>
        <button type="button" className="primary" disabled={busy} onClick={onContinue}>
          {t('nav.continue')}
        </button>
      </div>
    </section>
  );
}
