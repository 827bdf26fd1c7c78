import type { ReactNode } from 'react';
import type { Catalog } from '../../main/api/views.js';
import { AttractScreen } from '../citizen/AttractScreen.js';
import { KeptCard } from '../components/KeptCard.js';
import { useI18n } from '../i18n/i18n.js';
import {
  ChooseScreen,
  ConfirmScreen,
  DoneScreen,
  FaceCheckScreen,
  FormScreen,
  IdentifyScreen,
  PhotoScreen,
  ProgressScreen,
  TechnicianScreen,
} from './screens.js';
import type { VisitFlow } from './useVisitFlow.js';

/**
 * The screen the visit flow is on, wired to the flow's requests. Only the attract screen is in the entry chunk;
 * the others load on demand (screens.ts) inside the layout's Suspense boundary.
 */
export function VisitScreen({
  flow,
  catalog,
  progressLinksLocal,
}: {
  readonly flow: VisitFlow;
  readonly catalog: Catalog;
  /** Progress links only work on this machine (development): the screens say so. */
  readonly progressLinksLocal: boolean;
}): ReactNode {
  const { t } = useI18n();
  const { screen, state, setForms, actions } = flow;
  const { dispatch, cancel, back, proceed } = actions;
  switch (screen.kind) {
    case 'technician':
      return <TechnicianScreen onClose={() => dispatch({ type: 'technician', open: false })} />;
    case 'identify':
      return (
        <>
          {screen.visit.identity ? (
            <KeptCard identity={screen.visit.identity} busy={state.busy} onUse={proceed} />
          ) : null}
          <IdentifyScreen visit={screen.visit} onCancel={cancel} onBack={back} />
        </>
      );
    case 'confirm':
      return (
        <ConfirmScreen
          visit={screen.visit}
          catalog={catalog}
          busy={state.busy || screen.skip}
          onCancel={cancel}
          onBack={back}
          onContinue={proceed}
        />
      );
    case 'face':
      // Services asking for a face check: consent and the check come before the forms.
      return (
        <FaceCheckScreen
          visit={screen.visit}
          onCancel={cancel}
          onBack={back}
          onDone={() => dispatch({ type: 'face-done', visitId: screen.visit.id })}
        />
      );
    case 'photo':
      return (
        <PhotoScreen
          visit={screen.visit}
          step={screen.step}
          onCancel={cancel}
          onBack={back}
          onDone={() => dispatch({ type: 'photo-done', visitId: screen.visit.id })}
        />
      );
    case 'form':
      return (
        <FormScreen
          visit={screen.visit}
          catalog={catalog}
          forms={state.forms}
          onFormsChange={setForms}
          onCancel={cancel}
          onBack={back}
          onSubmit={actions.submit}
        />
      );
    case 'done':
      return (
        <DoneScreen
          visit={screen.visit}
          catalog={catalog}
          progressLinksLocal={progressLinksLocal}
          onFinish={actions.finish}
        />
      );
    case 'progress':
      return (
        <ProgressScreen
          key={screen.scan?.seq ?? 0}
          scannedCode={screen.scan?.code ?? null}
          progressLinksLocal={progressLinksLocal}
          onClose={() => dispatch({ type: 'close-progress' })}
        />
      );
    case 'choose':
      return (
        <ChooseScreen
          catalog={catalog}
          busy={state.busy}
          error={state.error}
          elder={state.elder}
          chosen={state.chosen}
          onChosenChange={(serviceIds) => dispatch({ type: 'chosen', serviceIds })}
          onBack={() => dispatch({ type: 'leave-choosing' })}
          onContinue={actions.start}
        />
      );
    case 'attract':
      return (
        <>
          <AttractScreen
            catalog={catalog}
            onStart={() => dispatch({ type: 'start-choosing' })}
            onCheckProgress={() => dispatch({ type: 'open-progress' })}
          />
          <button
            type="button"
            className="tech-entry"
            onClick={() => dispatch({ type: 'technician', open: true })}
          >
            {t('tech.open')}
          </button>
        </>
      );
  }
}
