import { useEffect, useRef } from 'react';
import { KeyboardWedgeClassifier } from './wedge.js';

/**
 * Listens for keyboard-wedge scanners: a burst of keys typed faster than a person can, ended by Enter, is a
 * scan. The code goes to the core (which classifies and broadcasts it); a person's typing is left alone —
 * nothing is held back, since the first keys of a burst cannot be told from typing until the burst completes.
 */
export function useWedgeScanner(onScan: (text: string) => void, enabled: boolean): void {
  const latest = useRef(onScan);
  useEffect(() => {
    latest.current = onScan;
  });
  useEffect(() => {
    if (!enabled) return;
    const classifier = new KeyboardWedgeClassifier();
    const onKey = (event: KeyboardEvent): void => {
      const scan = classifier.feed({ key: event.key, time: event.timeStamp });
      if (scan) {
        // Only the scanner's closing Enter is swallowed, so it does not also submit a focused form.
        event.preventDefault();
        latest.current(scan.text);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [enabled]);
}
