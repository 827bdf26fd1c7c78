import type { ReactNode } from 'react';
import type { Catalog } from '../../main/api/views.js';
import { useReportFirstScreen } from '../api/startup.js';
import { useI18n } from '../i18n/i18n.js';
import { PaperNotice } from './PaperNotice.js';

/**
 * The idle screen: one obvious way in, a way to check an earlier visit's progress, whether receipts can be
 * printed today, and the anti-fraud notices from the catalog (never ads).
 */
export function AttractScreen({
  catalog,
  onStart,
  onCheckProgress,
}: {
  readonly catalog: Catalog;
  readonly onStart: () => void;
  /** Opens the progress look-up (a receipt's number, or its QR code held to the scanner). */
  readonly onCheckProgress: () => void;
}): ReactNode {
  const { t, l } = useI18n();
  useReportFirstScreen('attract');
  return (
    <section className="attract" aria-labelledby="attract-title">
      <h1 id="attract-title">{t('app.title')}</h1>
      <p className="subtitle">
        {[...catalog.categories]
          .sort((a, b) => a.order - b.order)
          .map((c) => l(c.name))
          .join(' · ')}
      </p>
      <PaperNotice />
      <button type="button" className="start-button" onClick={onStart}>
        {t('attract.start')}
      </button>
      <button type="button" className="progress-entry" onClick={onCheckProgress}>
        {t('progress.entry')}
      </button>
      {catalog.notices.length > 0 ? (
        <section className="notices" aria-labelledby="notices-title">
          <h2 id="notices-title">{t('attract.notices')}</h2>
          <ul>
            {catalog.notices.map((n) => (
              <li key={n.id} className={`notice notice-${n.severity}`}>
                <strong>{l(n.title)}</strong>
                <span>{l(n.body)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
