import { describe, expect, it } from 'vitest';
import type { UrgentBoard, UrgentReport } from '../urgent-schemas.js';
import { isEscalated, newlyArrived, serverNow, waitedMs } from './urgent-view.js';

const T0 = Date.parse('2026-12-01T08:00:00Z');

function report(id: string, receivedAt: number, by: string | null = null): UrgentReport {
  return {
    id,
    number: `JW-20261201-${id.slice(-6)}`,
    kioskId: 'bj-dc-01',
    services: [{ serviceId: 'missing-person', name: null }],
    receivedAt: new Date(receivedAt).toISOString(),
    acknowledgement: by === null ? null : { by, at: new Date(receivedAt + 1_000).toISOString() },
  };
}

function board(now: number, open: UrgentReport[], acknowledged: UrgentReport[] = []): UrgentBoard {
  return { now: new Date(now).toISOString(), escalateAfterMs: 60_000, open, acknowledged };
}

const A = '01JDQ8ZK3W6S1V4T2M9C0XQH7A';
const B = '01JDQ8ZK3W6S1V4T2M9C0XQH7B';

describe('urgent page rules', () => {
  it('counts waiting time on the server’s clock, moved on by the page’s own clock', () => {
    const b = board(T0 + 10_000, [report(A, T0)]);
    expect(serverNow(b, 500, 2_500)).toBe(T0 + 12_000);
    // A clock going backwards never makes time run back.
    expect(serverNow(b, 500, 100)).toBe(T0 + 10_000);
    expect(waitedMs(report(A, T0), T0 + 12_000)).toBe(12_000);
    expect(waitedMs(report(A, T0), T0 - 5_000)).toBe(0);
  });

  it('escalates an open report once it has waited the threshold, never an acknowledged one', () => {
    expect(isEscalated(report(A, T0), T0 + 59_999, 60_000)).toBe(false);
    expect(isEscalated(report(A, T0), T0 + 60_000, 60_000)).toBe(true);
    expect(isEscalated(report(A, T0, 'officer-li'), T0 + 600_000, 60_000)).toBe(false);
  });

  it('announces reports that are new since the last board, and nothing on the first one', () => {
    const first = board(T0, [report(A, T0)]);
    expect(newlyArrived(null, first)).toEqual([]);
    const second = board(T0 + 1_000, [report(A, T0), report(B, T0 + 500)]);
    expect(newlyArrived(first, second).map((r) => r.id)).toEqual([B]);
    // An acknowledged report leaving the open list is no arrival.
    const third = board(T0 + 2_000, [report(B, T0 + 500)], [report(A, T0, 'officer-li')]);
    expect(newlyArrived(second, third)).toEqual([]);
  });
});
