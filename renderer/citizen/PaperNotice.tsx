import { useState, type ReactNode } from 'react';
import type { DeviceStatusView } from '../../main/api/views.js';
import { useKioskEvent, useKioskQuery } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';

/** What the receipt printer means for the next citizen, before they start. */
export type PaperState = 'ok' | 'low' | 'out' | 'unavailable';

/** The printer's state from a device status: out of paper, not usable at all, low on paper, or fine. */
export function paperStateOf(printer: DeviceStatusView | undefined): PaperState {
  if (!printer) return 'ok';
  const { status } = printer;
  if (status.state === 'error' && status.code === 'paper-end') return 'out';
  if (status.state !== 'online' && status.state !== 'busy') return 'unavailable';
  return printer.paperLow ? 'low' : 'ok';
}

/** The receipt printer's status, kept current from the core's `device.status` events. */
function usePrinterStatus(): DeviceStatusView | undefined {
  const initial = useKioskQuery<readonly DeviceStatusView[]>((a) => a['devices.status']());
  const [latest, setLatest] = useState<DeviceStatusView | undefined>(undefined);
  useKioskEvent('device.status', (s) => {
    if (s.kind === 'printer') setLatest(s);
  });
  return latest ?? initial.data?.find((d) => d.kind === 'printer');
}

/**
 * Tells the citizen before they start when no receipt can be printed today ("receipt by QR code only"), or
 * that paper is running low: they should not learn it only at the end.
 */
export function PaperNotice(): ReactNode {
  const { t } = useI18n();
  const state = paperStateOf(usePrinterStatus());
  if (state === 'ok') return null;
  if (state === 'low') {
    return (
      <p role="status" className="paper-notice paper-low">
        {t('paper.low')}
      </p>
    );
  }
  return (
    <div role="status" className="paper-notice paper-out">
      <strong>{t('paper.qrOnly')}</strong>
      <span>{t(state === 'out' ? 'paper.out' : 'paper.unavailable')}</span>
    </div>
  );
}
