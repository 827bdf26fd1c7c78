import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';

/** "Back" one step of the visit: the same words and place on every screen, nothing lost by pressing it. */
export function BackButton({
  onBack,
  disabled = false,
}: {
  readonly onBack: () => void;
  readonly disabled?: boolean;
}): ReactNode {
  const { t } = useI18n();
  return (
    <button type="button" className="back-button" onClick={onBack} disabled={disabled}>
      <span aria-hidden="true">‹ </span>
      {t('nav.back')}
    </button>
  );
}
