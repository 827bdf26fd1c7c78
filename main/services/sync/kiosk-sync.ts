import { TypedEmitter } from '../../../drivers/common/emitter.js';
import type { Logger } from '../../core/log.js';
import type { KioskStore } from '../../store/store.js';
import type { TransactionService } from '../transactions/transactions.js';
import type { SyncClock } from './clock.js';
import { Heartbeat, type DeviceReport, type HeartbeatOptions, type HeartbeatPort } from './heartbeat.js';
import type { RetryPolicy } from './retry-schedule.js';
import { Uploader, type SyncState, type UploaderEvents, type UploadPort } from './uploader.js';

/** Everything the core needs to run sync; the central client satisfies both ports. */
export interface KioskSyncOptions {
  readonly store: KioskStore;
  readonly transactions: TransactionService;
  readonly client: UploadPort & HeartbeatPort;
  readonly kioskId: string;
  readonly appVersion: string;
  /** Device states for the heartbeat, read at send time. */
  readonly devices: () => Readonly<Record<string, DeviceReport>>;
  /** The applied catalog version, read at send time. */
  readonly catalogVersion: () => number | null;
  readonly lastCatalogRejection?: HeartbeatOptions['lastCatalogRejection'];
  /** The kiosk groups this kiosk belongs to, for the heartbeat. */
  readonly kioskGroups?: readonly string[];
  /** Health figures for the heartbeat (main/core/health.ts). */
  readonly health?: HeartbeatOptions['health'];
  readonly heartbeatIntervalMs?: number;
  /** How often the personal-data purge runs (it also runs at start). Default hourly. */
  readonly purgeIntervalMs?: number;
  readonly batchSize?: number;
  readonly lingerMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** The longest wait between attempts at an urgent item (Uploader option `urgentRetryCapMs`). */
  readonly urgentRetryCapMs?: number;
  readonly clock?: SyncClock;
  readonly random?: () => number;
  /** Where upload refusals (conflicts, rejections) are logged, by transaction number and code only. */
  readonly log?: Logger;
}

/** Events the core forwards to the KioskApi. */
export interface KioskSyncEvents extends Record<string, unknown> {
  state: SyncState;
  acknowledged: { readonly id: string; readonly number: string; readonly urgent: boolean };
  rejected: { readonly id: string; readonly number: string; readonly reason: string };
  /** An upload attempt failed; the items are retried (the final screen says they are not sent yet). */
  'attempt-failed': UploaderEvents['attempt-failed'];
  'catalog-announced': { readonly version: number; readonly etag: string };
}

/** The wired sync services. */
export interface KioskSync {
  readonly uploader: Uploader;
  readonly heartbeat: Heartbeat;
  readonly events: TypedEmitter<KioskSyncEvents>;
  start(): Promise<void>;
  stop(): Promise<void>;
  state(): Promise<SyncState>;
}

/**
 * Wires the uploader, the heartbeat and the personal-data purge schedule, and merges their events into one
 * stream (state, acknowledged, rejected, catalog-announced) for the KioskApi.
 */
export function createKioskSync(options: KioskSyncOptions): KioskSync {
  const events = new TypedEmitter<KioskSyncEvents>();
  const uploader = new Uploader({
    store: options.store,
    transactions: options.transactions,
    client: options.client,
    kioskId: options.kioskId,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.lingerMs !== undefined ? { lingerMs: options.lingerMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.urgentRetryCapMs !== undefined ? { urgentRetryCapMs: options.urgentRetryCapMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const heartbeat = new Heartbeat({
    client: options.client,
    appVersion: options.appVersion,
    devices: options.devices,
    catalogVersion: options.catalogVersion,
    ...(options.lastCatalogRejection ? { lastCatalogRejection: options.lastCatalogRejection } : {}),
    ...(options.kioskGroups ? { kioskGroups: options.kioskGroups } : {}),
    ...(options.health ? { health: options.health } : {}),
    ...(options.heartbeatIntervalMs !== undefined ? { intervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    outbox: async () => {
      const s = await uploader.state();
      return { depth: s.pending, oldestAgeMs: s.oldestPendingAgeMs };
    },
  });
  const offs = [
    uploader.events.on('state', (s) => events.emit('state', s)),
    uploader.events.on('acknowledged', (a) => events.emit('acknowledged', a)),
    uploader.events.on('rejected', (r) => events.emit('rejected', r)),
    uploader.events.on('attempt-failed', (f) => events.emit('attempt-failed', f)),
    heartbeat.events.on('catalog-announced', (c) => events.emit('catalog-announced', c)),
  ];
  let stopPurge: (() => void) | null = null;
  return {
    uploader,
    heartbeat,
    events,
    async start() {
      await uploader.start();
      heartbeat.start();
      stopPurge ??= options.transactions.startPurgeSchedule(options.purgeIntervalMs);
    },
    async stop() {
      stopPurge?.();
      stopPurge = null;
      await heartbeat.stop();
      await uploader.stop();
      for (const off of offs) off();
    },
    state: () => uploader.state(),
  };
}
