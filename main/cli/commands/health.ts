import { stat } from 'node:fs/promises';
import {
  resolveDeviceConfig,
  DEVICE_ROLES,
  DEVICE_STORE_ROLE,
  formatDeviceSpec,
} from '../../core/device-config.js';
import {
  collectHealth,
  describeHealth,
  healthFile,
  readHealthFile,
  type HealthDevice,
  type HealthSnapshot,
} from '../../core/health.js';
import { DEV_KIOSK_ID } from '../../core/kiosk-identity.js';
import { readVersion } from '../../core/kiosk-core.js';
import { readSyncState } from '../../services/sync/uploader.js';
import type { CliCommand, CliIO } from '../command.js';
import { parseOptions } from '../options.js';
import { openCatalogService } from './catalog.js';
import { cliDataDir, cliKioskMode, openCliStore } from './sync.js';

/** A snapshot a running core wrote within this long counts as live (it writes every 10 s). */
export const LIVE_HEALTH_MAX_AGE_MS = 60_000;

/**
 * The health of the kiosk on a data directory: the outbox, catalog and disk read from it now, and — when a
 * kiosk is running on it (its health.json is fresh) — that kiosk's live figures: device states, the central
 * system's reachability and latency, uptime and memory. Without a running kiosk, devices show their configured
 * connection with state `unknown`, and nothing pretends to know the rest.
 */
export async function dataDirHealth(dataDir: string, io: CliIO): Promise<HealthSnapshot> {
  const { mode, provisioning } = await cliKioskMode(dataDir, io);
  const written = await readHealthFile(dataDir);
  // No health file yet: written at 0 counts as stale, so no live figures are used.
  const writtenAt = await stat(healthFile(dataDir)).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const live = written !== null && Date.now() - writtenAt < LIVE_HEALTH_MAX_AGE_MS ? written : null;
  const store = await openCliStore(dataDir, io, { readOnly: true });
  try {
    const catalogs = await openCatalogService({ data: dataDir }, io, true);
    await catalogs.init();
    const configured = async (): Promise<HealthDevice[]> => {
      const resolved = await resolveDeviceConfig({ env: io.env, stored: store.deviceConfig });
      return DEVICE_ROLES.map((role) => ({
        kind: DEVICE_STORE_ROLE[role],
        state: 'unknown',
        code: resolved[role].error ? 'device-misconfigured' : null,
        recovery: null,
        connection: resolved[role].error ? 'invalid configuration' : formatDeviceSpec(resolved[role].spec),
      }));
    };
    const devices = live ? live.devices : await configured();
    const snapshot = await collectHealth({
      version: live?.version ?? readVersion(),
      kioskId: provisioning?.kioskId ?? live?.kioskId ?? io.env.BOOTH_KIOSK_ID ?? DEV_KIOSK_ID,
      mode,
      dataDir,
      live: false,
      service: () =>
        live?.service ??
        (catalogs.status().appliedVersion !== null && !catalogs.status().expired
          ? 'in-service'
          : 'out-of-service'),
      outbox: () => readSyncState(store),
      central: () =>
        live
          ? {
              configured: live.central.configured,
              reachable: live.central.reachable,
              latencyMs: live.central.latencyMs,
              checkedAt: live.central.checkedAt === null ? null : Date.parse(live.central.checkedAt),
              error: live.central.error,
            }
          : {
              configured: Boolean(io.env.BOOTH_CENTRAL_URL ?? provisioning?.centralUrl),
              reachable: null,
              latencyMs: null,
              checkedAt: null,
              error: null,
            },
      catalog: () => catalogs.status(),
      devices: () => devices,
    });
    // The running kiosk's own process figures, as it last wrote them.
    return live ? { ...snapshot, live: true, uptimeS: live.uptimeS, memory: live.memory } : snapshot;
  } finally {
    await store.close();
  }
}

const health: CliCommand = {
  path: ['health'],
  summary:
    'Show the kiosk health: outbox, central reachability and latency, catalog, disk, memory, uptime, version, mode and devices',
  usage: 'booth health [--data DIR] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { data: { type: 'string' }, json: { type: 'boolean' } });
    const snapshot = await dataDirHealth(cliDataDir(values.data, io), io);
    io.stdout(values.json ? `${JSON.stringify(snapshot, null, 2)}\n` : describeHealth(snapshot));
    return 0;
  },
};

/** The `booth health` command. */
export const commands: CliCommand[] = [health];
