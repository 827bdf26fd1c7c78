import type { CatalogPoller } from '../../services/catalog/catalog-poller.js';
import type { CatalogService } from '../../services/catalog/catalog-service.js';
import type { CentralClient } from '../../services/central/client.js';
import type { VisitService } from '../../services/session/visit-service.js';
import { CommandCentreWatch, createKioskSync, type KioskSync } from '../../services/sync/index.js';
import type { TransactionService } from '../../services/transactions/transactions.js';
import type { DeviceStatusView } from '../../services/views.js';
import type { KioskStore } from '../../store/index.js';
import { heartbeatHealth, type HealthSnapshot } from '../health.js';
import type { Logger } from '../log.js';
import type { Emit } from './devices.js';

/** The kiosk's sync with the central system; all null when no central system is configured. */
export interface KioskSyncWiring {
  readonly sync: KioskSync | null;
  readonly commandCentre: CommandCentreWatch | null;
  /** Removers of the listeners it added. */
  readonly offs: (() => void)[];
}

/**
 * Uploader, heartbeat and purge schedule, the command centre's acknowledgements of urgent reports, and their
 * events to the visits, the renderer and the catalog poller.
 */
export function wireKioskSync(deps: {
  readonly client: CentralClient | null;
  readonly store: KioskStore;
  readonly transactions: TransactionService;
  readonly log: Logger;
  readonly kioskId: string;
  readonly kioskGroups: readonly string[];
  /** The app version the heartbeat reports. */
  readonly version: string;
  readonly heartbeatIntervalMs?: number;
  readonly commandCentrePollMs?: number;
  readonly health: () => Promise<HealthSnapshot>;
  readonly allStatuses: () => DeviceStatusView[];
  readonly catalogs: CatalogService;
  readonly poller: CatalogPoller | null;
  readonly visits: VisitService;
  readonly emit: Emit;
}): KioskSyncWiring {
  const { client, store, transactions, log, kioskId, kioskGroups, health, allStatuses, catalogs, poller } =
    deps;
  const { visits, emit } = deps;
  const options = {
    heartbeatIntervalMs: deps.heartbeatIntervalMs,
    commandCentrePollMs: deps.commandCentrePollMs,
  };
  const staticInfo = { version: deps.version };
  const offs: (() => void)[] = [];
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

  if (sync && poller) {
    offs.push(sync.events.on('catalog-announced', (announced) => void poller.onAnnouncement(announced)));
  }
  return { sync, commandCentre, offs };
}
