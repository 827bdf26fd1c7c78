import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FieldError } from '../main/api/form-validation.js';
import type { Catalog, KioskInfo, VisitView } from '../main/api/views.js';
import { useKiosk, useKioskEvent, useKioskQuery } from './api/kiosk.js';
import { AttractScreen } from './citizen/AttractScreen.js';
import { ChooseScreen } from './citizen/ChooseScreen.js';
import { ConfirmScreen } from './citizen/ConfirmScreen.js';
import { DoneScreen } from './citizen/DoneScreen.js';
import { FormScreen, type Forms } from './citizen/FormScreen.js';
import { IdentifyScreen } from './citizen/IdentifyScreen.js';
import { FaceCheckScreen } from './face/FaceCheckScreen.js';
import { preloadFaceEngineWhenIdle } from './face/face-engine.js';
import { PhotoScreen } from './face/PhotoScreen.js';
import { OutOfServiceScreen } from './citizen/OutOfServiceScreen.js';
import { IdleGuard, idleTimingsFor } from './components/IdleGuard.js';
import { KeptCard } from './components/KeptCard.js';
import { ProgressScreen, type ProgressScan } from './citizen/ProgressScreen.js';
import { Layout } from './components/Layout.js';
import { StepIndicator } from './components/StepIndicator.js';
import { choiceNeedsIdentity, visitStages } from './components/steps.js';
import { useI18n } from './i18n/i18n.js';
import { SimulationPanel } from './technician/SimulationPanel.js';
import { TechnicianScreen } from './technician/TechnicianScreen.js';
import { useCameraReport } from './face/cameras.js';
import { useWedgeScanner } from './scanner/useWedgeScanner.js';
import type { ScanView } from '../main/api/views.js';

/** Idle timing during a visit; query parameters may shorten it for demonstrations and tests. */
function idleTimings(): { idleMs: number; graceMs: number } {
  const query = new URLSearchParams(window.location.search);
  const seconds = (name: string, fallback: number): number => {
    const value = Number(query.get(name));
    return Number.isFinite(value) && value > 0 ? value * 1000 : fallback;
  };
  return { idleMs: seconds('idleSeconds', 90_000), graceMs: seconds('graceSeconds', 30_000) };
}

/**
 * The citizen's kiosk: attract → choose services → identify → confirm → form → done → back to attract, wiped.
 * Every step has Back; what was chosen and typed stays here across steps until the visit is wiped.
 */
