import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { T } from './labels.js';

/** What {@link usePolled} gives a page. */
export interface Polled<D> {
  /** The latest answer and the page clock (performance.now) when it came; null before the first. */
  readonly value: { readonly data: D; readonly at: number } | null;
  /** The last refresh failed (the previous answer, if any, stays shown). */
  readonly failed: boolean;
  /** The page clock at the last one-second tick: times count on between refreshes. */
  readonly clock: number;
  /** Changes the shown answer in place (after an action, before the next refresh). */
  readonly update: (change: (data: D) => D) => void;
}

/** Loads `load` now and every `periodMs`, and ticks a clock every second so that ages and countdowns move. */
export function usePolled<D>(load: () => Promise<D>, periodMs: number): Polled<D> {
  const [value, setValue] = useState<{ data: D; at: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const [clock, setClock] = useState(0);
  const refresh = useCallback((): void => {
    load().then(
      (data) => {
        const at = performance.now();
        setValue({ data, at });
        setClock(at);
        setFailed(false);
      },
      () => setFailed(true),
    );
  }, [load]);
  useEffect(() => {
    refresh();
    const poll = setInterval(refresh, periodMs);
    const tick = setInterval(() => setClock(performance.now()), 1000);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [refresh, periodMs]);
  const update = useCallback(
    (change: (data: D) => D): void =>
      setValue((current) => (current ? { ...current, data: change(current.data) } : current)),
    [],
  );
  return { value, failed, clock, update };
}

/** "The request failed", as an alert beside what is still shown. */
export function FailedNote(): ReactElement {
  return (
    <span role="alert" className="error">
      <T k="failed" />
    </span>
  );
}

/** What a page shows before its first answer: loading, or that the request failed. */
export function Pending({ failed }: { failed: boolean }): ReactElement {
  return failed ? (
    <p role="alert">
      <T k="failed" />
    </p>
  ) : (
    <p>
      <T k="loading" />
    </p>
  );
}
