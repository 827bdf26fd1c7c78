import { describe, expect, it } from 'vitest';
import { closeKioskCore, type KioskCoreParts } from './shutdown.js';

/** The core's shutdown alone: every part a recorder, so the order is what the test reads back. */
function recordingParts(overrides: Partial<KioskCoreParts> = {}): { parts: KioskCoreParts; calls: string[] } {
  const calls: string[] = [];
  const step = (name: string) => (): void => {
    calls.push(name);
  };
  const async = (name: string) => async (): Promise<void> => {
    await Promise.resolve();
    calls.push(name);
  };
  const timer = setInterval(() => undefined, 60_000);
  const parts: KioskCoreParts = {
    offs: [step('off 1'), step('off 2')],
    timers: [timer],
    tools: { close: step('tools') },
    healthWritten: async('health written'),
    poller: { stop: step('poller') },
    commandCentre: { stop: step('command centre') },
    visits: { dispose: step('visits') },
    sync: { stop: async('sync') },
    devices: { stop: async('devices') },
    store: { close: async('store') },
    log: { info: (event) => calls.push(`log ${event}`) },
    fileLog: { file: { end: step('log file') } },
    ...overrides,
  };
  return { parts, calls };
}

/** Every part's stop, in the order the core must stop them. */
const FULL_ORDER = [
  'off 1',
  'off 2',
  'tools',
  'health written',
  'poller',
  'command centre',
  'visits',
  'sync',
  'devices',
  'store',
  'log core.stopped',
  'log file',
];

describe('closeKioskCore', () => {
  it('stops listeners and timers first, the sync before the devices and the store, the log file last', async () => {
    const { parts, calls } = recordingParts();
    await closeKioskCore(parts);
    expect(calls).toEqual(FULL_ORDER);
  });

  it('waits for each asynchronous stop before the next part (the store never closes under a running upload)', async () => {
    const calls: string[] = [];
    let finishSync: () => void = () => undefined;
    const { parts } = recordingParts({
      sync: {
        stop: () =>
          new Promise<void>((resolve) => {
            finishSync = () => {
              calls.push('sync stopped');
              resolve();
            };
          }),
      },
      store: {
        close: async () => {
          calls.push('store closed');
        },
      },
    });
    const closing = closeKioskCore(parts);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([]);
    finishSync();
    await closing;
    expect(calls).toEqual(['sync stopped', 'store closed']);
  });

  it('a kiosk without central system, poller or log file still closes', async () => {
    const { parts, calls } = recordingParts({ sync: null, poller: null, commandCentre: null, fileLog: null });
    await closeKioskCore(parts);
    const absent = ['sync', 'poller', 'command centre', 'log file'];
    expect(calls).toEqual(FULL_ORDER.filter((step) => !absent.includes(step)));
  });
});
