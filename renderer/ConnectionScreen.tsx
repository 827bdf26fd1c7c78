import type { ReactNode } from 'react';
import type { KioskConnection } from './api/kiosk.js';
import { useI18n } from './i18n/i18n.js';
import type { MessageKey } from './i18n/messages.js';

/** What the page says while it has no usable connection to the core. */
export function connectionMessageKey(state: KioskConnection['state']): MessageKey {
  switch (state) {
    // Another window took the kiosk over: final, this page stays disconnected.
    case 'replaced':
      return 'conn.replaced';
    case 'failed':
      return 'conn.failed';
    default:
      return 'conn.connecting';
  }
}

/**
 * Shown instead of any screen while the core is not reachable (starting, restarting, the connection dropped):
 * nothing of a visit stays on the glass meanwhile; the visit the core holds comes back on reconnection.
 */
export function ConnectionScreen({ state }: { readonly state: KioskConnection['state'] }): ReactNode {
  const { t } = useI18n();
  return (
    <div className="app connecting">
      <p role="status">{t(connectionMessageKey(state))}</p>
    </div>
  );
}
