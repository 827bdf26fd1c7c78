import type { UrgentBoard, UrgentReport } from '../urgent-schemas.js';

/**
 * The urgent page's rules, kept apart from the React code so that they are unit tested: how long a report has
 * waited (on the server's clock), which open reports have escalated, and which reports are new since the last
 * board (to announce them).
 */

/** The server's time now: the board's `now` plus what the page's monotonic clock says has passed since. */
export function serverNow(board: UrgentBoard, receivedAtClock: number, clock: number): number {
  return Date.parse(board.now) + Math.max(0, clock - receivedAtClock);
}

/** How long an open report has waited for an officer, in ms (never negative). */
export function waitedMs(report: UrgentReport, nowMs: number): number {
  return Math.max(0, nowMs - Date.parse(report.receivedAt));
}

/** Escalated: still open, and waiting for at least the board's `escalateAfterMs`. */
export function isEscalated(report: UrgentReport, nowMs: number, escalateAfterMs: number): boolean {
  return report.acknowledgement === null && waitedMs(report, nowMs) >= escalateAfterMs;
}

/** The open reports of `next` that `previous` did not have (none on the first board: nothing "arrived"). */
export function newlyArrived(previous: UrgentBoard | null, next: UrgentBoard): UrgentReport[] {
  if (previous === null) return [];
  const known = new Set([...previous.open, ...previous.acknowledged].map((report) => report.id));
  return next.open.filter((report) => !known.has(report.id));
}
