import { checkDigitStatus, maskIdNumber } from '../../../drivers/id-card/id-number.js';
import { testPage } from '../../../drivers/printer/test-page.js';
import { printJobOutcome } from '../../../drivers/printer/printer.js';
import type { TrustedKeyCollection } from '../../../contract/catalog/signing.js';
import type { CardCheckView, TechnicianPort } from '../../api/ports.js';
import type { CatalogPoller } from '../../services/catalog/catalog-poller.js';
import type { CatalogService } from '../../services/catalog/catalog-service.js';
import type { VisitService } from '../../services/session/visit-service.js';
import type { KioskSync } from '../../services/sync/index.js';
import { TechnicianAuth } from '../../services/technician/technician-auth.js';
import type { DeviceStatusView, ServiceStateView, TechnicianOverview } from '../../services/views.js';
import type { KioskStore } from '../../store/index.js';
import type { CameraRoles } from '../cameras.js';
import type { LiveDeviceSet } from '../live-devices.js';
import type { HealthSnapshot } from '../health.js';
import { scrubFields, type Logger } from '../log.js';
import type { KioskMode } from '../mode.js';
import {
  createTechnicianTools,
  type TechnicianTools,
  type TechnicianToolsOptions,
} from '../technician-tools.js';
import type { Emit } from './devices.js';

/** The technician's side of the KioskApi, its tools (export, discovery, device assignment) and their listeners. */
export interface KioskTechnician {
  readonly tools: TechnicianTools;
  readonly port: TechnicianPort;
  readonly offs: (() => void)[];
}

/** Technician tools, PIN sign-in and the technician screen's methods. */
export function wireTechnician(deps: {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly store: KioskStore;
  readonly devices: LiveDeviceSet;
  readonly cameraRoles: CameraRoles;
  readonly health: () => Promise<HealthSnapshot>;
  readonly visits: VisitService;
  readonly log: Logger;
  readonly centralToken: string | undefined;
  readonly technicianTools:
    Pick<TechnicianToolsOptions, 'exportRoots' | 'discoveryListers' | 'realDevices'> | undefined;
  readonly emit: Emit;
  readonly mode: KioskMode;
  readonly modeReason: string | undefined;
  readonly version: string;
  readonly kioskId: string;
  readonly catalogs: CatalogService;
  readonly trust: TrustedKeyCollection;
  readonly sync: KioskSync | null;
  readonly poller: CatalogPoller | null;
  readonly serviceState: () => ServiceStateView;
  readonly allStatuses: () => DeviceStatusView[];
}): KioskTechnician {
  const { env, store, devices, cameraRoles, health, visits, log, centralToken, emit, mode } = deps;
  const { poller } = deps;
  const options = {
    dataDir: deps.dataDir,
    technicianTools: deps.technicianTools,
    modeReason: deps.modeReason,
  };
  const offs: (() => void)[] = [];
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
  const port: TechnicianPort = {
    login: (connectionId, pin) => technicianAuth.login(connectionId, pin),
    logout: (connectionId) => technicianAuth.logout(connectionId),
    isSignedIn: (connectionId) => technicianAuth.isSignedIn(connectionId),
    changePin: (connectionId, current, next) => technicianAuth.changePin(connectionId, current, next),
    overview: () => technicianOverview({ ...deps, modeReason: options.modeReason ?? mode }),
    printTestPage: async () => {
      const result = await devices.printer.print(testPage(devices.printer.profile));
      const outcome = printJobOutcome(result);
      await store.audit.append('technician.printer-test', 'technician', { outcome: outcome.outcome });
      return outcome;
    },
    readCard: (timeoutMs) => readTestCard(devices, visits, timeoutMs),
    health,
    tools,
    checkCatalog: async () => {
      if (!poller) return 'no-central';
      const outcome = await poller.pollNow();
      if (outcome.kind !== 'offered') return outcome.kind;
      return outcome.result.ok ? outcome.result.value.outcome : outcome.result.error.code;
    },
  };
  return { tools, port, offs };
}

/** What the technician screen's overview shows: the kiosk, its service, devices, catalog, sync and recent audit. */
async function technicianOverview(deps: {
  readonly version: string;
  readonly kioskId: string;
  readonly mode: KioskMode;
  readonly modeReason: string;
  readonly store: KioskStore;
  readonly catalogs: CatalogService;
  readonly trust: TrustedKeyCollection;
  readonly sync: KioskSync | null;
  readonly serviceState: () => ServiceStateView;
  readonly allStatuses: () => DeviceStatusView[];
}): Promise<TechnicianOverview> {
  const { catalogs, trust, sync, store } = deps;
  const status = catalogs.status();
  const syncState = await sync?.state();
  const audit = await store.audit.recent(20);
  return {
    version: deps.version,
    kioskId: deps.kioskId,
    mode: deps.mode,
    modeReason: deps.modeReason,
    service: deps.serviceState(),
    devices: deps.allStatuses(),
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
}

/**
 * The technician's card test: the next card read (or read error) within `timeoutMs`, masked. The test card is
 * forgotten afterwards, so it does not become the next citizen's card.
 */
function readTestCard(
  devices: LiveDeviceSet,
  visits: VisitService,
  timeoutMs: number,
): Promise<CardCheckView> {
  return new Promise((resolve) => {
    const finish = (view: CardCheckView): void => {
      clearTimeout(timer);
      offRead();
      offError();
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
    const offError = devices.idCard.on('read-error', (error) => finish({ read: false, code: error.code }));
  });
}