export function App(): ReactNode {
  const { api, state, generation } = useKiosk();
  // The cameras' rows on the technician screen (and in health) follow what this page's browser lists.
  useCameraReport();
  const { t, setLocale, locale } = useI18n();
  const info = useKioskQuery<KioskInfo>((a) => a['kiosk.info']());
  const catalogQuery = useKioskQuery<Catalog>((a) => a['catalog.get']());
  const [visit, setVisit] = useState<VisitView | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [technician, setTechnician] = useState(false);
  const [elder, setElder] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [baseTimings] = useState(idleTimings);
  const timings = idleTimingsFor(baseTimings, elder);
  // Kept across Back (and back to choosing); wiped with the visit.
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [forms, setForms] = useState<Forms>({});
  const [wipeKey, setWipeKey] = useState(0);
  const [scan, setScan] = useState<ScanView | null>(null);
  // Set while going back from a visit's first step: the visit's end then returns to choosing, not to attract.
  const backToChoose = useRef(false);
  // The progress look-up: opened from the attract screen, or by scanning a receipt's QR code between visits.
  const [progressOpen, setProgressOpen] = useState(false);
  const [progressScan, setProgressScan] = useState<ProgressScan | null>(null);
  // The visit whose face check the citizen has left (the forms come next); per visit, so a new one asks again.
  const [faceDoneFor, setFaceDoneFor] = useState<string | null>(null);
  // Likewise the certificate photo step (after the face check, before the forms).
  const [photoDoneFor, setPhotoDoneFor] = useState<string | null>(null);

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
    setProgressOpen(false);
    setProgressScan(null);
    setError(null);
    setElder(false);
    setLocale('zh-CN');
    setChosen([]);
    setForms({});
    setScan(null);
    // Overlays (help dialog) close and reading stops.
    setWipeKey((k) => k + 1);
    window.scrollTo(0, 0);
  }, [setLocale]);

  const returnToChoose = useCallback(() => {
    backToChoose.current = false;
    setVisit(null);
    setChoosing(true);
  }, []);

  useKioskEvent('visit.changed', (next) => {
    // A visit ended by the core (expired, finished elsewhere) leaves nothing behind either.
    if (next === null) {
      if (backToChoose.current) returnToChoose();
      else resetToAttract();
    } else setVisit(next);
  });
  useKioskEvent('scanner.scanned', (s) => {
    // A receipt scanned between visits opens its progress; during a visit it never takes the screen over.
    if (s.kind === 'progress' && !visit && !choosing && !technician) {
      setProgressOpen(true);
      setProgressScan((previous) => ({ code: s.text, seq: (previous?.seq ?? 0) + 1 }));
    }
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

  const back = useCallback(() => {
    if (!api) return;
    backToChoose.current = true;
    setBusy(true);
    void api['visit.back']().then((r) => {
      setBusy(false);
      if (!r.ok) {
        backToChoose.current = false;
        setError(r.error.messageKey);
        return;
      }
      setError(null);
      window.scrollTo(0, 0);
      if (r.value === null) returnToChoose();
      else {
        backToChoose.current = false;
        setVisit(r.value);
      }
    });
  }, [api, returnToChoose]);

  const proceed = useCallback(() => {
    if (!api) return;
    setBusy(true);
    void api['visit.proceed']().then((r) => {
      setBusy(false);
      if (r.ok) {
        setError(null);
        setVisit(r.value);
      } else setError(r.error.messageKey);
    });
  }, [api]);

  // A visit without a card has nothing to check: its confirm step (which only repeats the choice) is skipped.
  const skipConfirm = visit?.step === 'confirm' && !visit.needsIdentity;
  useEffect(() => {
    if (!skipConfirm || !api) return;
    void api['visit.proceed']().then((r) => {
      if (r.ok) setVisit(r.value);
    });
  }, [skipConfirm, api]);

  // A visit with a service that asks for the face check or a certificate photo: the face engine loads in idle
  // time now (models and wasm only, nothing of the citizen), so that after consent only the camera (and for
  // the check the card photo) remain.
  const needsFace = visit?.face != null || visit?.certificatePhoto != null;
  useEffect(() => {
    if (needsFace) preloadFaceEngineWhenIdle();
  }, [needsFace]);

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

  // The face check shows between the confirmation and the forms (the core's form step) until the citizen has
  // seen its outcome; a check the core holds as pending (e.g. another card placed after Back) is asked again.
  const faceStep =
    visit?.step === 'form' &&
    visit.face !== null &&
    (visit.faceCheck === 'pending' || faceDoneFor !== visit.id);
  // The certificate photo comes next, until the citizen has given one or declined and seen the outcome.
  const photoStep =
    visit?.step === 'form' && !faceStep && visit.certificatePhoto !== null
      ? visit.certificatePhoto.status === 'pending' || photoDoneFor !== visit.id
        ? visit.certificatePhoto
        : null
      : null;
  let screen: ReactNode;
  if (technician && !visit) {
    screen = <TechnicianScreen onClose={() => setTechnician(false)} />;
  } else if (visit?.step === 'identify') {
    screen = (
      <>
        {visit.identity ? <KeptCard identity={visit.identity} busy={busy} onUse={proceed} /> : null}
        <IdentifyScreen visit={visit} onCancel={cancel} onBack={back} />
      </>
    );
  } else if (visit?.step === 'confirm') {
    screen = (
      <ConfirmScreen
        visit={visit}
        catalog={catalog}
        busy={busy || skipConfirm}
        onCancel={cancel}
        onBack={back}
        onContinue={proceed}
      />
    );
  } else if (visit && faceStep) {
    // Services asking for a face check: consent and the check come before the forms.
    screen = (
      <FaceCheckScreen
        visit={visit}
        onCancel={cancel}
        onBack={back}
        onDone={() => setFaceDoneFor(visit.id)}
      />
    );
  } else if (visit && photoStep) {
    screen = (
      <PhotoScreen
        visit={visit}
        step={photoStep}
        onCancel={cancel}
        onBack={back}
        onDone={() => setPhotoDoneFor(visit.id)}
      />
    );
  } else if (visit?.step === 'form') {
    screen = (
      <FormScreen
        visit={visit}
        catalog={catalog}
        forms={forms}
        onFormsChange={setForms}
        onCancel={cancel}
        onBack={back}
        onSubmit={async (typed) => {
          if (!api) return null;
          // Only this visit's services: values typed for a service dropped after going back stay unsent.
          const sent = Object.fromEntries(visit.serviceIds.map((id) => [id, typed[id] ?? {}]));
          const r = await api['visit.submit']({ locale, forms: sent });
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
        catalog={catalog}
        progressLinksLocal={info.data.progressLinksLocal}
        onFinish={(acceptUndelivered) => {
          void api?.['visit.finish'](acceptUndelivered ? { acceptUndelivered: true } : undefined).then(
            (r) => {
              // An unacknowledged urgent report is not ended by a stray tap: the core says so.
              if (r.ok || r.error.code === 'no-visit') resetToAttract();
              else setError(r.error.messageKey);
            },
          );
        }}
      />
    );
  } else if (progressOpen) {
    screen = (
      <ProgressScreen
        key={progressScan?.seq ?? 0}
        scannedCode={progressScan?.code ?? null}
        progressLinksLocal={info.data.progressLinksLocal}
        onClose={() => {
          setProgressOpen(false);
          setProgressScan(null);
        }}
      />
    );
  } else if (choosing) {
    screen = (
      <ChooseScreen
        catalog={catalog}
        busy={busy}
        error={error}
        elder={elder}
        chosen={chosen}
        onChosenChange={setChosen}
        onBack={() => {
          setChoosing(false);
          setChosen([]);
          setForms({});
        }}
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
          onCheckProgress={() => {
            setProgressScan(null);
            setProgressOpen(true);
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
          : faceStep
            ? 'face'
            : photoStep
              ? 'photo'
              : (visit?.step ?? (choosing ? 'choose' : progressOpen ? 'progress' : 'attract'))
      }
      wipeKey={wipeKey}
    >
      {(visit || choosing) && !(technician && !visit) ? (
        <StepIndicator
          stages={visitStages(visit ? visit.needsIdentity : choiceNeedsIdentity(catalog, chosen))}
          // The face check belongs to checking who the citizen is.
          current={visit ? (faceStep ? 'confirm' : visit.step) : 'choose'}
        />
      ) : null}
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
        active={visit !== null || choosing || technician || progressOpen}
        idleMs={timings.idleMs}
        graceMs={timings.graceMs}
        calm={elder}
        onActivity={() => {
          if (visit) void api?.['visit.touch']();
        }}
        onTimeout={() => {
          if (technician && !visit) {
            void api?.['technician.logout']();
            setTechnician(false);
          } else if (progressOpen && !visit) {
            setProgressOpen(false);
            setProgressScan(null);
          } else cancel();
        }}
      />
      {info.data.simulated ? <SimulationPanel /> : null}
    </Layout>
  );
}
