import { afterEach, describe, expect, it } from 'vitest';
import type { KioskEvents } from '../../services/views.js';
import { CameraRoles } from '../cameras.js';
import type { DeviceSet } from '../devices.js';
import type { Logger } from '../log.js';
import { createSimulatedDevices } from '../simulated-devices.js';
import { simulationPort, wireDeviceEvents, type Emit } from './devices.js';

/**
 * The devices' wiring alone, on the simulated peripherals: scans reach the renderer classified (a link to one of
 * this kiosk's own progress bases is a progress look-up), and removing the listeners silences them.
 */
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const BASE = 'https://progress.example.test';

let devices: DeviceSet | undefined;
afterEach(async () => {
  await devices?.stop();
  devices = undefined;
});

function wire(): {
  scans: KioskEvents['scanner.scanned'][];
  wiring: ReturnType<typeof wireDeviceEvents>;
  set: DeviceSet;
} {
  const set = createSimulatedDevices();
  devices = set;
  const scans: KioskEvents['scanner.scanned'][] = [];
  const emit: Emit = (event, payload) => {
    if (event === 'scanner.scanned') scans.push(payload as KioskEvents['scanner.scanned']);
  };
  const none = { spec: null, source: 'none' } as const;
  const wiring = wireDeviceEvents({
    devices: set,
    cameraRoles: new CameraRoles({ citizenCamera: none, documentCamera: none }),
    visits: { cardRead: () => undefined, cardFailed: () => undefined },
    emit,
    log: quiet,
    progressBases: [BASE],
  });
  return { scans, wiring, set };
}

/** Waits (with a deadline) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('wireDeviceEvents', () => {
  it("classifies a keyboard-wedge scan of this kiosk's own progress link as a progress look-up", () => {
    const { scans, wiring } = wire();
    const own = wiring.wedgeScan(`${BASE}/progress/JW-20261129-000001?k=0123456789ABCDEFGHJKMNPQRS`);
    const other = wiring.wedgeScan('https://elsewhere.example.test/progress/JW-20261129-000001');
    expect(own).toMatchObject({ ok: true, value: { kind: 'progress' } });
    expect(other).toMatchObject({ ok: true, value: { kind: 'url' } });
    expect(scans.map((s) => s.kind)).toEqual(['progress', 'url']);
  });

  it("passes the scanner's codes on classified, until its listeners are removed", async () => {
    const { scans, wiring, set } = wire();
    await set.start();
    const sim = simulationPort(set.simulation);
    expect(sim).not.toBeNull();
    sim?.scan(`${BASE}/progress/JW-20261129-000002?k=0123456789ABCDEFGHJKMNPQRS`);
    await until(() => scans.length === 1, 'the scan');
    expect(scans[0]?.kind).toBe('progress');
    for (const off of wiring.offs) off();
    // The scanner still reads (a listener of the test's own sees the code), but nothing reaches the renderer.
    const seen = new Promise<string>((resolve) => set.scanner.on('scanned', (code) => resolve(code.text)));
    await set.simulation?.scan('HELLO');
    await expect(seen).resolves.toBe('HELLO');
    expect(scans).toHaveLength(1);
  });
});
