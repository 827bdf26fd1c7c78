import type { ApiDeps, ScreenShownReport, TechnicianPort } from '../../api/ports.js';
import type { CentralClient } from '../../services/central/client.js';
import { createProgressLookup } from '../../services/session/progress-lookup.js';
import type { VisitService } from '../../services/session/visit-service.js';
import type { TransactionService } from '../../services/transactions/transactions.js';
import type { Catalog, DeviceStatusView, KioskInfo } from '../../services/views.js';
import type { KioskStore } from '../../store/index.js';
import type { CameraRoles } from '../cameras.js';
import type { DeviceSimulation } from '../devices.js';
import { simulationPort } from './devices.js';

/** What the KioskApi is built on (main/api/kiosk-api.ts): the services and ports the core wired. */
export function kioskApiDeps(deps: {
  readonly info: () => KioskInfo;
  readonly screenShown: (report: ScreenShownReport) => void;
  readonly offeredCatalog: () => Catalog | null;
  readonly visits: VisitService;
  readonly allStatuses: () => DeviceStatusView[];
  readonly wedgeScan: ApiDeps['wedgeScan'];
  readonly store: KioskStore;
  readonly transactions: TransactionService;
  readonly kioskId: string;
  readonly progressBases: readonly string[];
  readonly client: CentralClient | null;
  readonly sim: DeviceSimulation | null;
  readonly cameraRoles: CameraRoles;
  readonly technician: TechnicianPort;
}): ApiDeps {
  const { info, screenShown, offeredCatalog, visits, allStatuses, wedgeScan, store, transactions, kioskId } =
    deps;
  const { progressBases, client, sim, cameraRoles, technician } = deps;
  return {
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
    simulation: simulationPort(sim),
    faceSettings: () => cameraRoles.faceSettings(),
    camerasReported: (report) => cameraRoles.reported(report),
    technician,
  };
}
