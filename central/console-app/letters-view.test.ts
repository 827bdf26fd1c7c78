import { describe, expect, it } from 'vitest';
import { clockView, formatDuration } from './letters-view.js';

describe('mailbox promise clocks on the console', () => {
  const due = '2026-12-01T08:10:00.000Z';
  const at = (iso: string): number => Date.parse(iso);

  it('counts down, then counts overdue, and shows when a clock was met and whether in time', () => {
    expect(clockView({ dueAt: due, metAt: null, by: null }, at('2026-12-01T08:01:30Z'))).toEqual({
      kind: 'running',
      leftMs: 510_000,
    });
    expect(clockView({ dueAt: due, metAt: null, by: null }, at('2026-12-01T08:12:00Z'))).toEqual({
      kind: 'overdue',
      overMs: 120_000,
    });
    expect(
      clockView(
        { dueAt: due, metAt: '2026-12-01T08:04:00.000Z', by: 'officer1' },
        at('2026-12-02T00:00:00Z'),
      ),
    ).toEqual({
      kind: 'met',
      at: at('2026-12-01T08:04:00Z'),
      by: 'officer1',
    });
    expect(clockView({ dueAt: due, metAt: '2026-12-01T08:11:00.000Z', by: 'officer1' }, 0).kind).toBe(
      'met-late',
    );
  });

  it('writes durations as m:ss under an hour and h:mm:ss above', () => {
    expect(formatDuration(510_000)).toBe('8:30');
    expect(formatDuration(48 * 3_600_000 - 1)).toBe('47:59:59');
    expect(formatDuration(-5)).toBe('0:00');
  });
});
