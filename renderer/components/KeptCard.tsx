import type { ReactNode } from 'react';
import type { IdentityView } from '../../main/api/views.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * Back at the identify step after reading a card: says which card is still held (name and masked number only)
 * and lets the citizen go on with it; placing another card replaces it.
 */
export function KeptCard({
  identity,
  busy,
  onUse,
}: {
  readonly identity: IdentityView;
  readonly busy: boolean;
  readonly onUse: () => void;
}): ReactNode {
  const { t } = useI18n();
  return (
    <div className="kept-card notice-inline">
      <p>{t('identify.keptCard', { name: identity.name, number: identity.idNumberMasked })}</p>
      <button type="button" className="primary" disabled={busy} onClick={onUse}>
        {t('identify.useKept')}
      </button>
    </div>
  );
}
