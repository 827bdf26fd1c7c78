import type { CatalogService } from '../../services/catalog/catalog-service.js';
import type { CentralClient } from '../../services/central/client.js';
import type { KioskSync } from '../../services/sync/index.js';
import { readSyncState } from '../../services/sync/uploader.js';
import type { DeviceStatusView, ServiceStateView } from '../../services/views.js';
import type { KioskStore } from '../../store/index.js';
import { collectHealth, healthDevices, writeHealthFile, type HealthSnapshot } from '../health.js';
import type { Logger } from '../log.js';
import type { KioskMode } from '../mode.js';

/** The health snapshot: the heartbeat, `booth health` (through health.json) and the technician screen. */
export function kioskHealth(deps: {
  readonly version: string;
  readonly kioskId: string;
  readonly mode: KioskMode;
  readonly dataDir: string;
  readonly serviceState: () => ServiceStateView;
  /** The sync, once it exists (it reports the health in its heartbeat). */
  readonly sync: () => KioskSync | null;
  readonly store: KioskStore;
  readonly client: CentralClient | null;
  readonly catalogs: CatalogService;
  readonly allStatuses: () => DeviceStatusView[];
}): () => Promise<HealthSnapshot> {
  const { kioskId, mode, serviceState, store, client, catalogs, allStatuses } = deps;
  const staticInfo = { version: deps.version };
  const options = { dataDir: deps.dataDir };
  return (): Promise<HealthSnapshot> => {
    const sync = deps.sync();
    return collectHealth({
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
  };
}

/** The health file writer: writes now and every `intervalMs`; `flushed()` is the last write. */
export interface HealthFile {
  readonly timer: ReturnType<typeof setInterval>;
  flushed(): Promise<void>;
}

/** The latest snapshot on disk, for `booth health` and the diagnostics bundle (a separate process each). */
export function startHealthFile(deps: {
  readonly dataDir: string;
  readonly health: () => Promise<HealthSnapshot>;
  readonly log: Logger;
  readonly intervalMs?: number;
}): HealthFile {
  const { health, log } = deps;
  const options = { dataDir: deps.dataDir, healthIntervalMs: deps.intervalMs };
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
  return { timer: healthTimer, flushed: () => healthWrite };
}
