import { Suspense, useEffect, useState, type ReactNode } from 'react';
import type { Catalog, KioskInfo } from '../main/api/views.js';
import { KioskProvider, useKiosk, useKioskEvent, useKioskQuery } from './api/kiosk.js';
import { firstScreenShown } from './api/startup.js';
import { ConnectionScreen } from './ConnectionScreen.js';
import { OutOfServiceScreen } from './citizen/OutOfServiceScreen.js';
import { IdleGuard, idleTimingsFor } from './components/IdleGuard.js';
import { KeyboardProvider } from './components/keyboard/KeyboardProvider.js';
import { Layout } from './components/Layout.js';
import { StepIndicator } from './components/StepIndicator.js';
import { choiceNeedsIdentity, visitStages } from './components/steps.js';
import { useCameraReport } from './face/cameras.js';
import { I18nProvider, useI18n } from './i18n/i18n.js';
import { useWedgeScanner } from './scanner/useWedgeScanner.js';
import { idleTimeoutEnds, idleWatched, stageOf } from './visit/flow.js';
import { preloadCitizenScreens, SimulationPanel, TechnicianScreen } from './visit/screens.js';
import { useVisitFlow, type VisitFlow } from './visit/useVisitFlow.js';
import { VisitScreen } from './visit/VisitScreen.js';

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
 * The visit's state and requests live in useVisitFlow (its pure part in visit/flow.ts), the screen for each
 * state in VisitScreen; this component decides between connecting, out of service and the visit, and lays the
 * overlays (step indicator, scan banner, errors, idle guard, simulation panel) around the screen.
 */
export function App(): ReactNode {
  const { api, state } = useKiosk();
  // The cameras' rows on the technician screen (and in health) follow what this page's browser lists.
  useCameraReport();
  const info = useKioskQuery<KioskInfo>((a) => a['kiosk.info']());
  const catalogQuery = useKioskQuery<Catalog>((a) => a['catalog.get']());
  const flow = useVisitFlow();
  useWedgeScanner((text) => void api?.['scanner.wedgeScan']({ text }), api !== null);
  useKioskEvent('catalog.changed', () => {
    // A new catalog, or none (out of service): both change what this kiosk may offer.
    info.reload();
    catalogQuery.reload();
  });
  // The screens after the attract screen are fetched once it is drawn, not before.
  useEffect(() => void firstScreenShown().then(preloadCitizenScreens), []);

  // A visit with a service that asks for the face check or a certificate photo: the face engine loads in idle
  // time now (models and wasm only, nothing of the citizen), so that after consent only the camera (and for
  // the check the card photo) remain.
  const { visit } = flow.state;
  const needsFace = visit?.face != null || visit?.certificatePhoto != null;
  useEffect(() => {
    if (needsFace) void import('./face/face-engine.js').then((m) => m.preloadFaceEngineWhenIdle());
  }, [needsFace]);

  const outOfService = info.data?.service.state === 'out-of-service' ? info.data.service : null;
  if (state === 'connected' && info.data && outOfService && !visit) {
    return <OutOfService flow={flow} service={outOfService} simulated={info.data.simulated} />;
  }
  if (state !== 'connected' || !catalogQuery.data || !info.data) return <ConnectionScreen state={state} />;
  return (
    <VisitLayout
      flow={flow}
      catalog={catalogQuery.data}
      progressLinksLocal={info.data.progressLinksLocal}
      simulated={info.data.simulated}
    />
  );
}

/** The whole page: languages, the connection to the core, the on-screen keyboard, and the kiosk in them. */
export function KioskPage(): ReactNode {
  return (
    <I18nProvider>
      <KioskProvider>
        <KeyboardProvider>
          <App />
        </KeyboardProvider>
      </KioskProvider>
    </I18nProvider>
  );
}

/** Idle timing for the flow's state: the query's base, longer in elder mode. */
function useIdleTimings(elder: boolean): { readonly idleMs: number; readonly graceMs: number } {
  const [base] = useState(idleTimings);
  return idleTimingsFor(base, elder);
}

