import {
  KeyboardWedgeClassifier,
  type WedgeKey,
  type WedgeOptions,
  type WedgeScan,
} from '../scanner/wedge.js';

/** Runs a whole key sequence through a fresh classifier; returns every scan in it. */
export function findWedgeScans(keys: readonly WedgeKey[], options: WedgeOptions = {}): WedgeScan[] {
  const classifier = new KeyboardWedgeClassifier(options);
  const scans: WedgeScan[] = [];
  for (const k of keys) {
    const scan = classifier.feed(k);
    if (scan) scans.push(scan);
  }
  return scans;
}
