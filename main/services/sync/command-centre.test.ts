import { describe, expect, it } from 'vitest';
import type { UrgentReportStatus } from '../../../contract/central-api.js';
import type { CentralResult } from '../central/client.js';
import { ManualClock } from './clock.js';
import { CommandCentreWatch } from './command-centre.js';

const ID = '01JDQ8ZK3W6S1V4T2M9C0XQH7R';
const NUMBER = 'JW-20261129-000001';

/** A central system answering from a script, one answer per look-up (the last one repeats). */
function scripted(answers: CentralResult<UrgentReportStatus | null>[]): {
  client: { urgentReportStatus: () => Promise<CentralResult<UrgentReportStatus | null>> };
  calls: () => number;
} {
  let calls = 0;
  return {
    client: {
      urgentReportStatus: async () => answers[Math.min(calls++, answers.length - 1)] ?? answers[0]!,
    },
    calls: () => calls,
  };
}

const waiting: CentralResult<UrgentReportStatus | null> = {
  ok: true,
  value: { id: ID, number: NUMBER, status: 'waiting', acknowledgedAt: null },
};
const acknowledged: CentralResult<UrgentReportStatus | null> = {
  ok: true,
  value: { id: ID, number: NUMBER, status: 'acknowledged', acknowledgedAt: '2026-12-01T08:00:30.000Z' },
};
const down: CentralResult<UrgentReportStatus | null> = {
  ok: false,
  error: { code: 'network', message: 'connection refused' },
};

/** Lets the watch's pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CommandCentreWatch', () => {
  it('asks every interval through failures and tells the visit once, when an officer acknowledged', async () => {
    const clock = new ManualClock(0);
    const central = scripted([waiting, down, waiting, acknowledged]);
    const told: [string, string][] = [];
    const watch = new CommandCentreWatch({
      client: central.client,
      wanted: () => true,
      onAcknowledged: (number, at) => told.push([number, at]),
      intervalMs: 1_000,
      clock,
    });
    watch.watch(ID, NUMBER);
    watch.watch(ID, NUMBER);
    await settle();
    expect(central.calls()).toBe(1);
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await settle();
    }
    expect(central.calls()).toBe(4);
    expect(told).toEqual([[NUMBER, '2026-12-01T08:00:30.000Z']]);
    clock.advance(10_000);
    await settle();
    expect(central.calls()).toBe(4);
  });

  it('stops asking once the end screen no longer shows the report', async () => {
    const clock = new ManualClock(0);
    const central = scripted([waiting]);
    let shown = true;
    const watch = new CommandCentreWatch({
      client: central.client,
      wanted: () => shown,
      onAcknowledged: () => undefined,
      intervalMs: 1_000,
      clock,
    });
    watch.watch(ID, NUMBER);
    await settle();
    clock.advance(1_000);
    await settle();
    expect(central.calls()).toBe(2);
    shown = false;
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      await settle();
    }
    expect(central.calls()).toBe(2);
  });
});
