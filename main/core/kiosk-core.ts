import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RpcChannel } from '../api/channel.js';
import { buildApi } from '../api/kiosk-api.js';
import type { ApiDeps, CardCheckView, ScreenShownReport, SimulationPort } from '../api/ports.js';
import { apiError } from '../api/protocol.js';
import { RpcServer } from '../api/rpc-server.js';
import type {
  Catalog,
  DeviceStatusView,
  KioskEvents,
  KioskInfo,
  ScanView,
  ServiceStateView,
} from '../services/views.js';
import { CameraRoles } from './cameras.js';
import { CAMERA_ROLES, resolveCameraConfig } from './device-config.js';
import { faceThresholdsFromEnv } from '../services/face/config.js';
import { DEFAULT_FACE_THRESHOLDS } from '../services/face/policy.js';
import { classifyCode } from '../../drivers/scanner/classify.js';
import { checkDigitStatus, maskIdNumber } from '../../drivers/id-card/id-number.js';
import { testPage } from '../../drivers/printer/test-page.js';
import { printJobOutcome } from '../../drivers/printer/printer.js';
import { VendorPhotoDecoder, type PhotoDecoder } from '../../drivers/id-card/photo.js';
import { CatalogService, shippedDefaultLoader } from '../services/catalog/catalog-service.js';
import { CatalogPoller } from '../services/catalog/catalog-poller.js';
import { FileCatalogStore, catalogStoreFiles } from '../services/catalog/catalog-store.js';
import { collectTrustedKeys } from '../services/catalog/signing.js';
import { kioskTrustedKeySources } from '../services/catalog/trust.js';
import type { KioskMode } from './mode.js';
import { readProvisioning } from './provisioning.js';
import { DEV_KIOSK_ID, kioskGroupsFromEnv } from './kiosk-identity.js';
import { serviceAvailability } from '../services/catalog/rules.js';
import type { CatalogService as CatalogEntry } from '../services/catalog/schema.js';
import { VisitService } from '../services/session/visit-service.js';
import {
  createProgressLookup,
  parseProgressCode,
  receiptRecorder,
} from '../services/session/progress-lookup.js';
import { isLoopbackUrl, publicBaseUrlFromEnv } from './public-url.js';
import type { DeviceSet } from './devices.js';
import { deviceStatuses } from './devices.js';
import type { Logger } from './log.js';
import { createFileLogger, createLogger, scrubFields, teeLogger, type RotatingFileOptions } from './log.js';
import { appRootDir, resourcesDir } from './paths.js';
import { createSimulatedDevices } from './simulated-devices.js';
import { liveDevices } from './live-devices.js';
import { createTechnicianTools, type TechnicianToolsOptions } from './technician-tools.js';
import { openConfiguredDevices } from './real-devices.js';
import { createVisitCompletion } from './visit-completion.js';
import { collectHealth, healthDevices, writeHealthFile, type HealthSnapshot } from './health.js';
import { TechnicianAuth } from '../services/technician/technician-auth.js';
import { minFreeBytesFromEnv, openStore, type KioskStore } from '../store/index.js';
import { TransactionService } from '../services/transactions/transactions.js';
import { createCentralClient } from '../services/central/client.js';
import { CommandCentreWatch, createKioskSync, type KioskSync } from '../services/sync/index.js';
import { readSyncState } from '../services/sync/uploader.js';
import { heartbeatHealth } from './health.js';

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

/** The development kiosk token of the local reference central server (demonstration kiosks only). */
export const DEV_KIOSK_TOKEN = 'dev-kiosk-token';

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

/** A renderer's first screen on the glass, timed from the core's start and from the page's navigation. */
export interface ScreenShown extends ScreenShownReport {
  /** Milliseconds from {@link startKioskCore} being called to the report arriving. */
  readonly sinceCoreStartMs: number;
  /** Milliseconds from this process starting (the kiosk's launch) to the report arriving. */
  readonly sinceProcessStartMs: number;
}