/** No catalog this kiosk may use: the out-of-service screen, with the way into the technician screen. */
function OutOfService({
  flow,
  service,
  simulated,
}: {
  readonly flow: VisitFlow;
  readonly service: Extract<KioskInfo['service'], { state: 'out-of-service' }>;
  readonly simulated: boolean;
}): ReactNode {
  const { api } = useKiosk();
  const { t } = useI18n();
  const { state, actions } = flow;
  const timings = useIdleTimings(state.elder);
  const closeTechnician = (): void => actions.dispatch({ type: 'technician', open: false });
  return (
    <Layout
      elder={state.elder}
      onElderChange={(on) => actions.dispatch({ type: 'elder', on })}
      demonstration={false}
      withSimulation={simulated}
      screenKey={state.technician ? 'technician' : 'out-of-service'}
    >
      <Suspense fallback={null}>
        {state.technician ? (
          <TechnicianScreen onClose={closeTechnician} />
        ) : (
          <OutOfServiceScreen
            service={service}
            onMaintenance={() => actions.dispatch({ type: 'technician', open: true })}
            maintenanceLabel={t('tech.open')}
          />
        )}
      </Suspense>
      <IdleGuard
        active={state.technician}
        idleMs={timings.idleMs}
        graceMs={timings.graceMs}
        onActivity={() => undefined}
        onTimeout={() => {
          void api?.['technician.logout']();
          closeTechnician();
        }}
      />
    </Layout>
  );
}

/** The visit's screen in the layout, with the step indicator, the scan banner, errors and the idle guard. */
function VisitLayout({
  flow,
  catalog,
  progressLinksLocal,
  simulated,
}: {
  readonly flow: VisitFlow;
  readonly catalog: Catalog;
  readonly progressLinksLocal: boolean;
  readonly simulated: boolean;
}): ReactNode {
  const { api } = useKiosk();
  const { t } = useI18n();
  const { state, screen, actions } = flow;
  const { visit } = state;
  const timings = useIdleTimings(state.elder);
  const stage = stageOf(screen);
  return (
    <Layout
      elder={state.elder}
      onElderChange={(on) => actions.dispatch({ type: 'elder', on })}
      demonstration={catalog.demonstration}
      withSimulation={simulated}
      // The visit's step, or the face or photo step within it, or the screen between visits.
      screenKey={screen.kind}
      wipeKey={state.wipeKey}
    >
      {stage ? (
        <StepIndicator
          stages={visitStages(visit ? visit.needsIdentity : choiceNeedsIdentity(catalog, state.chosen))}
          current={stage}
        />
      ) : null}
      {/* Screens load on demand; the flow's transitions keep the current screen until the next can draw. */}
      <Suspense fallback={null}>
        <VisitScreen flow={flow} catalog={catalog} progressLinksLocal={progressLinksLocal} />
      </Suspense>
      {state.scan ? (
        // Only the kind: a scanned code may be personal, and the screen is public.
        <p role="status" className="scan-banner">
          {t('scan.detected')}
          {t(`scan.kind.${state.scan.kind}`)}
        </p>
      ) : null}
      {state.error && visit ? (
        <p role="alert" className="problem">
          {t(state.error)}
        </p>
      ) : null}
      <IdleGuard
        active={idleWatched(state)}
        idleMs={timings.idleMs}
        graceMs={timings.graceMs}
        calm={state.elder}
        onActivity={() => {
          if (visit) void api?.['visit.touch']();
        }}
        onTimeout={() => {
          const ends = idleTimeoutEnds(state);
          if (ends === 'technician') {
            void api?.['technician.logout']();
            actions.dispatch({ type: 'technician', open: false });
          } else if (ends === 'progress') actions.dispatch({ type: 'close-progress' });
          else actions.cancel();
        }}
      />
      {simulated ? (
        <Suspense fallback={null}>
          <SimulationPanel />
        </Suspense>
      ) : null}
    </Layout>
  );
}
