/**
 * The citizen's visit as the page holds it, in pure functions: what the page remembers between the core's
 * answers (the visit the core holds, choosing, technician mode, the progress look-up, what the citizen has
 * chosen, which face/photo steps they have seen, the last error), how each answer or tap changes it, and which
 * screen that state shows. No React, no API: the hook in useVisitFlow.ts feeds it and the screens read it.
 */
import type { PhotoStepView, ScanView, VisitView } from '../../main/api/views.js';
import type { Forms } from '../citizen/FormScreen.js';
import type { ProgressScan } from '../citizen/ProgressScreen.js';
import type { VisitStage } from '../components/steps.js';

/** Everything the page keeps of the current visit (or of the time between visits). */
export interface FlowState {
  /** The visit the core holds, as last reported; null between visits (and while choosing services). */
  readonly visit: VisitView | null;
  /** Choosing services: before the core has a visit. */
  readonly choosing: boolean;
  /** The technician screen was opened (it shows only between visits). */
  readonly technician: boolean;
  /** The progress look-up: opened from the attract screen, or by scanning a receipt's QR code between visits. */
  readonly progressOpen: boolean;
  readonly progressScan: ProgressScan | null;
  /** The visit whose face check the citizen has left (the forms come next); per visit, so a new one asks again. */
  readonly faceDoneFor: string | null;
  /** Likewise the certificate photo step (after the face check, before the forms). */
  readonly photoDoneFor: string | null;
  /** A waiting request (Back, Continue, start): buttons that would send another are disabled. */
  readonly busy: boolean;
  /** The message key of the last refused request. */
  readonly error: string | null;
  readonly elder: boolean;
  /** The services chosen; kept across Back (and back to choosing), wiped with the visit. */
  readonly chosen: readonly string[];
  /** What was typed into the forms; kept across Back (and back to choosing), wiped with the visit. */
  readonly forms: Forms;
  /** The last code scanned, shown briefly by its kind. */
  readonly scan: ScanView | null;
  /** Changes on every wipe, so overlays (the help dialog) close and reading stops. */
  readonly wipeKey: number;
  /** Set while going back from a visit's first step: the visit's end then returns to choosing, not to attract. */
  readonly backToChoose: boolean;
}

/** The page before anything happened: the attract screen. */
export const initialFlow: FlowState = {
  visit: null,
  choosing: false,
  technician: false,
  progressOpen: false,
  progressScan: null,
  faceDoneFor: null,
  photoDoneFor: null,
  busy: false,
  error: null,
  elder: false,
  chosen: [],
  forms: {},
  scan: null,
  wipeKey: 0,
  backToChoose: false,
};

/** What can happen to the visit: the core's answers and events, and the citizen's taps that need no request. */
export type FlowAction =
  /** The visit the core holds, fetched on (re)connection or after an automatic step: nothing else changes. */
  | { readonly type: 'visit-loaded'; readonly visit: VisitView | null }
  /** The core's `visit.changed` event; null: the visit ended (expired, finished elsewhere, or after Back). */
  | { readonly type: 'visit-changed'; readonly visit: VisitView | null }
  /** A request starts; `back`: it is Back, whose visit end returns to choosing. */
  | { readonly type: 'request'; readonly back?: boolean }
  /** A request (start, Back, Continue, submit) succeeded with this visit; null: Back left the visit. */
  | { readonly type: 'answered'; readonly visit: VisitView | null }
  /** A request was refused: its message key. */
  | { readonly type: 'refused'; readonly error: string }
  /** Everything of the visit is wiped: back to the attract screen. */
  | { readonly type: 'reset' }
  | { readonly type: 'start-choosing' }
  /** Back from choosing to the attract screen, forgetting the choice and what was typed. */
  | { readonly type: 'leave-choosing' }
  | { readonly type: 'chosen'; readonly serviceIds: readonly string[] }
  | { readonly type: 'typed'; readonly forms: Forms }
  | { readonly type: 'open-progress' }
  | { readonly type: 'close-progress' }
  | { readonly type: 'technician'; readonly open: boolean }
  | { readonly type: 'elder'; readonly on: boolean }
  | { readonly type: 'scanned'; readonly scan: ScanView }
  /** The banner of this scan has been shown long enough (a later scan keeps its own). */
  | { readonly type: 'scan-shown'; readonly scan: ScanView }
  | { readonly type: 'face-done'; readonly visitId: string }
  | { readonly type: 'photo-done'; readonly visitId: string };

/** Back at choosing, the core's visit gone, what was chosen kept. */
function returnToChoose(state: FlowState): FlowState {
  return { ...state, visit: null, choosing: true, backToChoose: false };
}

