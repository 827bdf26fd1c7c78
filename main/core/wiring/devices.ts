import { classifyCode } from '../../../drivers/scanner/classify.js';
import type { ApiDeps, SimulationPort } from '../../api/ports.js';
import { apiError } from '../../api/protocol.js';
import { parseProgressCode } from '../../services/session/progress-lookup.js';
import type { VisitService } from '../../services/session/visit-service.js';
import type { KioskEvents, ScanView } from '../../services/views.js';
import type { KioskStore } from '../../store/index.js';
import { CameraRoles } from '../cameras.js';
import { CAMERA_ROLES, resolveCameraConfig } from '../device-config.js';
import type { DeviceSet, DeviceSimulation } from '../devices.js';
import { deviceStatuses } from '../devices.js';
import { liveDevices, type LiveDeviceSet } from '../live-devices.js';
import type { Logger } from '../log.js';
import type { KioskMode } from '../mode.js';
import { openConfiguredDevices } from '../real-devices.js';
import { createSimulatedDevices } from '../simulated-devices.js';

/** Sends a KioskApi event to every connected renderer. */
export type Emit = <K extends keyof KioskEvents & string>(event: K, payload: KioskEvents[K]) => void;

/**
 * The peripherals: the ones handed in, else the mode's own (simulated on a demonstration kiosk, the configured
 * real drivers in production), live so a technician may give a role another device between visits.
 */
export async function openKioskDevices(deps: {
  readonly given: DeviceSet | undefined;
  readonly mode: KioskMode;
  readonly env: NodeJS.ProcessEnv;
  readonly store: KioskStore;
  readonly log: Logger;
}): Promise<{ readonly devices: LiveDeviceSet; readonly sim: DeviceSimulation | null }> {
  const { mode, env, store, log } = deps;
  const options = { devices: deps.given };
  // Live: a technician may give a role another device between visits, without a restart.
  const devices = liveDevices(
    options.devices ??
      (mode === 'demonstration'
        ? createSimulatedDevices()
        : await openConfiguredDevices({ env, stored: store.deviceConfig, log })),
  );
  // The simulation controls exist on demonstration kiosks only, whatever devices were handed in.
  const sim = mode === 'demonstration' ? devices.simulation : null;
  return { devices, sim };
}

/** The camera roles from their configuration (a misconfigured role is logged and reported, not fatal). */
export async function openCameraRoles(deps: {
  readonly env: NodeJS.ProcessEnv;
  readonly store: KioskStore;
  readonly log: Logger;
}): Promise<CameraRoles> {
  const { env, store, log } = deps;
  const cameras = await resolveCameraConfig({ env, stored: store.deviceConfig });
  for (const role of CAMERA_ROLES)
    if (cameras[role].error) log.warn('camera.misconfigured', { role, reason: cameras[role].error ?? '' });
  // The camera roles: taken up by the next face check when a technician assigns another camera.
  const cameraRoles = new CameraRoles(cameras);
  return cameraRoles;
}

/**
 * The peripherals' events: a card read or failed goes to the visit, status changes and scans to the renderer.
 * Returns the listeners' removers and the keyboard-wedge scan (which classifies a code the same way).
 */
export function wireDeviceEvents(deps: {
  readonly devices: DeviceSet;
  readonly cameraRoles: CameraRoles;
  readonly visits: Pick<VisitService, 'cardRead' | 'cardFailed'>;
  readonly emit: Emit;
  readonly log: Logger;
  readonly progressBases: readonly string[];
}): { readonly offs: (() => void)[]; readonly wedgeScan: ApiDeps['wedgeScan'] } {
  const { devices, cameraRoles, visits, emit, log, progressBases } = deps;
  const offs: (() => void)[] = [];
  offs.push(devices.idCard.on('card-read', (card) => visits.cardRead(card)));
  offs.push(
    devices.idCard.on('read-error', (error) => {
      log.warn('idcard.read-error', { code: error.code, recovery: error.recovery });
      visits.cardFailed(error);
    }),
  );
  /** A link to one of this kiosk's own progress bases (the receipt's QR code) is a progress look-up. */
  const kindOf = (text: string, kind: ScanView['kind']): ScanView['kind'] =>
    kind === 'url' && parseProgressCode(text, progressBases) ? 'progress' : kind;
  const statusChanged = (): void => {
    for (const view of deviceStatuses(devices)) emit('device.status', view);
  };
  offs.push(devices.idCard.on('status', statusChanged));
  offs.push(devices.printer.on('status', statusChanged));
  // Paper running low is no status change (the printer still prints), but the attract screen shows it.
  let paperLow = devices.printer.paperLow ?? false;
  const paperOff = devices.printer.onCondition?.(() => {
    const low = devices.printer.paperLow ?? false;
    if (low === paperLow) return;
    paperLow = low;
    statusChanged();
  });
  if (paperOff) offs.push(paperOff);
  offs.push(devices.scanner.on('status', statusChanged));
  offs.push(
    cameraRoles.events.on('changed', (row) => {
      log.info('camera.status', { role: row.kind, state: row.status.state });
      emit('device.status', row);
    }),
  );
  offs.push(
    devices.scanner.on('scanned', (code) => {
      emit('scanner.scanned', {
        text: code.text,
        kind: kindOf(code.text, code.kind),
        symbology: code.symbology,
        ...(code.gs1 ? { gs1: code.gs1 } : {}),
      });
    }),
  );

  const wedgeScan = (text: string): ReturnType<ApiDeps['wedgeScan']> => {
    const c = classifyCode(text);
    const view: ScanView = { text: c.text, kind: kindOf(c.text, c.kind), symbology: null };
    emit('scanner.scanned', view);
    return { ok: true, value: view };
  };
  return { offs, wedgeScan };
}

/** The `sim.*` methods over the simulated devices (demonstration kiosks only; null elsewhere). */
export function simulationPort(sim: DeviceSimulation | null): SimulationPort | null {
  return sim
    ? {
        fixtures: () => sim.fixtures(),
        placeCard: (fixture) =>
          sim.placeCard(fixture)
            ? { ok: true, value: null }
            : { ok: false, error: apiError('unknown-fixture', fixture) },
        removeCard: () => {
          sim.removeCard();
          return { ok: true, value: null };
        },
        setPaper: (state) => {
          sim.setPaper(state);
          return { ok: true, value: null };
        },
        scan: (text) => {
          void sim.scan(text);
          return { ok: true, value: null };
        },
      }
    : null;
}
