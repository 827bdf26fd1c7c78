import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { FieldError } from '../main/api/form-validation.js';
import type { Catalog, KioskInfo, VisitView } from '../main/api/views.js';
import { useKiosk, useKioskEvent, useKioskQuery } from './api/kiosk.js';
import { AttractScreen } from './citizen/AttractScreen.js';
import { ChooseScreen } from './citizen/ChooseScreen.js';
import { ConfirmScreen } from './citizen/ConfirmScreen.js';
import { DoneScreen } from './citizen/DoneScreen.js';
import { FormScreen } from './citizen/FormScreen.js';
import { IdentifyScreen } from './citizen/IdentifyScreen.js';
import { FaceCheckScreen } from './face/FaceCheckScreen.js';
import { OutOfServiceScreen } from './citizen/OutOfServiceScreen.js';
import { IdleGuard } from './components/IdleGuard.js';
import { Layout } from './components/Layout.js';
import { useI18n } from './i18n/i18n.js';
import { SimulationPanel } from './technician/SimulationPanel.js';
import { TechnicianScreen } from './technician/TechnicianScreen.js';
import { useWedgeScanner } from './scanner/useWedgeScanner.js';
import type { ScanView } from '../main/api/views.js';

/** Idle timing during a visit; a query parameter may shorten it for demonstrations and tests. */
function idleTimings(): { idleMs: number; graceMs: number } {
  const idle = Number(new URLSearchParams(window.location.search).get('idleSeconds'));
  return { idleMs: Number.isFinite(idle) && idle > 0 ? idle * 1000 : 90_000, graceMs: 30_000 };
}

