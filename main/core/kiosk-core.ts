import type { RpcChannel } from '../api/channel.js';
import { buildApi } from '../api/kiosk-api.js';
import { RpcServer } from '../api/rpc-server.js';
import type { DeviceStatusView, KioskEvents, KioskInfo } from '../services/views.js';
import type { KioskStore } from '../store/index.js';
import type { KioskSync } from '../services/sync/index.js';
import type { DeviceSet } from './devices.js';
import { deviceStatuses } from './devices.js';
import type { Logger } from './log.js';
import type { RotatingFileOptions } from './log.js';
import type { KioskMode } from './mode.js';
import type { TechnicianToolsOptions } from './technician-tools.js';
import { catalogPoller, openKioskCatalog, startCatalogChecks } from './wiring/catalog.js';
import { openCameraRoles, openKioskDevices, wireDeviceEvents } from './wiring/devices.js';
import { kioskHealth, startHealthFile } from './wiring/health.js';
import { openKioskBase } from './wiring/base.js';
import { centralSettings, kioskStaticInfo } from './wiring/settings.js';
import { screenShownReporter, type ScreenShown } from './wiring/screen-shown.js';
import { closeKioskCore } from './wiring/shutdown.js';
import { kioskApiDeps } from './wiring/api.js';
import { wireKioskSync } from './wiring/sync.js';
import { wireTechnician } from './wiring/technician.js';
import { createKioskVisits } from './wiring/visits.js';

export { DEV_KIOSK_TOKEN, readVersion } from './wiring/settings.js';

/** How the core is started by a host. */
export interface KioskCoreOptions {
  readonly dataDir: string;
  /**
   * Demonstration (simulated peripherals, the demonstration catalog and key, the demo PIN, `sim.*` methods) or
   * production (none of them). Decided once by the host (main/core/mode.ts).
   */
  readonly mode: KioskMode;
  /** Why this mode (shown to technicians). */
  readonly modeReason?: string;
  readonly host: 'electron' | 'browser';
  /** The data key unsealed by the Electron host (safeStorage); the browser host uses a 0600 key file. */
  readonly dataKey?: Uint8Array;
  /**
   * The central API; without it transactions wait in the outbox (e.g. a kiosk set up offline). Default: the
   * kiosk's enrolment (`booth provision`).
   */
  readonly centralUrl?: string;
  /** Default: the enrolment's token, else BOOTH_CENTRAL_TOKEN; the development token on demonstration kiosks only. */
  readonly centralToken?: string;
  readonly kioskId?: string;
  /**
   * Where the receipt's QR code points: `<base>/progress/<number>?k=<key>`. Default: `BOOTH_PUBLIC_URL`, else
   * the enrolment's progress base, else the central URL (a loopback one only works on this machine).
   */
  readonly progressBaseUrl?: string;
  /** Heartbeat period (ms). */
  readonly heartbeatIntervalMs?: number;
  /** How often the end screen of an urgent report asks whether the command centre acknowledged it (default 2 s). */
  readonly commandCentrePollMs?: number;
  /** Where diagnostics may be exported, how devices are discovered and opened (tests set these). */
  readonly technicianTools?: Pick<TechnicianToolsOptions, 'exportRoots' | 'discoveryListers' | 'realDevices'>;
  /** How often the health snapshot is written to `<data dir>/health.json` (ms, default 10 s). */
  readonly healthIntervalMs?: number;
  /** How often, between visits, staged catalogs and catalogs applied from a USB drive are taken up (ms). */
  readonly catalogCheckIntervalMs?: number;
  /** The app version (the Electron host passes the packaged app's); default: package.json's. */
  readonly appVersion?: string;
  /** The kiosk groups this kiosk belongs to (e.g. `hk-macao-zone`); services limited to other groups are hidden. */
  readonly kioskGroups?: readonly string[];
  readonly log?: Logger;
  /**
   * The kiosk's own log file, `<data dir>/logs/booth.log`, rotated at a size cap (what the diagnostics bundle
   * collects); every line also goes to `log`. `false`: no file (benchmarks).
   */
  readonly fileLog?: false | Omit<RotatingFileOptions, 'file'>;
  /** Peripherals to use instead of the mode's own (real drivers, or test doubles). */
  readonly devices?: DeviceSet;
}

/** The running core. */
export interface KioskCore {
  /** Serves the KioskApi on a channel until it closes. */
  connect(channel: RpcChannel): () => void;
  /** The RPC server (tests and benchmarks call `handle` directly). */
  readonly rpc: RpcServer;
  readonly devices: DeviceSet;
  readonly store: KioskStore;
  /** Uploader, heartbeat and purge schedule; present when a central URL was configured. */
  readonly sync: KioskSync | null;
  /** Calls `listener` each time a renderer reports its first screen drawn (start-up figures; benchmarks). */
  onScreenShown(listener: (shown: ScreenShown) => void): () => void;
  close(): Promise<void>;
}

