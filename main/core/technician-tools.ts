/**
 * The technician screen's tools on the running core: discovery (with probes), role assignment applied between
 * visits without a restart (stored in the same device_config rows as `booth config set-device`), the printer's
 * status bits in words, the test page with its preview, the scan test, and the diagnostics bundle written to a
 * USB drive. Hardware problems come back as typed results with a reason, never as exceptions.
 */
import { access, constants, readdir, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { HealthSnapshot } from '../api/health-view.js';
import type { TechnicianToolsPort } from '../api/ports.js';
import type {
  AssignableRole,
  AssignView,
  CameraAssignableRole,
  DiscoveryView,
  ExportTargetView,
  ScanTestView,
} from '../services/technician-views.js';
import { PrinterSimulator } from '../../drivers/printer/simulator.js';
import { renderPaper } from '../../drivers/printer/render.js';
import { testPage } from '../../drivers/printer/test-page.js';
import { printJobOutcome } from '../../drivers/printer/printer.js';
import { nodeHidBackend } from '../../drivers/transport/hid.js';
import type { KioskStore } from '../store/store.js';
import type { CameraRoles } from './cameras.js';
import {
  CAMERA_ENV,
  DEVICE_ENV,
  DEVICE_STORE_ROLE,
  DeviceConfigError,
  cameraSpecSchema,
  formatCameraSpec,
  formatDeviceSpec,
  parseCameraRole,
  parseCameraSpec,
  parseDeviceSpec,
  type CameraRole,
  type CameraSpec,
  type DeviceRole,
} from './device-config.js';
import { diagnosticsFileName, writeDiagnosticsBundle } from './diagnostics.js';
import { DeviceDiscovery, mergedSerialLister, serialNodeLister, type DiscoveryListers } from './discovery.js';
import type { LiveDeviceSet } from './live-devices.js';
import type { Logger } from './log.js';
import { AbsentDevice, createRealDevices, NOT_CONFIGURED, type RealDevicesOptions } from './real-devices.js';

/** What the tools need of the core. */
export interface TechnicianToolsOptions {
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly store: KioskStore;
  readonly devices: LiveDeviceSet;
  /** The camera roles (the renderer opens the cameras; the core keeps their settings and rows). */
  readonly cameras: CameraRoles;
  readonly health: () => Promise<HealthSnapshot>;
  readonly visitInProgress: () => boolean;
  readonly log: Logger;
  /** Secrets held in memory (the central token), kept out of the bundle. */
  readonly secrets: readonly string[];
  /** Folders whose sub-folders are removable drives (default /media, /run/media, /mnt). */
  readonly exportRoots?: readonly string[];
  readonly discoveryListers?: DiscoveryListers;
  readonly realDevices?: RealDevicesOptions;
}

/** The tools: the KioskApi's technician port, and what the core itself calls. */
export interface TechnicianTools extends TechnicianToolsPort {
  /** Applies assignments that waited for the visit to end. */
  afterVisit(): Promise<void>;
  /** Calls back when the discovery list changes. */
  onDiscovery(listener: (view: DiscoveryView) => void): () => void;
  close(): void;
}

const ROLE_OF: Readonly<Record<Exclude<AssignableRole, CameraAssignableRole>, DeviceRole>> = {
  'id-card': 'idCard',
  printer: 'printer',
  scanner: 'scanner',
};

/** Default discovery: the OS serial list (udev) merged with /dev nodes and BOOTH_SERIAL_DIRS; node-hid. */
function defaultListers(env: Readonly<Record<string, string | undefined>>): DiscoveryListers {
  const extra = (env.BOOTH_SERIAL_DIRS ?? '').split(':').filter((d) => d !== '');
  return {
    serial: mergedSerialLister(async () => {
      const { SerialPort } = await import('serialport');
      return SerialPort.list();
    }, serialNodeLister(extra)),
    hid: () => nodeHidBackend.devices(),
  };
}

/** Builds the tools over the running core's parts. */
export function createTechnicianTools(options: TechnicianToolsOptions): TechnicianTools {
  const { devices, store, log } = options;
  const inUse = (): Map<string, string> => {
    const map = new Map<string, string>();
    for (const [role, connection] of Object.entries(devices.connections)) {
      // serial:/dev/ttyUSB0@115200 → /dev/ttyUSB0; hid:0c2e:0b61 stays as it is.
      const serial = /^serial:(.+?)(@\d+)?$/.exec(connection);
      if (serial?.[1]) map.set(serial[1], role);
      else map.set(connection, role);
    }
    return map;
  };
  const discovery = new DeviceDiscovery({
    listers: options.discoveryListers ?? defaultListers(options.env),
    inUse,
  });
  const pending = new Map<DeviceRole, { spec: ReturnType<typeof parseDeviceSpec> }>();
  const pendingCameras = new Map<CameraRole, CameraSpec | null>();

  /**
   * Stores a role's setting in the row `booth config set-device` writes, with its audit entry; returns the
   * environment variable that overrides it at the next start, if one is set.
   */
  const persist = async (
    storeRole: AssignableRole,
    spec: unknown,
    formatted: string,
    variable: string,
  ): Promise<string | null> => {
    await store.deviceConfig.set(storeRole, spec);
    await store.audit.append('device-config.set', 'technician', { role: storeRole, device: formatted });
    return (options.env[variable] ?? '').trim() !== '' ? variable : null;
  };

  /**
   * Stores a camera role like `booth config set-device` does, and puts it in force now or, during a visit,
   * when the visit ends (a face check under way keeps the camera it opened).
   */
  const assignCamera = async (
    storeRole: CameraAssignableRole,
    spec: CameraSpec | null,
  ): Promise<AssignView> => {
    const role = parseCameraRole(storeRole);
    if (!role) return { ok: false, role: storeRole, problem: `unknown role '${storeRole}'` };
    const formatted = formatCameraSpec(spec);
    const overriddenBy = await persist(storeRole, spec, formatted, CAMERA_ENV[role]);
    if (options.visitInProgress()) {
      pendingCameras.set(role, spec);
      return { ok: true, role: storeRole, spec: formatted, applied: 'after-visit', overriddenBy };
    }
    pendingCameras.delete(role);
    options.cameras.set(role, spec);
    log.info('devices.assigned', { role: storeRole, connection: formatted });
    return { ok: true, role: storeRole, spec: formatted, applied: 'now', overriddenBy };
  };

  /** Puts a role's new device in place (stopping the old one). */
  const apply = async (role: DeviceRole, spec: ReturnType<typeof parseDeviceSpec>): Promise<void> => {
    const set = createRealDevices(
      { idCard: null, printer: null, scanner: null, [role]: spec },
      options.realDevices ?? {},
    );
    const connection = set.connections[DEVICE_STORE_ROLE[role]];
    if (role === 'idCard')
      await devices.replace('idCard', spec ? set.idCard : new AbsentDevice(), connection);
    else if (role === 'printer')
      await devices.replace('printer', spec ? set.printer : new AbsentDevice(), connection);
    else await devices.replace('scanner', spec ? set.scanner : new AbsentDevice(), connection);
    log.info('devices.assigned', {
      role: DEVICE_STORE_ROLE[role],
      connection: spec ? connection : NOT_CONFIGURED,
    });
  };

  return {
    async discover() {
      discovery.watch();
      return discovery.refresh();
    },
    probe: (portPath, baudRate) => discovery.probe(portPath, baudRate),
    async assign(storeRole, text) {
      if (storeRole === 'citizen-camera' || storeRole === 'document-camera') {
        try {
          return await assignCamera(storeRole, parseCameraSpec(text, 'the setting'));
        } catch (error) {
          if (error instanceof DeviceConfigError)
            return { ok: false, role: storeRole, problem: error.message };
          throw error;
        }
      }
      const role = ROLE_OF[storeRole];
      let spec: ReturnType<typeof parseDeviceSpec>;
      try {
        spec = parseDeviceSpec(role, text, 'the setting');
      } catch (error) {
        if (error instanceof DeviceConfigError) return { ok: false, role: storeRole, problem: error.message };
        throw error;
      }
      const formatted = formatDeviceSpec(spec);
      const overriddenBy = await persist(storeRole, spec, formatted, DEVICE_ENV[role]);
      if (options.visitInProgress()) {
        pending.set(role, { spec });
        return { ok: true, role: storeRole, spec: formatted, applied: 'after-visit', overriddenBy };
      }
      pending.delete(role);
      await apply(role, spec);
      await discovery.refresh();
      return { ok: true, role: storeRole, spec: formatted, applied: 'now', overriddenBy };
    },
    async assignCamera(storeRole, camera) {
      const parsed = cameraSpecSchema.safeParse(
        camera === null
          ? null
          : {
              kind: 'camera-id',
              deviceId: camera.deviceId,
              ...(camera.label.trim() !== '' ? { label: camera.label } : {}),
            },
      );
      if (camera !== null && !parsed.success)
        return { ok: false, role: storeRole, problem: 'not a camera the browser listed' };
      return assignCamera(storeRole, parsed.success ? parsed.data : null);
    },
    printerBits() {
      const printer = devices.printer;
      const condition = printer.condition ?? null;
      if (!condition) {
        const status = printer.status;
        return {
          read: false,
          flags: [],
          problem: status.state === 'error' ? status.code : status.state,
        };
      }
      const d = condition.details;
      const flags = [
        condition.online ? 'online' : 'offline',
        ...(d.coverOpen ? ['cover-open'] : []),
        ...(d.paperEnd ? ['paper-end'] : []),
        ...(d.paperNearEnd && !d.paperEnd ? ['paper-near-end'] : []),
        ...(d.stoppedAtPaperEnd ? ['stopped-at-paper-end'] : []),
        ...(d.paperFedByButton ? ['paper-fed-by-button'] : []),
        ...(d.feedButtonPressed ? ['feed-button-pressed'] : []),
        ...(d.waitingForRecovery ? ['waiting-for-recovery'] : []),
        ...(d.autocutterError ? ['autocutter-error'] : []),
        ...(d.unrecoverableError ? ['unrecoverable-error'] : []),
        ...(d.autoRecoverableError ? ['auto-recoverable-error'] : []),
        ...(d.recoverableError ? ['recoverable-error'] : []),
        ...(condition.nonStandardFixedBits ? ['non-standard-fixed-bits'] : []),
      ];
      return { read: true, flags, problem: null };
    },
    async printTest() {
      const profile = devices.printer.profile;
      const job = testPage(profile);
      const result = await devices.printer.print(job);
      const outcome = printJobOutcome(result);
      await store.audit.append('technician.printer-test', 'technician', { outcome: outcome.outcome });
      // The preview is the same bytes through the printer simulator's paper model, as the paper shows them.
      let previewPng: string | null = null;
      const width = profile.widthMm === 58 ? 58 : 80;
      try {
        const paper = new PrinterSimulator({ width });
        paper.receive(job);
        previewPng = Buffer.from(renderPaper(paper.paper, { width })).toString('base64');
        paper.dispose();
      } catch (error) {
        log.warn('technician.preview-failed', {
          message: error instanceof Error ? error.message : String(error),
        });
      }
      return {
        ...outcome,
        previewPng,
        widthMm: width,
      };
    },
    scanTest: (timeoutMs) =>
      new Promise<ScanTestView>((resolve) => {
        const status = devices.scanner.status;
        if (status.state === 'no-device' || status.state === 'error') {
          resolve({ scanned: false, code: status.state === 'error' ? status.code : 'no-device' });
          return;
        }
        const timer = setTimeout(() => {
          off();
          resolve({ scanned: false, code: 'no-scan' });
        }, timeoutMs);
        const off = devices.scanner.on('scanned', (code) => {
          clearTimeout(timer);
          off();
          resolve({
            scanned: true,
            text: code.text,
            symbology: code.symbology,
            gs1: code.gs1 ? code.gs1.map((e) => ({ ai: e.ai, value: e.value })) : null,
          });
        });
      }),
    async exportTargets() {
      const targets: ExportTargetView[] = [];
      const roots = options.exportRoots ?? ['/media', '/run/media', '/mnt'];
      const consider = async (dir: string, label: string): Promise<void> => {
        try {
          if (!(await stat(dir)).isDirectory()) return;
          await access(dir, constants.W_OK);
        } catch {
          // Not a writable folder: not offered as an export target.
          return;
        }
        // Free space unknown: shown as such.
        const fs = await statfs(dir).catch(() => null);
        targets.push({ path: dir, label, freeBytes: fs ? fs.bavail * fs.bsize : null });
      };
      for (const root of roots) {
        // /media/<drive> and /media/<user>/<drive>: drives mount one or two levels down.
        for (const first of (await readdir(root).catch(() => [] as string[])).sort()) {
          const one = path.join(root, first);
          const second = (await readdir(one).catch(() => [] as string[])).sort();
          const children = await Promise.all(
            second.map(async (n) =>
              // An unreadable mount point has no drives to offer.
              (await stat(path.join(one, n)).catch(() => null))?.isDirectory() ? n : null,
            ),
          );
          const drives = children.filter((n): n is string => n !== null);
          if (drives.length > 0 && root !== '/mnt')
            for (const d of drives) await consider(path.join(one, d), d);
          else await consider(one, first);
        }
      }
      return targets;
    },
    async exportDiagnostics(target) {
      // Only a folder the kiosk itself offered: the screen cannot name any other path.
      const offered = await this.exportTargets();
      if (!offered.some((t) => t.path === target)) return { ok: false, problem: 'not-an-export-target' };
      try {
        const health = await options.health();
        const file = path.join(target, diagnosticsFileName(health.kioskId, Date.now()));
        const result = await writeDiagnosticsBundle(
          {
            dataDir: options.dataDir,
            env: options.env,
            health,
            attached: await discovery.refresh(),
            deviceConfig: store.deviceConfig,
            audit: () => store.audit.recent(500),
            secrets: options.secrets,
          },
          file,
        );
        await store.audit.append('diagnostics.exported', 'technician', { bytes: result.bytes });
        return { ok: true, file: result.file, bytes: result.bytes };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return {
          ok: false,
          problem:
            code === 'ENOSPC' ? 'disk-full' : code === 'EROFS' ? 'read-only' : (code ?? 'write-failed'),
        };
      }
    },
    async afterVisit() {
      for (const [role, { spec }] of [...pending]) {
        pending.delete(role);
        await apply(role, spec);
      }
      for (const [role, spec] of [...pendingCameras]) {
        pendingCameras.delete(role);
        options.cameras.set(role, spec);
      }
    },
    onDiscovery: (listener) => discovery.events.on('changed', (view) => listener(view)),
    close: () => discovery.stop(),
  };
}
