import { statSync } from 'node:fs';
import path from 'node:path';
import { collectTrustedKeys, type TrustedKeyCollection } from '../../../contract/catalog/signing.js';
import type { CatalogService as CatalogEntry } from '../../../contract/catalog/schema.js';
import { CatalogService, shippedDefaultLoader } from '../../services/catalog/catalog-service.js';
import { FileCatalogStore, catalogStoreFiles } from '../../services/catalog/catalog-store.js';
import { serviceAvailability } from '../../services/catalog/rules.js';
import { kioskTrustedKeySources } from '../../services/catalog/trust.js';
import type { Catalog, KioskEvents, ServiceStateView } from '../../services/views.js';
import type { CentralClient } from '../../services/central/client.js';
import { CatalogPoller } from '../../services/catalog/catalog-poller.js';
import type { Logger } from '../log.js';
import type { KioskMode } from '../mode.js';
import { resourcesDir } from '../paths.js';

/** Whether this kiosk's groups may offer a service at all (opening hours aside). */
function offeredHere(service: CatalogEntry, kioskGroups: readonly string[]): boolean {
  const groupsOnly = { ...service, availability: { kioskGroups: service.availability.kioskGroups ?? [] } };
  return serviceAvailability(groupsOnly, { weekday: 1, minutes: 0 }, kioskGroups).available;
}

/** The kiosk's catalog: the service, its trusted keys, the catalog as offered here and the service state. */
export interface KioskCatalog {
  readonly trust: TrustedKeyCollection;
  readonly catalogs: CatalogService;
  /** The applied catalog as this kiosk offers it (services of other kiosk groups left out); null = out of service. */
  readonly offeredCatalog: () => Catalog | null;
  /** For code that runs only during a visit, which never starts out of service. */
  readonly currentCatalog: () => Catalog;
  readonly serviceState: () => ServiceStateView;
}

/**
 * The catalog: the last good signed catalog applied on this kiosk; on a demonstration kiosk, else the shipped
 * demonstration default. A production kiosk without a trusted catalog is out of service (and keeps polling).
 */
export async function openKioskCatalog(deps: {
  readonly mode: KioskMode;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly kioskId: string;
  readonly kioskGroups: readonly string[];
  readonly log: Logger;
  readonly visitInProgress: () => boolean;
}): Promise<KioskCatalog> {
  const { mode, env, kioskId, kioskGroups, log, visitInProgress } = deps;
  const options = { dataDir: deps.dataDir };
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
  return { trust, catalogs, offeredCatalog, currentCatalog, serviceState };
}

/**
 * Between visits, every 30 s: apply a catalog staged mid-visit, and pick up one a technician applied to this
 * data directory from a USB drive (`booth catalog apply`) while the kiosk was running. Returns the timer.
 */
export function startCatalogChecks(deps: {
  readonly dataDir: string;
  readonly catalogs: CatalogService;
  readonly visits: { readonly inProgress: boolean };
  readonly withdrawIfExpired: () => void;
  readonly emit: (event: 'catalog.changed', payload: KioskEvents['catalog.changed']) => void;
  readonly log: Logger;
  readonly intervalMs?: number;
}): ReturnType<typeof setInterval> {
  const { catalogs, visits, withdrawIfExpired, emit, log } = deps;
  const options = { dataDir: deps.dataDir, catalogCheckIntervalMs: deps.intervalMs };
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
  return applyTimer;
}

/** Polls the central system for this kiosk's catalog (null: no central system configured). */
export function catalogPoller(
  client: CentralClient | null,
  catalogs: CatalogService,
  log: Logger,
): CatalogPoller | null {
  return client
    ? new CatalogPoller({
        service: catalogs,
        fetchCatalog: (etag, signal) => client.fetchCatalog(etag, signal),
        logger: log,
      })
    : null;
}
