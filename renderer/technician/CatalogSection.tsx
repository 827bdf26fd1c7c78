import { useState, type ReactNode } from 'react';
import type { TechnicianOverview } from '../../main/api/views.js';
import { useKiosk } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';
import { rejectionText } from './session.js';

/**
 * The catalog in use: applied and staged versions, expiry, the rollback floor, trusted and refused keys, the
 * reason a catalog was last refused, and a button that checks for a new catalog now.
 */
export function CatalogSection({
  catalog,
  onChecked,
}: {
  readonly catalog: TechnicianOverview['catalog'];
  /** After a check: the overview is read again. */
  readonly onChecked: () => void;
}): ReactNode {
  const { api } = useKiosk();
  const { t, locale } = useI18n();
  const [checkResult, setCheckResult] = useState<string | null>(null);
  return (
    <>
      <h2>{t('tech.catalog')}</h2>
      <dl className="tech-dl">
        <dt>{t('tech.catalogApplied')}</dt>
        <dd>
          {catalog.appliedVersion ?? t('tech.catalog.none')}
          {catalog.appliedSource === 'default' ? ` (${t('tech.catalogDefault')})` : ''}
        </dd>
        <dt>{t('tech.catalog.expires')}</dt>
        <dd>
          {catalog.expiresAt ? new Date(catalog.expiresAt).toLocaleString(locale) : '—'}
          {catalog.expired ? ` · ${t('tech.catalog.expired')}` : ''}
        </dd>
        <dt>{t('tech.catalog.floor')}</dt>
        <dd>{catalog.floorVersion ?? '—'}</dd>
        <dt>{t('tech.catalog.keys')}</dt>
        <dd>{catalog.trustedKeyIds.join(', ') || '—'}</dd>
        {catalog.refusedKeyFiles.length > 0 ? (
          <>
            <dt>{t('tech.catalog.refusedKeys')}</dt>
            <dd className="rejection">
              {catalog.refusedKeyFiles.map((r) => `${r.file}: ${r.reason}`).join('; ')}
            </dd>
          </>
        ) : null}
        <dt>{t('tech.catalogStaged')}</dt>
        <dd>{catalog.stagedVersion ?? '—'}</dd>
        <dt>{t('tech.catalogRejected')}</dt>
        <dd className="rejection">{rejectionText(catalog.lastRejection)}</dd>
      </dl>
      <button
        type="button"
        onClick={() =>
          void api?.['technician.checkCatalog']().then((r) => {
            setCheckResult(r.ok ? r.value : r.error.code);
            onChecked();
          })
        }
      >
        {t('tech.checkCatalog')}
      </button>
      {checkResult ? <p role="status">{checkResult}</p> : null}
    </>
  );
}
