/**
 * Waiting for events in tests without fixed sleeps and without hanging: `poke()` from every event handler,
 * `until(what, done)` re-checks `done` after each poke and fails after `ms` with what it waited for.
 */
export interface Waiter {
  /** Wakes every pending `until` to re-check its condition. */
  poke(): void;
  /** Resolves once `done()` is true; rejects after `ms` (default 10 s) naming `what`, plus `seen()` if given. */
  until(what: string, done: () => boolean, ms?: number): Promise<void>;
}

/** A waiter; `seen` describes the state so far for the timeout message. */
export function createWaiter(seen: () => string = () => ''): Waiter {
  const waiters = new Set<() => void>();
  return {
    poke(): void {
      for (const wake of [...waiters]) wake();
    },
    async until(what: string, done: () => boolean, ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!done()) {
        const left = deadline - Date.now();
        if (left <= 0) {
          const state = seen();
          throw new Error(`timed out after ${ms} ms waiting for ${what}${state ? `; ${state}` : ''}`);
        }
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
  };
}
