import type { ReactNode } from 'react';
import type { TechnicianOverview } from '../../main/api/views.js';
import { useI18n } from '../i18n/i18n.js';
import { auditText } from './format.js';

/** The upload queue (or that no central system is configured) and recent audit events in words and local time. */
export function SyncAuditSection({
  sync,
  audit,
}: {
  readonly sync: TechnicianOverview['sync'];
  readonly audit: TechnicianOverview['audit'];
}): ReactNode {
  const { t, locale } = useI18n();
  return (
    <>
      <h2>{t('tech.sync')}</h2>
      {sync ? (
        <dl className="tech-dl">
          <dt>{t('tech.syncPending')}</dt>
          <dd>{sync.pending}</dd>
          <dt>{t('tech.syncAcknowledged')}</dt>
          <dd>{sync.acknowledged}</dd>
          <dt>{t('tech.syncConflicts')}</dt>
          <dd className={sync.conflicts > 0 ? 'rejection' : undefined}>{sync.conflicts}</dd>
          <dt>{t('tech.syncLastError')}</dt>
          <dd>{sync.lastError ?? '—'}</dd>
        </dl>
      ) : (
        <p>{t('tech.noCentral')}</p>
      )}
      <h2>{t('tech.audit')}</h2>
      <ul className="tech-audit">
        {audit.map((a, i) => {
          const line = auditText(a, locale);
          return (
            <li key={`${a.at}-${i}`}>
              <time dateTime={a.at}>{line.time}</time> · {line.text}
            </li>
          );
        })}
      </ul>
    </>
  );
}