/** Whether this kiosk's groups may offer a service at all (opening hours aside). */
function offeredHere(service: CatalogEntry, kioskGroups: readonly string[]): boolean {
  const groupsOnly = { ...service, availability: { kioskGroups: service.availability.kioskGroups ?? [] } };
  return serviceAvailability(groupsOnly, { weekday: 1, minutes: 0 }, kioskGroups).available;
}

/** The app version from package.json ('0.0.0' when it cannot be read). */
export function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(appRootDir(), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    // Version shown in health and heartbeats only; a missing package.json reads as 0.0.0.
    return '0.0.0';
  }
}

/**
 * Starts the kiosk core: peripherals, services and the KioskApi. The same code runs under every host — the
 * Electron utility process, the browser host and the tests.
 */
export async function startKioskCore(options: KioskCoreOptions): Promise<KioskCore> {
  const coreStartedAt = performance.now();
  const fileLog = options.fileLog === false ? null : createFileLogger(options.dataDir, options.fileLog);
  const log = fileLog
    ? teeLogger(options.log ?? createLogger(), fileLog.log)
    : (options.log ?? createLogger());
  const { mode } = options;
  const env = process.env;
  // A damaged enrolment stops the start with its reason: guessing the central system or the token is worse.
  const provisioning = await readProvisioning(options.dataDir);
  if (provisioning && mode === 'demonstration') {
    throw new Error(
      'this data directory is provisioned for a real kiosk (booth provision); it cannot run as a demonstration',
    );
  }
  const kioskId = options.kioskId ?? provisioning?.kioskId ?? env.BOOTH_KIOSK_ID ?? DEV_KIOSK_ID;
  const kioskGroups = options.kioskGroups ?? provisioning?.kioskGroups ?? kioskGroupsFromEnv(env);
  const dataKey = options.dataKey;
  // Opening the store also makes the data directory owner-only (0700, files 0600) and refuses to start when
  // the key of sealed rows is missing; BOOTH_MIN_FREE_MB sets the free space a visit needs to start.
  const store = await openStore({
    dataDir: options.dataDir,
    log,
    minFreeBytes: minFreeBytesFromEnv(env),
    ...(dataKey ? { keyProvider: { getDataKey: async () => dataKey } } : {}),
  });
  const transactions = new TransactionService(store);

  // The catalog: the last good signed catalog applied on this kiosk; on a demonstration kiosk, else the shipped
  // demonstration default. A production kiosk without a trusted catalog is out of service (and keeps polling).
  let visitInProgress = (): boolean => false;
  const trust = collectTrustedKeys(
    kioskTrustedKeySources({ mode, resourcesDir: resourcesDir(), dataDir: options.dataDir, env }),
  );
  for (const refused of trust.refused) log.error('catalog.key-refused', refused);
  const catalogs = new CatalogService({
    store: new FileCatalogStore(options.dataDir),
    trustedKeys: trust.keys,
    kiosk: { kioskId, kioskGroups },
    isVisitInProgress: () => visitInProgress(),
    ...(mode === 'demonstration' ? { loadShippedDefault: shippedDefaultLoader(resourcesDir()) } : {}),
    logger: log,
  });
  await catalogs.init();
  /** The applied catalog as this kiosk offers it (services of other kiosk groups left out); null = out of service. */
  const offeredCatalog = (): Catalog | null => {
    const snapshot = catalogs.current();
    if (!snapshot) return null;
    const { catalog } = snapshot;
    return {
      ...catalog,
      services: catalog.services.filter((s) => offeredHere(s, kioskGroups)),
    };
  };
  /** For code that runs only during a visit, which never starts out of service. */
  const currentCatalog = (): Catalog => {
    const catalog = offeredCatalog();
    if (!catalog) throw new Error('out of service: no usable service catalog');
    return catalog;
  };
  const serviceState = (): ServiceStateView =>
    catalogs.current()
      ? { state: 'in-service' }
      : {
          state: 'out-of-service',
          reason: catalogs.status().expired ? 'catalog-expired' : 'no-trusted-catalog',
        };
  const startState = serviceState();
  if (startState.state === 'out-of-service') log.warn('kiosk.out-of-service', { reason: startState.reason });
  // Live: a technician may give a role another device between visits, without a restart.
  const devices = liveDevices(
    options.devices ??
      (mode === 'demonstration'
        ? createSimulatedDevices()
        : await openConfiguredDevices({ env, stored: store.deviceConfig, log })),
  );
  // The simulation controls exist on demonstration kiosks only, whatever devices were handed in.
  const sim = mode === 'demonstration' ? devices.simulation : null;
  const staticInfo = {
    version: options.appVersion ?? readVersion(),
    kioskId,
    kioskName:
      mode === 'demonstration'
        ? { 'zh-CN': '自助警务舱（演示）', 'zh-HK': '自助警務艙（示範）', en: 'Smart Police Booth (demo)' }
        : { 'zh-CN': '自助警务舱', 'zh-HK': '自助警務艙', en: 'Smart Police Booth' },
    host: options.host,
    mode,
    simulated: sim !== null,
  } as const;
  const centralUrl = options.centralUrl ?? provisioning?.centralUrl;
  // Phones open the receipt's QR link: a configured public base first, then what the enrolment says.
  const progressBaseUrl =
    options.progressBaseUrl ??
    publicBaseUrlFromEnv(env, log) ??
    provisioning?.progressBaseUrl ??
    centralUrl ??
    'http://127.0.0.1';
  const progressLinksLocal = isLoopbackUrl(progressBaseUrl);
  if (progressLinksLocal && mode === 'production') {
    log.warn('config.progress-links-local', { hint: 'set BOOTH_PUBLIC_URL to an address phones reach' });
  }
  /** Bases whose `/progress/<number>` links are this kiosk's receipts (scanned back at the kiosk). */
  const progressBases = [progressBaseUrl, ...(centralUrl ? [centralUrl] : [])];
  const info = (): KioskInfo => ({ ...staticInfo, service: serviceState(), progressLinksLocal });

  // The RPC server is created after the deps, but events need it: broadcast through a late-bound reference.
  let rpc: RpcServer | null = null;
  const emit = <K extends keyof KioskEvents & string>(event: K, payload: KioskEvents[K]): void => {
    rpc?.broadcast(event, payload);
  };

  const centralToken =
    options.centralToken ??
    provisioning?.token ??
    env.BOOTH_CENTRAL_TOKEN ??
    (mode === 'demonstration' ? DEV_KIOSK_TOKEN : undefined);
  if (centralUrl && !centralToken) {
    log.error('central.no-token', {
      hint: 'enrol the kiosk with booth provision, or set BOOTH_CENTRAL_TOKEN',
    });
  }
  const client =
    centralUrl && centralToken
      ? createCentralClient({ baseUrl: centralUrl, token: centralToken, kioskId })
      : null;

  // Card photos: the simulated reader's own decoder, else the vendor library named by BOOTH_WLT_DECODER.
  const photoDecoder: PhotoDecoder | null =
    devices.photoDecoder ??
    (process.env.BOOTH_WLT_DECODER
      ? new VendorPhotoDecoder({ libraryPath: process.env.BOOTH_WLT_DECODER })
      : null);
  // The face check: the core decides from the renderer's score with these thresholds (never the renderer's).
  let faceThresholds = DEFAULT_FACE_THRESHOLDS;
  try {
    faceThresholds = faceThresholdsFromEnv(env);
  } catch (error) {
    log.warn('face.thresholds-invalid', { reason: error instanceof Error ? error.message : 'invalid' });
  }
  const cameras = await resolveCameraConfig({ env, stored: store.deviceConfig });
  for (const role of CAMERA_ROLES)
    if (cameras[role].error) log.warn('camera.misconfigured', { role, reason: cameras[role].error ?? '' });
  // The camera roles: taken up by the next face check when a technician assigns another camera.
  const cameraRoles = new CameraRoles(cameras);
  /** Every device row: the peripherals the core drives, then the cameras the renderer reports. */
  const allStatuses = (): DeviceStatusView[] => [...deviceStatuses(devices), ...cameraRoles.statuses()];
  const visits = new VisitService({
    catalog: currentCatalog,
    faceThresholds,
    // Before any form is typed: a kiosk that cannot save says so up front (nothing is lost).
    checkStorage: () => store.checkStorage(),
    maskIdNumber,
    // A card left on the reader (by the last visit, or placed long before this one) is read again.
    rescanCard: () => devices.idCard.rescan?.(),
    ...(photoDecoder
      ? {
          decodePhoto: async (wlt: Uint8Array) => {
            const r = await photoDecoder.decode(wlt);
            if (!r.ok) log.warn('idcard.photo-undecoded', { code: r.error.code });
            return r.ok ? r.value.bmp : null;
          },
        }
      : {}),
    onChange: (visit) => emit('visit.changed', visit),
    onEnded: (reason) => {
      log.info('visit.ended', { reason });
      // Between visits is the only time a staged catalog may take over, or an expired one be withdrawn, and
      // a device a technician assigned during the visit is put in place.
      void catalogs.applyStagedIfIdle().then(() => withdrawIfExpired());
      void tools.afterVisit().catch((error: unknown) =>
        log.error('devices.assign-failed', {
          message: error instanceof Error ? error.message : String(error),
        }),
      );
    },
    complete: createVisitCompletion({
      transactions,
      printer: {
        print: (bytes) => devices.printer.print(bytes),
        // Read at each receipt: a technician may have assigned a printer of another width.
        get profile() {
          return devices.printer.profile;
        },
      },
      catalogVersion: () => catalogs.current()?.version ?? null,
      demonstration: () => currentCatalog().demonstration,
      kioskId,
      kioskName: staticInfo.kioskName,
      progressBaseUrl,
      recordReceipt: receiptRecorder(store),
      log,
    }),
  });
  visitInProgress = () => visits.inProgress;
  const offs: (() => void)[] = [];
  offs.push(catalogs.events.on('applied', ({ version }) => emit('catalog.changed', { version })));
  offs.push(catalogs.events.on('expired', () => emit('catalog.changed', { version: null })));
  /** Between visits: an applied catalog past its expiry is withdrawn (out of service); see CatalogService. */
  function withdrawIfExpired(): void {
    if (!visits.inProgress) catalogs.checkExpiry();
  }
  const poller = client
    ? new CatalogPoller({
        service: catalogs,
        fetchCatalog: (etag, signal) => client.fetchCatalog(etag, signal),
        logger: log,
      })
    : null;
  // Between visits, every 30 s: apply a catalog staged mid-visit, and pick up one a technician applied to this
  // data directory from a USB drive (`booth catalog apply`) while the kiosk was running.
  const appliedFile = path.join(options.dataDir, 'catalog', catalogStoreFiles.applied);
  const appliedStamp = (): number => {
    try {
      return statSync(appliedFile).mtimeMs;
    } catch {
      // No applied catalog file yet: stamp 0, so the first one written is noticed.
      return 0;
    }
  };
  let lastAppliedStamp = appliedStamp();
  const catalogTick = async (): Promise<void> => {
    if (visits.inProgress) return;
    const stamp = appliedStamp();
    if (stamp !== lastAppliedStamp) {
      lastAppliedStamp = stamp;
      const before = catalogs.current()?.version ?? null;
      await catalogs.init();
      const after = catalogs.current()?.version ?? null;
      if (after !== before) {
        log.info('catalog.reloaded', { version: after });
        emit('catalog.changed', { version: after });
      }
    }
    await catalogs.applyStagedIfIdle();
    withdrawIfExpired();
  };
  const applyTimer = setInterval(
    () =>
      void catalogTick().catch((error: unknown) => {
        // Catalog files hold no personal data, so the message is safe to log.
        log.error('catalog.tick-failed', { message: error instanceof Error ? error.message : String(error) });
      }),
    options.catalogCheckIntervalMs ?? 30_000,
  );
  applyTimer.unref();
  /** The health snapshot: the heartbeat, `booth health` (through health.json) and the technician screen. */
  const health = (): Promise<HealthSnapshot> =>
    collectHealth({
      version: staticInfo.version,
      kioskId,
      mode,
      dataDir: options.dataDir,
      live: true,
      service: () => serviceState().state,
      outbox: () => (sync ? sync.state() : readSyncState(store)),
      central: () => {
        const last = sync?.heartbeat.lastOutcome() ?? null;
        return {
          configured: client !== null,
          reachable: last ? last.ok : null,
          latencyMs: last?.latencyMs ?? null,
          checkedAt: last?.at ?? null,
          error: last?.error ?? null,
        };
      },
      catalog: () => catalogs.status(),
      devices: () => healthDevices(allStatuses()),
    });
  const commandCentre = client
    ? new CommandCentreWatch({
        client,
        wanted: (number) => visits.awaitsCommandCentre(number),
        onAcknowledged: (number, at) => visits.commandCentreAcknowledged(number, at),
        log,
        ...(options.commandCentrePollMs !== undefined ? { intervalMs: options.commandCentrePollMs } : {}),
      })
    : null;
  const sync = client
    ? createKioskSync({
        health: async () => heartbeatHealth(await health()),
        store,
        transactions,
        log,
        client,
        kioskId,
        appVersion: staticInfo.version,
        ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
        devices: () =>
          Object.fromEntries(
            allStatuses().map((d) => [
              d.kind,
              { state: d.status.state, ...(d.status.state === 'error' ? { code: d.status.code } : {}) },
            ]),
          ),
        catalogVersion: () => catalogs.current()?.version ?? null,
        lastCatalogRejection: () => poller?.currentReport().lastCatalogRejection,
        kioskGroups,
      })
    : null;
  if (sync) {
    offs.push(sync.events.on('acknowledged', ({ number }) => visits.acknowledged(number)));
    // Stored is not acknowledged by an officer: while its end screen shows, ask about an urgent report.
    offs.push(
      sync.events.on('acknowledged', ({ id, number, urgent }) => {
        if (urgent && visits.awaitsCommandCentre(number)) commandCentre?.watch(id, number);
      }),
    );
    offs.push(
      sync.events.on('attempt-failed', ({ items }) => {
        for (const item of items) visits.deliveryFailed(item.number);
      }),
    );
    offs.push(sync.events.on('rejected', ({ number }) => visits.rejected(number)));
    offs.push(sync.events.on('state', (state) => emit('sync.state', state)));
  }

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

  const simulation: SimulationPort | null = sim
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

  if (sync && poller) {
    offs.push(sync.events.on('catalog-announced', (announced) => void poller.onAnnouncement(announced)));
  }

  const tools = createTechnicianTools({
    dataDir: options.dataDir,
    env,
    store,
    devices,
    cameras: cameraRoles,
    health,
    visitInProgress: () => visits.inProgress,
    log,
    secrets: centralToken ? [centralToken] : [],
    ...(options.technicianTools ?? {}),
  });
  offs.push(tools.onDiscovery((view) => emit('technician.discovery', view)));
  const technicianAuth = new TechnicianAuth(store, {
    // The demonstration PIN exists on demonstration kiosks only.
    demonstration: mode === 'demonstration',
  });
  const shownListeners = new Set<(shown: ScreenShown) => void>();
  const screenShown = (report: ScreenShownReport): void => {
    const now = performance.now();
    const shown: ScreenShown = {
      ...report,
      sinceCoreStartMs: Math.round(now - coreStartedAt),
      sinceProcessStartMs: Math.round(now),
    };
    // The start-up time on site: how long a citizen would have waited for the first screen after a restart.
    log.info('screen.shown', { ...shown });
    for (const listener of shownListeners) listener(shown);
  };
  const deps: ApiDeps = {
    info,
    screenShown,
    catalog: offeredCatalog,
    visits,
    devices: allStatuses,
    wedgeScan,
    progress: createProgressLookup({
      store,
      transactions,
      kioskId,
      catalog: offeredCatalog,
      baseUrls: progressBases,
      ...(client ? { centralProgress: (number, signal) => client.progress(number, signal) } : {}),
      ...(client ? { centralMailbox: (tracking, signal) => client.mailboxStatus(tracking, signal) } : {}),
    }),
    simulation,
    faceSettings: () => cameraRoles.faceSettings(),
    camerasReported: (report) => cameraRoles.reported(report),
    technician: {
      login: (connectionId, pin) => technicianAuth.login(connectionId, pin),
      logout: (connectionId) => technicianAuth.logout(connectionId),
      isSignedIn: (connectionId) => technicianAuth.isSignedIn(connectionId),
      changePin: (connectionId, current, next) => technicianAuth.changePin(connectionId, current, next),
      overview: async () => {
        const status = catalogs.status();
        const syncState = await sync?.state();
        const audit = await store.audit.recent(20);
        return {
          version: staticInfo.version,
          kioskId,
          mode,
          modeReason: options.modeReason ?? mode,
          service: serviceState(),
          devices: allStatuses(),
          catalog: {
            appliedVersion: status.appliedVersion,
            appliedSource: status.appliedSource,
            stagedVersion: status.stagedVersion,
            lastRejection: status.lastRejection,
            expiresAt: status.expiresAt,
            expired: status.expired,
            floorVersion: status.floorVersion,
            trustedKeyIds: trust.keys.map((k) => k.keyId),
            refusedKeyFiles: trust.refused,
          },
          sync: syncState ?? null,
          audit: audit.map((a) => ({
            event: a.event,
            at: new Date(a.at).toISOString(),
            details: scrubFields(a.details),
          })),
        };
      },
      printTestPage: async () => {
        const result = await devices.printer.print(testPage(devices.printer.profile));
        const outcome = printJobOutcome(result);
        await store.audit.append('technician.printer-test', 'technician', { outcome: outcome.outcome });
        return outcome;
      },
      readCard: (timeoutMs) =>
        new Promise((resolve) => {
          const finish = (view: CardCheckView): void => {
            clearTimeout(timer);
            offRead();
            offError();
            // The test card must not become the next citizen's card.
            visits.forgetRecentCard();
            resolve(view);
          };
          const timer = setTimeout(() => finish({ read: false, code: 'no-card' }), timeoutMs);
          const offRead = devices.idCard.on('card-read', (card) =>
            finish({
              read: true,
              cardType: card.cardType,
              idNumberMasked: maskIdNumber(card.idNumber),
              checkDigit: checkDigitStatus(card.idNumber),
            }),
          );
          const offError = devices.idCard.on('read-error', (error) =>
            finish({ read: false, code: error.code }),
          );
        }),
      health,
      tools,
      checkCatalog: async () => {
        if (!poller) return 'no-central';
        const outcome = await poller.pollNow();
        return outcome.kind === 'offered' ? outcome.result.outcome : outcome.kind;
      },
    },
  };
  rpc = new RpcServer(buildApi(deps), (event, fields) => log.warn(event, fields));
  await devices.start();
  await sync?.start();
  poller?.start();
  // The latest snapshot on disk, for `booth health` and the diagnostics bundle (a separate process each).
  let healthWrite: Promise<void> = Promise.resolve();
  const saveHealth = (): void => {
    healthWrite = healthWrite
      .then(() => health())
      .then((snapshot) => writeHealthFile(options.dataDir, snapshot))
      .catch((error: unknown) =>
        log.warn('health.write-failed', { message: error instanceof Error ? error.message : String(error) }),
      );
  };
  saveHealth();
  const healthTimer = setInterval(saveHealth, options.healthIntervalMs ?? 10_000);
  healthTimer.unref();
  log.info('core.started', {
    host: options.host,
    mode,
    service: serviceState().state,
    catalogVersion: catalogs.current()?.version ?? null,
    central: centralUrl ? 'configured' : 'none',
  });

  const server = rpc;
  return {
    rpc: server,
    devices,
    store,
    sync,
    connect: (channel) => server.connect(channel),
    onScreenShown(listener) {
      shownListeners.add(listener);
      return () => shownListeners.delete(listener);
    },
    async close() {
      for (const off of offs) off();
      clearInterval(applyTimer);
      clearInterval(healthTimer);
      tools.close();
      await healthWrite;
      poller?.stop();
      commandCentre?.stop();
      visits.dispose();
      await sync?.stop();
      await devices.stop();
      await store.close();
      log.info('core.stopped', {});
      fileLog?.file.end();
    },
  };
}
