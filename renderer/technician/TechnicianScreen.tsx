import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DeviceStatusView, TechnicianOverview } from '../../main/api/views.js';
import { useKiosk, useKioskEvent } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';
import { CameraPanel } from './CameraPanel.js';
import { CatalogSection } from './CatalogSection.js';
import { DevicesPanel } from './DevicesPanel.js';
import { DiscoveryPanel } from './DiscoveryPanel.js';
import { ExportPanel } from './ExportPanel.js';
import { HealthPanel } from './HealthPanel.js';
import { PinPanel } from './PinPanel.js';
import { withDeviceStatus } from './session.js';
import { SyncAuditSection } from './SyncAuditSection.js';
import { TechnicianSignIn } from './TechnicianSignIn.js';
import './technician.css';

/** How long the signed-in view stays open without a touch. */
export const TECH_IDLE_MS = 2 * 60_000;

/**
 * The technician's view, behind a PIN (TechnicianSignIn): each device's live state with what to do about it and
 * its tests, the kiosk's health, what is plugged in and which role it plays (assigned without a restart), the
 * cameras with their roles and a camera test, the diagnostics export, the catalog in use and the reason a catalog
 * was last refused, the upload queue, and recent audit events in words and local time. Nothing personal is shown.
 */
export function TechnicianScreen({ onClose }: { readonly onClose: () => void }): ReactNode {
  const { api } = useKiosk();
  const [signedIn, setSignedIn] = useState(false);
  const close = useCallback((): void => {
    void api?.['technician.logout']();
    onClose();
  }, [api, onClose]);
  // Stable: the overview's reads depend on it.
  const signedOut = useCallback(() => setSignedIn(false), []);
  useIdleClose(signedIn, close);
  if (!signedIn) return <TechnicianSignIn onSignedIn={() => setSignedIn(true)} onClose={onClose} />;
  return <TechnicianOverviewView onSignedOut={signedOut} onClose={close} />;
}

/** A technician who walks away does not leave the kiosk open: no touch for TECH_IDLE_MS closes the view. */
function useIdleClose(active: boolean, close: () => void): void {
  useEffect(() => {
    if (!active) return;
    let timer = setTimeout(close, TECH_IDLE_MS);
    const touched = (): void => {
      clearTimeout(timer);
      timer = setTimeout(close, TECH_IDLE_MS);
    };
    const events = ['pointerdown', 'keydown', 'input'] as const;
    for (const e of events) document.addEventListener(e, touched, true);
    return () => {
      clearTimeout(timer);
      for (const e of events) document.removeEventListener(e, touched, true);
    };
  }, [active, close]);
}

/**
 * The overview, read now and every 3 s, with device states as the core pushes them (within 2 s of a change)
 * between reads. A refused read (the session ended) signs out; `reload` reads again now.
 */
function useOverview(onSignedOut: () => void): {
  readonly overview: TechnicianOverview | null;
  readonly devices: readonly DeviceStatusView[] | null;
  readonly reload: () => void;
} {
  const { api } = useKiosk();
  const [overview, setOverview] = useState<TechnicianOverview | null>(null);
  const [devices, setDevices] = useState<readonly DeviceStatusView[] | null>(null);
  const [reads, setReads] = useState(0);
  useKioskEvent('device.status', (view) =>
    setDevices((current) => withDeviceStatus(current ?? overview?.devices ?? [], view)),
  );
  useEffect(() => {
    if (!api) return;
    let live = true;
    const read = (): void =>
      void api['technician.overview']().then((r) => {
        if (!live) return;
        if (r.ok) {
          setOverview(r.value);
          setDevices(r.value.devices);
        } else onSignedOut();
      });
    read();
    const timer = setInterval(read, 3000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, onSignedOut, reads]);
  const reload = useCallback(() => setReads((n) => n + 1), []);
  return { overview, devices, reload };
}

/** The signed-in view: the kiosk and its mode, then one panel per tool, then signing out. */
function TechnicianOverviewView({
  onSignedOut,
  onClose,
}: {
  readonly onSignedOut: () => void;
  readonly onClose: () => void;
}): ReactNode {
  const { t } = useI18n();
  const { overview, devices, reload } = useOverview(onSignedOut);
  return (
    <section className="technician" aria-labelledby="tech-title">
      <h1 id="tech-title">{t('tech.title')}</h1>
      {overview ? (
        <>
          <p>
            {t('tech.kiosk')}: {overview.kioskId} · {t('tech.version')} {overview.version}
          </p>
          <p className={`tech-mode tech-mode-${overview.mode}`}>
            {t('tech.mode')}: <strong>{t(`tech.mode.${overview.mode}`)}</strong> ({overview.modeReason})
          </p>
          {overview.service.state === 'out-of-service' ? (
            <p role="alert" className="problem">
              {t('oos.title')}: {t(`oos.reason.${overview.service.reason}`)}
            </p>
          ) : null}
          <div className="tech-columns">
            <DevicesPanel devices={devices ?? overview.devices} />
            <HealthPanel />
          </div>
          <DiscoveryPanel />
          <CameraPanel />
          <ExportPanel />
          <PinPanel onSignedOut={onSignedOut} />
          <CatalogSection catalog={overview.catalog} onChecked={reload} />
          <SyncAuditSection sync={overview.sync} audit={overview.audit} />
        </>
      ) : null}
      <div className="actions">
        <span className="tech-hint">{t('tech.idleNote')}</span>
        <button type="button" className="primary" onClick={onClose}>
          {t('tech.signOut')}
        </button>
      </div>
    </section>
  );
}