/** The citizen's kiosk: attract → choose services → identify → confirm → back to attract, wiped. */
export function App(): ReactNode {
  const { api, state, generation } = useKiosk();
  const { t, setLocale, locale } = useI18n();
  const info = useKioskQuery<KioskInfo>((a) => a['kiosk.info']());
  const catalogQuery = useKioskQuery<Catalog>((a) => a['catalog.get']());
  const [visit, setVisit] = useState<VisitView | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [technician, setTechnician] = useState(false);
  const [elder, setElder] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [timings] = useState(idleTimings);
  // The visit whose face check the citizen has left (the forms come next); per visit, so a new one asks again.
  const [faceDoneFor, setFaceDoneFor] = useState<string | null>(null);

  // On every (re)connection, pick up the visit the core holds (e.g. after the page was reloaded mid-visit).
  useEffect(() => {
    if (!api) return;
    let live = true;
    void api['visit.get']().then((r) => {
      if (live && r.ok) setVisit(r.value);
    });
    return () => {
      live = false;
    };
  }, [api, generation]);
  const resetToAttract = useCallback(() => {
    // Nothing of the visit stays in the page: screen state, language, elder mode, errors.
    setVisit(null);
    setChoosing(false);
    setError(null);
    setElder(false);
    setLocale('zh-CN');
    window.scrollTo(0, 0);
  }, [setLocale]);

  useKioskEvent('visit.changed', (next) => {
    // A visit ended by the core (expired, finished elsewhere) leaves nothing behind either.
    if (next === null) resetToAttract();
    else setVisit(next);
  });
  const [scan, setScan] = useState<ScanView | null>(null);
  useKioskEvent('scanner.scanned', (s) => {
    setScan(s);
    setTimeout(() => setScan((current) => (current === s ? null : current)), 8000);
  });
  useWedgeScanner((text) => void api?.['scanner.wedgeScan']({ text }), api !== null);
  useKioskEvent('catalog.changed', () => {
    // A new catalog, or none (out of service): both change what this kiosk may offer.
    info.reload();
    catalogQuery.reload();
  });

  const cancel = useCallback(() => {
    void api?.['visit.cancel']().then((r) => {
      if (r.ok) resetToAttract();
      else setError(r.error.messageKey);
    });
  }, [api, resetToAttract]);

  const outOfService = info.data?.service.state === 'out-of-service' ? info.data.service : null;
  if (state === 'connected' && info.data && outOfService && !visit) {
    return (
      <Layout
        elder={elder}
        onElderChange={setElder}
        demonstration={false}
        withSimulation={info.data.simulated}
        screenKey={technician ? 'technician' : 'out-of-service'}
      >
        {technician ? (
          <TechnicianScreen onClose={() => setTechnician(false)} />
        ) : (
          <OutOfServiceScreen
            service={outOfService}
            onMaintenance={() => setTechnician(true)}
            maintenanceLabel={t('tech.open')}
          />
        )}
        <IdleGuard
          active={technician}
          idleMs={timings.idleMs}
          graceMs={timings.graceMs}
          onActivity={() => undefined}
          onTimeout={() => {
            void api?.['technician.logout']();
            setTechnician(false);
          }}
        />
      </Layout>
    );
  }
  if (state !== 'connected' || !catalogQuery.data || !info.data) {
    return (
      <div className="app connecting">
        <p role="status">
          {state === 'replaced'
            ? t('conn.replaced')
            : state === 'failed'
              ? t('conn.failed')
              : t('conn.connecting')}
        </p>
      </div>
    );
  }
  const catalog = catalogQuery.data;

  let screen: ReactNode;
  if (technician && !visit) {
    screen = <TechnicianScreen onClose={() => setTechnician(false)} />;
  } else if (visit?.step === 'identify') {
    screen = <IdentifyScreen visit={visit} onCancel={cancel} />;
  } else if (visit?.step === 'confirm') {
    screen = (
      <ConfirmScreen
        visit={visit}
        catalog={catalog}
        busy={busy}
        onCancel={cancel}
        onContinue={() => {
          setBusy(true);
          void api?.['visit.proceed']().then((r) => {
            setBusy(false);
            if (r.ok) {
              setError(null);
              setVisit(r.value);
            } else setError(r.error.messageKey);
          });
        }}
      />
    );
  } else if (visit?.step === 'form' && visit.face !== null && faceDoneFor !== visit.id) {
    // Services asking for a face check: consent and the check come before the forms.
    screen = <FaceCheckScreen visit={visit} onCancel={cancel} onDone={() => setFaceDoneFor(visit.id)} />;
  } else if (visit?.step === 'form') {
    screen = (
      <FormScreen
        visit={visit}
        catalog={catalog}
        onCancel={cancel}
        onSubmit={async (forms) => {
          if (!api) return null;
          const r = await api['visit.submit']({ locale, forms });
          if (r.ok) {
            setError(null);
            setVisit(r.value);
            return null;
          }
          if (r.error.code === 'validation-failed' && r.error.detail) {
            try {
              return JSON.parse(r.error.detail) as (FieldError & { serviceId: string })[];
            } catch {
              // fall through to the generic message
            }
          }
          setError(r.error.messageKey);
          return [];
        }}
      />
    );
  } else if (visit?.step === 'done') {
    screen = (
      <DoneScreen
        visit={visit}
        onFinish={() => {
          void api?.['visit.finish']().then(resetToAttract);
        }}
      />
    );
  } else if (choosing) {
    screen = (
      <ChooseScreen
        catalog={catalog}
        busy={busy}
        error={error}
        onBack={() => setChoosing(false)}
        onContinue={(serviceIds) => {
          setBusy(true);
          void api?.['visit.start']({ serviceIds }).then((r) => {
            setBusy(false);
            if (r.ok) {
              setError(null);
              setVisit(r.value);
              setChoosing(false);
            } else setError(r.error.messageKey);
          });
        }}
      />
    );
  } else {
    screen = (
      <>
        <AttractScreen
          catalog={catalog}
          onStart={() => {
            setError(null);
            setChoosing(true);
          }}
        />
        <button type="button" className="tech-entry" onClick={() => setTechnician(true)}>
          {t('tech.open')}
        </button>
      </>
    );
  }

  return (
    <Layout
      elder={elder}
      onElderChange={setElder}
      demonstration={catalog.demonstration}
      withSimulation={info.data.simulated}
      screenKey={
        technician && !visit
          ? 'technician'
          : visit?.step === 'form' && visit.face !== null && faceDoneFor !== visit.id
            ? 'face'
            : (visit?.step ?? (choosing ? 'choose' : 'attract'))
      }
    >
      {screen}
      {scan ? (
        // Only the kind: a scanned code may be personal, and the screen is public.
        <p role="status" className="scan-banner">
          {t('scan.detected')}
          {t(`scan.kind.${scan.kind}`)}
        </p>
      ) : null}
      {error && visit ? (
        <p role="alert" className="problem">
          {t(error)}
        </p>
      ) : null}
      <IdleGuard
        active={visit !== null || choosing || technician}
        idleMs={timings.idleMs}
        graceMs={timings.graceMs}
        onActivity={() => {
          if (visit) void api?.['visit.touch']();
        }}
        onTimeout={() => {
          if (technician && !visit) {
            void api?.['technician.logout']();
            setTechnician(false);
          } else cancel();
        }}
      />
      {info.data.simulated ? <SimulationPanel /> : null}
    </Layout>
  );
}
