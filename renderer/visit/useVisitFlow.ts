import { startTransition, useCallback, useEffect, useLayoutEffect, useReducer } from 'react';
import type { FieldError } from '../../main/api/form-validation.js';
import type { VisitView } from '../../main/api/views.js';
import { useKiosk, useKioskEvent } from '../api/kiosk.js';
import type { Forms } from '../citizen/FormScreen.js';
import { useI18n } from '../i18n/i18n.js';
import { flowReducer, initialFlow, screenOf, type FlowAction, type FlowState, type Screen } from './flow.js';

/** A refused field of a submitted form, as the form screen shows it. */
export type SubmitError = FieldError & { readonly serviceId: string };

/** The visit's requests to the core, each folding its answer into the flow. */
export interface VisitActions {
  /** Folds a tap (or anything else that needs no request) into the flow. */
  readonly dispatch: (action: FlowAction) => void;
  readonly start: (serviceIds: readonly string[]) => void;
  readonly back: () => void;
  readonly proceed: () => void;
  readonly cancel: () => void;
  /** Sends the forms: null when the visit went on, else the refused fields (empty: see the flow's error). */
  readonly submit: (typed: Forms) => Promise<readonly SubmitError[] | null>;
  readonly finish: (acceptUndelivered: boolean) => void;
  /** Wipes the visit from the page: back to the attract screen. */
  readonly reset: () => void;
}

/** The visit flow: its state, the screen it shows, and the requests that move it on. */
export interface VisitFlow {
  readonly state: FlowState;
  readonly screen: Screen;
  /** Keeps what the citizen typed (state.forms): at once, not as a transition, so typing never lags. */
  readonly setForms: (forms: Forms) => void;
  readonly actions: VisitActions;
}

/**
 * Holds the visit: picks up the one the core holds on every (re)connection, follows the core's visit and scanner
 * events, and sends the citizen's requests. Screen changes are transitions: a screen whose code is still loading
 * (screens load on demand, see screens.ts) leaves the current one on the glass until it can draw.
 */
export function useVisitFlow(): VisitFlow {
  const { api, generation } = useKiosk();
  const { locale, setLocale } = useI18n();
  const [state, rawDispatch] = useReducer(flowReducer, initialFlow);
  const dispatch = useCallback((action: FlowAction) => startTransition(() => rawDispatch(action)), []);
  const setForms = useCallback((forms: Forms) => rawDispatch({ type: 'typed', forms }), []);

  // On every (re)connection, pick up the visit the core holds (e.g. after the page was reloaded mid-visit).
  useEffect(() => {
    if (!api) return;
    let live = true;
    void api['visit.get']().then((r) => {
      if (live && r.ok) dispatch({ type: 'visit-loaded', visit: r.value });
    });
    return () => {
      live = false;
    };
  }, [api, generation, dispatch]);

  const reset = useCallback(() => dispatch({ type: 'reset' }), [dispatch]);
  // Every wipe (also a visit the core ended: expired, finished elsewhere) takes with it what lives outside the
  // flow: the language and the scroll position; before the attract screen is painted, so no frame shows it in
  // the last citizen's language.
  const { wipeKey } = state;
  useLayoutEffect(() => {
    if (wipeKey === 0) return;
    setLocale('zh-CN');
    window.scrollTo(0, 0);
  }, [wipeKey, setLocale]);

  useKioskEvent('visit.changed', (visit) => dispatch({ type: 'visit-changed', visit }));
  useKioskEvent('scanner.scanned', (scan) => {
    dispatch({ type: 'scanned', scan });
    setTimeout(() => dispatch({ type: 'scan-shown', scan }), 8000);
  });

  const answer = useCallback(
    (r: { ok: true; value: VisitView } | { ok: false; error: { messageKey: string } }): void =>
      dispatch(r.ok ? { type: 'answered', visit: r.value } : { type: 'refused', error: r.error.messageKey }),
    [dispatch],
  );

  const start = useCallback(
    (serviceIds: readonly string[]) => {
      if (!api) return;
      dispatch({ type: 'request' });
      void api['visit.start']({ serviceIds: [...serviceIds] }).then(answer);
    },
    [api, dispatch, answer],
  );

  const back = useCallback(() => {
    if (!api) return;
    dispatch({ type: 'request', back: true });
    void api['visit.back']().then((r) => {
      if (r.ok) window.scrollTo(0, 0);
      dispatch(r.ok ? { type: 'answered', visit: r.value } : { type: 'refused', error: r.error.messageKey });
    });
  }, [api, dispatch]);

  const proceed = useCallback(() => {
    if (!api) return;
    dispatch({ type: 'request' });
    void api['visit.proceed']().then(answer);
  }, [api, dispatch, answer]);

  const cancel = useCallback(() => {
    void api?.['visit.cancel']().then((r) => {
      if (r.ok) reset();
      else dispatch({ type: 'refused', error: r.error.messageKey });
    });
  }, [api, reset, dispatch]);

  const visitServiceIds = state.visit?.serviceIds;
  const submit = useCallback(
    async (typed: Forms): Promise<readonly SubmitError[] | null> => {
      if (!api || !visitServiceIds) return null;
      // Only this visit's services: values typed for a service dropped after going back stay unsent.
      const sent = Object.fromEntries(visitServiceIds.map((id) => [id, typed[id] ?? {}]));
      const r = await api['visit.submit']({ locale, forms: sent });
      if (r.ok) {
        dispatch({ type: 'answered', visit: r.value });
        return null;
      }
      if (r.error.code === 'validation-failed' && r.error.detail) {
        try {
          return JSON.parse(r.error.detail) as SubmitError[];
        } catch {
          // A detail that is not the field list: the generic message below says the form was refused.
        }
      }
      dispatch({ type: 'refused', error: r.error.messageKey });
      return [];
    },
    [api, visitServiceIds, locale, dispatch],
  );

  const finish = useCallback(
    (acceptUndelivered: boolean) => {
      void api?.['visit.finish'](acceptUndelivered ? { acceptUndelivered: true } : undefined).then((r) => {
        // An unacknowledged urgent report is not ended by a stray tap: the core says so.
        if (r.ok || r.error.code === 'no-visit') reset();
        else dispatch({ type: 'refused', error: r.error.messageKey });
      });
    },
    [api, reset, dispatch],
  );

  const screen = screenOf(state);
  // A visit without a card has nothing to check: its confirm step (which only repeats the choice) is skipped.
  const skipConfirm = screen.kind === 'confirm' && screen.skip;
  useEffect(() => {
    if (!skipConfirm || !api) return;
    void api['visit.proceed']().then((r) => {
      if (r.ok) dispatch({ type: 'visit-loaded', visit: r.value });
    });
  }, [skipConfirm, api, dispatch]);

  return {
    state,
    screen,
    setForms,
    actions: { dispatch, start, back, proceed, cancel, submit, finish, reset },
  };
}
