import type { ScreenShownReport } from '../../api/ports.js';
import type { Logger } from '../log.js';

/** A renderer's first screen on the glass, timed from the core's start and from the page's navigation. */
export interface ScreenShown extends ScreenShownReport {
  /** Milliseconds from startKioskCore being called to the report arriving. */
  readonly sinceCoreStartMs: number;
  /** Milliseconds from this process starting (the kiosk's launch) to the report arriving. */
  readonly sinceProcessStartMs: number;
}

/** The renderer's `kiosk.shown` report: logged with the start-up times, and told to listeners (benchmarks). */
export function screenShownReporter(
  coreStartedAt: number,
  log: Logger,
): {
  readonly screenShown: (report: ScreenShownReport) => void;
  onScreenShown(listener: (shown: ScreenShown) => void): () => void;
} {
  const shownListeners = new Set<(shown: ScreenShown) => void>();
  const screenShown = (report: ScreenShownReport): void => {
    const now = performance.now();
    const shown: ScreenShown = {
      ...report,
      sinceCoreStartMs: Math.round(now - coreStartedAt),
      sinceProcessStartMs: Math.round(now),
    };
    // The start-up time on site: how long a citizen would have waited for the first screen after a restart.
    log.info('screen.shown', { ...shown });
    for (const listener of shownListeners) listener(shown);
  };
  return {
    screenShown,
    onScreenShown(listener) {
      shownListeners.add(listener);
      return () => shownListeners.delete(listener);
    },
  };
}
