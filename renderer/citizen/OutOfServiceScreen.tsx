import type { ReactNode } from 'react';
import type { ServiceStateView } from '../../main/api/views.js';
import { useReportFirstScreen } from '../api/startup.js';
import { MESSAGES, type Locale, type MessageKey } from '../i18n/messages.js';

const LOCALES: readonly Locale[] = ['zh-CN', 'zh-HK', 'en'];

/**
 * Shown instead of the attract screen while the kiosk cannot serve anyone (no trusted catalog yet, or it
 * expired). Every language at once: whoever walks up reads it without having to find a language switch. The
 * kiosk keeps polling for a catalog and returns to service by itself; the maintenance entry stays reachable.
 */
export function OutOfServiceScreen({
  service,
  onMaintenance,
  maintenanceLabel,
}: {
  readonly service: Extract<ServiceStateView, { state: 'out-of-service' }>;
  readonly onMaintenance: () => void;
  readonly maintenanceLabel: string;
}): ReactNode {
  const text = (locale: Locale, key: MessageKey): string => MESSAGES[locale][key];
  useReportFirstScreen('out-of-service');
  return (
    <section className="out-of-service" aria-labelledby="oos-title" role="status">
      <h1 id="oos-title">{text('zh-CN', 'oos.title')}</h1>
      {LOCALES.map((locale) => (
        <div key={locale} lang={locale} className="oos-block">
          {locale !== 'zh-CN' ? <h2>{text(locale, 'oos.title')}</h2> : null}
          <p>{text(locale, 'oos.body')}</p>
          <p className="oos-reason">
            {text(locale, `oos.reason.${service.reason}`)} {text(locale, 'oos.checking')}
          </p>
        </div>
      ))}
      <button type="button" className="tech-entry" onClick={onMaintenance}>
        {maintenanceLabel}
      </button>
    </section>
  );
}