export type { ScreenShown } from './wiring/screen-shown.js';

/**
 * Starts the kiosk core: peripherals, services and the KioskApi. The same code runs under every host — the
 * Electron utility process, the browser host and the tests.
 */
export async function startKioskCore(options: KioskCoreOptions): Promise<KioskCore> {
  const coreStartedAt = performance.now();
  const env = process.env;
  const { base, fileLog, provisioning } = await openKioskBase(options, env);
  const { mode, dataDir, kioskId, store, transactions, log } = base;

  let visitInProgress = (): boolean => false;
  const catalog = await openKioskCatalog({ ...base, visitInProgress: () => visitInProgress() });
  const { trust, catalogs, offeredCatalog, serviceState } = catalog;
  const { devices, sim } = await openKioskDevices({ ...base, given: options.devices });
  const staticInfo = kioskStaticInfo({ options, kioskId, simulated: sim !== null });
  const central = centralSettings({ ...base, options, provisioning });
  const { centralUrl, progressBases, centralToken, client } = central;
  const info = (): KioskInfo => ({
    ...staticInfo,
    service: serviceState(),
    progressLinksLocal: central.progressLinksLocal,
  });

  // The RPC server is created after the deps, but events need it: broadcast through a late-bound reference.
  let rpc: RpcServer | null = null;
  const emit = <K extends keyof KioskEvents & string>(event: K, payload: KioskEvents[K]): void => {
    rpc?.broadcast(event, payload);
  };
  const kiosk = { ...base, emit, catalogs, version: staticInfo.version, devices };

  const cameraRoles = await openCameraRoles(base);
  /** Every device row: the peripherals the core drives, then the cameras the renderer reports. */
  const allStatuses = (): DeviceStatusView[] => [...deviceStatuses(devices), ...cameraRoles.statuses()];
  const visits = createKioskVisits({
    ...kiosk,
    currentCatalog: catalog.currentCatalog,
    withdrawIfExpired: () => withdrawIfExpired(),
    tools: { afterVisit: () => technician.tools.afterVisit() },
    kioskName: staticInfo.kioskName,
    progressBaseUrl: central.progressBaseUrl,
  });
  visitInProgress = () => visits.inProgress;
  const offs: (() => void)[] = [];
  offs.push(catalogs.events.on('applied', ({ version }) => emit('catalog.changed', { version })));
  offs.push(catalogs.events.on('expired', () => emit('catalog.changed', { version: null })));
  /** Between visits: an applied catalog past its expiry is withdrawn (out of service); see CatalogService. */
  function withdrawIfExpired(): void {
    if (!visits.inProgress) catalogs.checkExpiry();
  }
  const poller = catalogPoller(client, catalogs, log);
  const catalogTimer = startCatalogChecks({
    ...kiosk,
    visits,
    withdrawIfExpired,
    intervalMs: options.catalogCheckIntervalMs,
  });
  const health = kioskHealth({ ...kiosk, serviceState, client, allStatuses, sync: () => sync });
  const { sync, commandCentre, ...syncWiring } = wireKioskSync({
    ...kiosk,
    ...{ client, health, allStatuses, poller, visits },
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    commandCentrePollMs: options.commandCentrePollMs,
  });
  const deviceEvents = wireDeviceEvents({ ...kiosk, cameraRoles, visits, progressBases });
  const technician = wireTechnician({
    ...kiosk,
    ...{ cameraRoles, health, visits, centralToken, trust, sync, poller, serviceState, allStatuses },
    technicianTools: options.technicianTools,
    modeReason: options.modeReason,
  });
  offs.push(...syncWiring.offs, ...deviceEvents.offs, ...technician.offs);
  const { screenShown, onScreenShown } = screenShownReporter(coreStartedAt, log);
  const deps = kioskApiDeps({
    ...{ info, screenShown, offeredCatalog, visits, allStatuses, wedgeScan: deviceEvents.wedgeScan },
    ...{ store, transactions, kioskId, progressBases, client, sim, cameraRoles, technician: technician.port },
  });
  rpc = new RpcServer(buildApi(deps), (event, fields) => log.warn(event, fields));
  await devices.start();
  await sync?.start();
  poller?.start();
  const healthFile = startHealthFile({ dataDir, health, log, intervalMs: options.healthIntervalMs });
  log.info('core.started', {
    host: options.host,
    mode,
    service: serviceState().state,
    catalogVersion: catalogs.current()?.version ?? null,
    central: centralUrl ? 'configured' : 'none',
  });

  const server = rpc;
  const timers = [catalogTimer, healthFile.timer];
  const parts = { offs, timers, tools: technician.tools, healthWritten: healthFile.flushed, poller };
  return {
    ...{ rpc: server, devices, store, sync, onScreenShown },
    connect: (channel) => server.connect(channel),
    close: () => closeKioskCore({ ...parts, commandCentre, visits, sync, devices, store, log, fileLog }),
  };
}
