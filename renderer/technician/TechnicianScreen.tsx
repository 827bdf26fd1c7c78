import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DeviceStatusView, TechnicianLoginView, TechnicianOverview } from '../../main/api/views.js';
import { useKiosk, useKioskEvent } from '../api/kiosk.js';
import { keyboardField } from '../components/keyboard/field.js';
import { useI18n } from '../i18n/i18n.js';
import { CameraPanel } from './CameraPanel.js';
import { DevicesPanel } from './DevicesPanel.js';
import { DiscoveryPanel } from './DiscoveryPanel.js';
import { ExportPanel } from './ExportPanel.js';
import { HealthPanel } from './HealthPanel.js';
import { PinPanel } from './PinPanel.js';
import { auditText } from './format.js';
import './technician.css';

/** How long the signed-in view stays open without a touch. */
export const TECH_IDLE_MS = 2 * 60_000;

/**
 * The technician's view, behind a PIN: each device's live state with what to do about it and its tests, the
 * kiosk's health, what is plugged in and which role it plays (assigned without a restart), the cameras with
 * their roles and a camera test, the diagnostics
 * export, the catalog in use and the reason a catalog was last refused, the upload queue, and recent audit
 * events in words and local time. Nothing personal is shown here.
 */
export function TechnicianScreen({ onClose }: { readonly onClose: () => void }): ReactNode {
  const { api } = useKiosk();
  const { t, locale } = useI18n();
  const [pin, setPin] = useState('');
  const [signedIn, setSignedIn] = useState(false);
  /** Why the last sign-in was refused: the reason's message key, attempts left, and a lockout's end. */
  const [problem, setProblem] = useState<Pick<
    Extract<TechnicianLoginView, { signedIn: false }>,
    'messageKey' | 'attemptsLeft' | 'lockedUntil'
  > | null>(null);
  const [overview, setOverview] = useState<TechnicianOverview | null>(null);
  const [checkResult, setCheckResult] = useState<string | null>(null);
  /** Device states as the core pushes them (within 2 s of a change), between overview refreshes. */
  const [devices, setDevices] = useState<readonly DeviceStatusView[] | null>(null);
  useKioskEvent('device.status', (view) =>
    setDevices((current) => {
      const base = current ?? overview?.devices ?? [];
      return base.some((d) => d.kind === view.kind)
        ? base.map((d) => (d.kind === view.kind ? view : d))
        : [...base, view];
    }),
  );

  const refresh = useCallback(async (): Promise<void> => {
    if (!api) return;
    const r = await api['technician.overview']();
    if (r.ok) {
      setOverview(r.value);
      setDevices(r.value.devices);
    } else setSignedIn(false);
  }, [api]);

  useEffect(() => {
    if (!signedIn) return;
    const timer = setInterval(() => void refresh(), 3000);
    return () => clearInterval(timer);
  }, [signedIn, refresh]);

  const close = useCallback((): void => {
    void api?.['technician.logout']();
    onClose();
  }, [api, onClose]);

  // A technician who walks away does not leave the kiosk open: no touch for TECH_IDLE_MS closes the view.
  useEffect(() => {
    if (!signedIn) return;
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
  }, [signedIn, close]);

  if (!signedIn) {
    return (
      <section className="technician" aria-labelledby="tech-title">
        <h1 id="tech-title">{t('tech.title')}</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void api?.['technician.login']({ pin }).then((r) => {
              setPin('');
              if (!r.ok) setProblem({ messageKey: r.error.messageKey, attemptsLeft: 0, lockedUntil: null });
              else if (r.value.signedIn) {
                setProblem(null);
                setSignedIn(true);
                void refresh();
              } else setProblem(r.value);
            });
          }}
        >
          <div className="field">
            <label htmlFor="tech-pin">{t('tech.pin')}</label>
            <input
              id="tech-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              {...keyboardField('pin')}
              value={pin}
              onChange={(e) => setPin(e.target.value)}
            />
          </div>
          {problem ? (
            <p role="alert" className="problem">
              {t(problem.messageKey)}{' '}
              {problem.lockedUntil !== null ? (
                <span className="lockout">
                  {t('tech.lockedUntil', {
                    time: new Date(problem.lockedUntil).toLocaleTimeString(locale, {
                      hour: '2-digit',
                      minute: '2-digit',
                      hourCycle: 'h23',
                    }),
                  })}
                </span>
              ) : problem.attemptsLeft > 0 ? (
                <span className="attempts-left">
                  {t('tech.attemptsLeft', { count: problem.attemptsLeft })}
                </span>
              ) : null}
            </p>
          ) : null}
          <div className="actions">
            <button type="button" onClick={onClose}>
              {t('nav.back')}
            </button>
            <button type="submit" className="primary" disabled={pin.length === 0}>
              {t('tech.signIn')}
            </button>
          </div>
        </form>
      </section>
    );
  }

  const rejection = overview?.catalog.lastRejection ?? null;
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
          <PinPanel
            onSignedOut={() => {
              setSignedIn(false);
              setOverview(null);
            }}
          />
          <h2>{t('tech.catalog')}</h2>
          <dl className="tech-dl">
            <dt>{t('tech.catalogApplied')}</dt>
            <dd>
              {overview.catalog.appliedVersion ?? t('tech.catalog.none')}
              {overview.catalog.appliedSource === 'default' ? ` (${t('tech.catalogDefault')})` : ''}
            </dd>
            <dt>{t('tech.catalog.expires')}</dt>
            <dd>
              {overview.catalog.expiresAt ? new Date(overview.catalog.expiresAt).toLocaleString(locale) : '—'}
              {overview.catalog.expired ? ` · ${t('tech.catalog.expired')}` : ''}
            </dd>
            <dt>{t('tech.catalog.floor')}</dt>
            <dd>{overview.catalog.floorVersion ?? '—'}</dd>
            <dt>{t('tech.catalog.keys')}</dt>
            <dd>{overview.catalog.trustedKeyIds.join(', ') || '—'}</dd>
            {overview.catalog.refusedKeyFiles.length > 0 ? (
              <>
                <dt>{t('tech.catalog.refusedKeys')}</dt>
                <dd className="rejection">
                  {overview.catalog.refusedKeyFiles.map((r) => `${r.file}: ${r.reason}`).join('; ')}
                </dd>
              </>
            ) : null}
            <dt>{t('tech.catalogStaged')}</dt>
            <dd>{overview.catalog.stagedVersion ?? '—'}</dd>
            <dt>{t('tech.catalogRejected')}</dt>
            <dd className="rejection">
              {rejection
                ? `${rejection.version !== undefined ? `v${rejection.version} ` : ''}${rejection.reason}: ${rejection.message} (${rejection.source}, ${rejection.at})`
                : '—'}
            </dd>
          </dl>
          <button
            type="button"
            onClick={() =>
              void api?.['technician.checkCatalog']().then((r) => {
                setCheckResult(r.ok ? r.value : r.error.code);
                void refresh();
              })
            }
          >
            {t('tech.checkCatalog')}
          </button>
          {checkResult ? <p role="status">{checkResult}</p> : null}
          <h2>{t('tech.sync')}</h2>
          {overview.sync ? (
            <dl className="tech-dl">
              <dt>{t('tech.syncPending')}</dt>
              <dd>{overview.sync.pending}</dd>
              <dt>{t('tech.syncAcknowledged')}</dt>
              <dd>{overview.sync.acknowledged}</dd>
              <dt>{t('tech.syncConflicts')}</dt>
              <dd className={overview.sync.conflicts > 0 ? 'rejection' : undefined}>
                {overview.sync.conflicts}
              </dd>
              <dt>{t('tech.syncLastError')}</dt>
              <dd>{overview.sync.lastError ?? '—'}</dd>
            </dl>
          ) : (
            <p>{t('tech.noCentral')}</p>
          )}
          <h2>{t('tech.audit')}</h2>
          <ul className="tech-audit">
            {overview.audit.map((a, i) => {
              const line = auditText(a, locale);
              return (
                <li key={`${a.at}-${i}`}>
                  <time dateTime={a.at}>{line.time}</time> · {line.text}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      <div className="actions">
        <span className="tech-hint">{t('tech.idleNote')}</span>
        <button type="button" className="primary" onClick={close}>
          {t('tech.signOut')}
        </button>
      </div>
    </section>
  );
}
