import { useEffect } from 'react';
import { useKiosk } from './kiosk.js';

/** One report per page load: a later return to the attract screen is not a start-up. */
let reported = false;

let markShown: () => void = () => undefined;
const shown = new Promise<void>((resolve) => {
  markShown = resolve;
});

/**
 * Resolves once the first screen is on the glass: work the first screen does not need (the keyboard's
 * dictionaries) waits for it instead of competing with it for the CPU.
 */
export function firstScreenShown(): Promise<void> {
  return shown;
}

/**
 * Tells the core, once per page load, that the first screen is on the glass: after its fonts have loaded and two
 * animation frames have passed (the second runs after the first frame holding the screen was presented). The core
 * logs the start-up time it makes; the start-up benchmark waits for it.
 */
export function useReportFirstScreen(screen: 'attract' | 'out-of-service'): void {
  const { api } = useKiosk();
  useEffect(() => {
    if (reported || !api) return;
    let cancelled = false;
    void document.fonts.ready.then(() =>
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (cancelled || reported) return;
          reported = true;
          markShown();
          // A report that cannot be delivered (the core restarting) costs the citizen nothing; it is not retried.
          void api['kiosk.shown']({ screen, navigationMs: Math.round(performance.now()) }).catch(
            () => undefined,
          );
        }),
      ),
    );
    return () => {
      cancelled = true;
    };
  }, [api, screen]);
}