/** The visit's state after one action. Pure. */
export function flowReducer(state: FlowState, action: FlowAction): FlowState {
  switch (action.type) {
    case 'visit-loaded':
      return { ...state, visit: action.visit };
    case 'visit-changed':
      if (action.visit !== null) return { ...state, visit: action.visit };
      // A visit ended by the core leaves nothing behind, unless the citizen went back to choosing.
      return state.backToChoose ? returnToChoose(state) : flowReducer(state, { type: 'reset' });
    case 'request':
      return { ...state, busy: true, backToChoose: action.back === true ? true : state.backToChoose };
    case 'answered':
      if (action.visit === null) return returnToChoose({ ...state, busy: false, error: null });
      // A visit started from choosing leaves choosing.
      return {
        ...state,
        busy: false,
        error: null,
        visit: action.visit,
        choosing: false,
        backToChoose: false,
      };
    case 'refused':
      return { ...state, busy: false, error: action.error, backToChoose: false };
    case 'reset':
      // Nothing of the visit stays in the page: screen state, elder mode, errors, what was chosen and typed,
      // scans, overlays. The
      // technician screen is not the visit's: a visit ended by the core while it is open leaves it open.
      return { ...initialFlow, technician: state.technician, wipeKey: state.wipeKey + 1 };
    case 'start-choosing':
      return { ...state, error: null, choosing: true };
    case 'leave-choosing':
      return { ...state, choosing: false, chosen: [], forms: {} };
    case 'chosen':
      return { ...state, chosen: action.serviceIds };
    case 'typed':
      return { ...state, forms: action.forms };
    case 'open-progress':
      return { ...state, progressOpen: true, progressScan: null };
    case 'close-progress':
      return { ...state, progressOpen: false, progressScan: null };
    case 'technician':
      return { ...state, technician: action.open };
    case 'elder':
      return { ...state, elder: action.on };
    case 'scanned': {
      // A receipt scanned between visits opens its progress; during a visit it never takes the screen over.
      const opens = action.scan.kind === 'progress' && !state.visit && !state.choosing && !state.technician;
      return opens
        ? {
            ...state,
            scan: action.scan,
            progressOpen: true,
            progressScan: { code: action.scan.text, seq: (state.progressScan?.seq ?? 0) + 1 },
          }
        : { ...state, scan: action.scan };
    }
    case 'scan-shown':
      return state.scan === action.scan ? { ...state, scan: null } : state;
    case 'face-done':
      return { ...state, faceDoneFor: action.visitId };
    case 'photo-done':
      return { ...state, photoDoneFor: action.visitId };
  }
}

/** The screen a state shows, with what it needs. */
export type Screen =
  | { readonly kind: 'technician' }
  | { readonly kind: 'identify'; readonly visit: VisitView }
  /** `skip`: a visit without a card has nothing to confirm; the page goes on by itself. */
  | { readonly kind: 'confirm'; readonly visit: VisitView; readonly skip: boolean }
  | { readonly kind: 'face'; readonly visit: VisitView }
  | { readonly kind: 'photo'; readonly visit: VisitView; readonly step: PhotoStepView }
  | { readonly kind: 'form'; readonly visit: VisitView }
  | { readonly kind: 'done'; readonly visit: VisitView }
  | { readonly kind: 'progress'; readonly scan: ProgressScan | null }
  | { readonly kind: 'choose' }
  | { readonly kind: 'attract' };

/**
 * Whether the face check shows: between the confirmation and the forms (the core's form step) until the citizen
 * has seen its outcome; a check the core holds as pending (e.g. another card placed after Back) is asked again.
 */
function faceStepOf(state: FlowState): VisitView | null {
  const { visit } = state;
  return visit?.step === 'form' &&
    visit.face !== null &&
    (visit.faceCheck === 'pending' || state.faceDoneFor !== visit.id)
    ? visit
    : null;
}

/** The certificate photo step, after the face check, until the citizen has given one or declined and seen it. */
function photoStepOf(state: FlowState): PhotoStepView | null {
  const { visit } = state;
  if (visit?.step !== 'form' || faceStepOf(state) || visit.certificatePhoto === null) return null;
  return visit.certificatePhoto.status === 'pending' || state.photoDoneFor !== visit.id
    ? visit.certificatePhoto
    : null;
}

/** Which screen the state shows. The technician screen only between visits; a visit's step before anything else. */
export function screenOf(state: FlowState): Screen {
  const { visit } = state;
  if (state.technician && !visit) return { kind: 'technician' };
  if (visit) {
    const photo = photoStepOf(state);
    switch (visit.step) {
      case 'identify':
        return { kind: 'identify', visit };
      case 'confirm':
        return { kind: 'confirm', visit, skip: !visit.needsIdentity };
      case 'form':
        if (faceStepOf(state)) return { kind: 'face', visit };
        return photo ? { kind: 'photo', visit, step: photo } : { kind: 'form', visit };
      case 'done':
        return { kind: 'done', visit };
    }
  }
  if (state.progressOpen) return { kind: 'progress', scan: state.progressScan };
  return state.choosing ? { kind: 'choose' } : { kind: 'attract' };
}

/** Where the step indicator stands, or null when it is not shown (between visits, technician screen). */
export function stageOf(screen: Screen): VisitStage | null {
  switch (screen.kind) {
    case 'choose':
      return 'choose';
    // The face check belongs to checking who the citizen is; the photo comes with the forms.
    case 'face':
      return 'confirm';
    case 'photo':
      return 'form';
    case 'identify':
    case 'confirm':
    case 'form':
    case 'done':
      return screen.kind;
    default:
      return null;
  }
}

/** Whether the idle guard watches: during a visit, while choosing, on the technician screen, in the look-up. */
export function idleWatched(state: FlowState): boolean {
  return state.visit !== null || state.choosing || state.technician || state.progressOpen;
}

/** What an idle timeout ends: the technician's session, the progress look-up, or the visit. */
export function idleTimeoutEnds(state: FlowState): 'technician' | 'progress' | 'visit' {
  if (state.technician && !state.visit) return 'technician';
  if (state.progressOpen && !state.visit) return 'progress';
  return 'visit';
}
