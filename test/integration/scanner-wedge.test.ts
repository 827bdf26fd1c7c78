import { describe, expect, it } from 'vitest';
import { humanKeystrokes, scannerKeystrokes } from '../../drivers/scanner/wedge-simulator.js';
import { findWedgeScans } from '../../renderer/test-support/wedge-scans.js';

describe('keyboard wedge: simulated scanners vs simulated people', () => {
  it('finds every scan among human typing across scanner speeds and jitter', () => {
    for (const [gapMs, jitterMs] of [
      [2, 0],
      [8, 5],
      [15, 20],
      [25, 15],
    ] as const) {
      let t = 0;
      const next = <T extends { time: number }>(events: T[]): T[] => {
        t = (events.at(-1)?.time ?? t) + 700;
        return events;
      };
      const sequence = [
        ...next(humanKeystrokes('张三 13800000000', { start: t, seed: gapMs })),
        ...next(
          scannerKeystrokes('JW-20261129-000123', { start: t, gapMs, jitterMs, shift: true, seed: gapMs }),
        ),
        ...next(humanKeystrokes('search', { start: t, terminator: 'Enter', seed: gapMs + 1 })),
        ...next(scannerKeystrokes('https://www.gov.cn/', { start: t, gapMs, jitterMs, seed: gapMs + 2 })),
      ];
      expect(
        findWedgeScans(sequence).map((s) => s.text),
        `gap ${gapMs} jitter ${jitterMs}`,
      ).toEqual(['JW-20261129-000123', 'https://www.gov.cn/']);
    }
  });

  it('never mistakes fast human typing for a scan', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const typed = humanKeystrokes('1234567890abcdef', {
        seed,
        minGapMs: 60,
        maxGapMs: 220,
        terminator: 'Enter',
      });
      expect(findWedgeScans(typed)).toEqual([]);
    }
  });

  it('a slow scanner model needs a raised gap', () => {
    const slow = scannerKeystrokes('YY2026112900001230', { gapMs: 60 });
    expect(findWedgeScans(slow)).toEqual([]);
    expect(findWedgeScans(slow, { maxGapMs: 80 }).map((s) => s.text)).toEqual(['YY2026112900001230']);
  });
});
