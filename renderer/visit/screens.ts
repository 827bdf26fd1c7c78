/**
 * The screens the attract screen does not need, loaded on demand: the entry chunk holds only what draws the
 * first screen (attract, out of service, the layout, the keyboard without its dictionaries). Each screen's code
 * (with what only it uses: the date picker, qrcode, the camera and face steps, the technician's panels) is its own
 * chunk from the app's origin, which the CSP allows for scripts. Once the first screen is on the glass they are
 * fetched in idle time, so a tap never waits for them; if one does, the flow's transitions keep the current
 * screen until it can draw.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** A screen loaded on demand, whose code can also be fetched ahead. */
export type LazyScreen<P extends object> = LazyExoticComponent<ComponentType<P>> & {
  readonly preload: () => Promise<unknown>;
};

/** Makes a lazy component of a screen's module, keeping its loader so that it can be fetched ahead. */
function screen<P extends object>(load: () => Promise<ComponentType<P>>): LazyScreen<P> {
  return Object.assign(
    lazy(async () => ({ default: await load() })),
    { preload: load },
  );
}

export const ChooseScreen = screen(() => import('../citizen/ChooseScreen.js').then((m) => m.ChooseScreen));
export const IdentifyScreen = screen(() =>
  import('../citizen/IdentifyScreen.js').then((m) => m.IdentifyScreen),
);
export const ConfirmScreen = screen(() => import('../citizen/ConfirmScreen.js').then((m) => m.ConfirmScreen));
export const FormScreen = screen(() => import('../citizen/FormScreen.js').then((m) => m.FormScreen));
export const DoneScreen = screen(() => import('../citizen/DoneScreen.js').then((m) => m.DoneScreen));
export const ProgressScreen = screen(() =>
  import('../citizen/ProgressScreen.js').then((m) => m.ProgressScreen),
);
export const FaceCheckScreen = screen(() =>
  import('../face/FaceCheckScreen.js').then((m) => m.FaceCheckScreen),
);
export const PhotoScreen = screen(() => import('../face/PhotoScreen.js').then((m) => m.PhotoScreen));
export const TechnicianScreen = screen(() =>
  import('../technician/TechnicianScreen.js').then((m) => m.TechnicianScreen),
);
export const SimulationPanel = screen(() =>
  import('../technician/SimulationPanel.js').then((m) => m.SimulationPanel),
);

/** The citizen's screens after the attract screen, in the order a visit meets them. */
const CITIZEN_SCREENS: readonly { readonly preload: () => Promise<unknown> }[] = [
  ChooseScreen,
  IdentifyScreen,
  ConfirmScreen,
  FormScreen,
  DoneScreen,
  ProgressScreen,
  FaceCheckScreen,
  PhotoScreen,
];

/**
 * Fetches the citizen's screens in idle time (after the first screen is drawn): by the time a citizen taps,
 * their code is there. A fetch that fails is only skipped here: the screen's own load, when it is needed, meets it.
 */
export function preloadCitizenScreens(): void {
  const next = (i: number): void => {
    const s = CITIZEN_SCREENS[i];
    if (!s) return;
    // One at a time, so that the fetches and their parsing never take a frame from the screen shown.
    void s.preload().then(
      () => idle(() => next(i + 1)),
      () => idle(() => next(i + 1)),
    );
  };
  idle(() => next(0));
}

/** Runs `task` when the page is idle (or soon, where idle callbacks do not exist). */
function idle(task: () => void): void {
  // A page already torn down (a DOM test's window closed while the fetches ran) has nothing left to preload.
  if (typeof window === 'undefined') return;
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(task, { timeout: 2000 });
  else setTimeout(task, 0);
}
