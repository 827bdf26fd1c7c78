/**
 * One health snapshot of a kiosk: the figures a technician and the central system need to tell whether it
 * works — the upload queue, the central system's reachability, the catalog, disk, memory, uptime, version, mode
 * and every device's state. The same snapshot feeds the heartbeat, `booth health` and the technician screen,
 * so all three say the same thing. Nothing personal is in it (counts, codes, versions and device paths).
 */
import { statfs, readFile, rename, writeFile } from 'node:fs/promises';
import { freemem } from 'node:os';
import path from 'node:path';
import type { HeartbeatHealth } from '../../contract/central-api.js';
import type { DeviceStatusView } from '../services/views.js';
import { healthSnapshotSchema, type HealthDevice, type HealthSnapshot } from '../api/health-view.js';

export { healthSnapshotSchema, type HealthDevice, type HealthSnapshot };

/** The central system as the heartbeat last found it. */
export interface CentralProbe {
  readonly configured: boolean;
  readonly reachable: boolean | null;
  readonly latencyMs: number | null;
  readonly checkedAt: number | null;
  readonly error: string | null;
}

/** Where the figures come from; each is read when the snapshot is taken. */
export interface HealthSources {
  readonly version: string;
  readonly kioskId: string;
  readonly mode: 'demonstration' | 'production';
  readonly dataDir: string;
  /** Whether this is the running core (uptime and memory are its own). */
  readonly live: boolean;
  readonly service: () => HealthSnapshot['service'];
  readonly outbox: () => Promise<{
    readonly pending: number;
    readonly urgentPending: number;
    readonly oldestPendingAgeMs: number | null;
    readonly lastError: string | null;
    readonly lastSuccessAt: number | null;
  } | null>;
  readonly central: () => CentralProbe;
  readonly catalog: () => {
    readonly appliedVersion: number | null;
    readonly stagedVersion: number | null;
    readonly expiresAt: string | null;
    readonly expired: boolean;
    readonly lastRejection: {
      readonly version?: number;
      readonly reason: string;
      readonly message: string;
      readonly at: string;
    } | null;
  };
  readonly devices: () => readonly HealthDevice[];
  readonly now?: () => number;
}

/** The devices as the snapshot carries them. */
export function healthDevices(views: readonly DeviceStatusView[]): HealthDevice[] {
  return views.map((v) => ({
    kind: v.kind,
    state: v.status.state,
    code: v.status.state === 'error' ? v.status.code : null,
    recovery: v.status.state === 'error' ? v.status.recovery : null,
    connection: v.connection,
    ...(v.paperLow ? { paperLow: true } : {}),
  }));
}

/** Free and total bytes of the file system holding `dir`; null when it cannot be read. */
export async function diskSpace(dir: string): Promise<HealthSnapshot['disk']> {
  try {
    const s = await statfs(dir);
    return { path: dir, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    // statfs unsupported or the folder gone: disk space unknown, shown as such.
    return null;
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Takes a snapshot. Never throws: a source that fails leaves its part empty. */
export async function collectHealth(sources: HealthSources): Promise<HealthSnapshot> {
  const now = sources.now?.() ?? Date.now();
  // A failing source leaves its part empty (see above); the snapshot shows the gap.
  const outbox = await sources.outbox().catch(() => null);
  const central = sources.central();
  const catalog = sources.catalog();
  const memory = process.memoryUsage();
  return healthSnapshotSchema.parse({
    at: new Date(now).toISOString(),
    version: sources.version,
    kioskId: sources.kioskId,
    mode: sources.mode,
    live: sources.live,
    service: sources.service(),
    uptimeS: sources.live ? Math.round(process.uptime()) : null,
    memory: sources.live
      ? { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, systemFreeBytes: freemem() }
      : null,
    disk: await diskSpace(sources.dataDir),
    outbox: {
      depth: outbox?.pending ?? 0,
      urgent: outbox?.urgentPending ?? 0,
      oldestAgeMs: outbox?.oldestPendingAgeMs ?? null,
      lastError: outbox?.lastError ?? null,
      lastSuccessAt: iso(outbox?.lastSuccessAt ?? null),
    },
    central: {
      configured: central.configured,
      reachable: central.reachable,
      latencyMs: central.latencyMs,
      checkedAt: iso(central.checkedAt),
      error: central.error,
    },
    catalog: {
      appliedVersion: catalog.appliedVersion,
      stagedVersion: catalog.stagedVersion,
      expiresAt: catalog.expiresAt,
      expired: catalog.expired,
      lastRejection: catalog.lastRejection
        ? {
            version: catalog.lastRejection.version ?? null,
            reason: catalog.lastRejection.reason,
            message: catalog.lastRejection.message,
            at: catalog.lastRejection.at,
          }
        : null,
    },
    devices: sources.devices(),
  });
}

/** The file a running core keeps its latest snapshot in (read by `booth health` and the diagnostics bundle). */
export function healthFile(dataDir: string): string {
  return path.join(dataDir, 'health.json');
}

/** Writes the snapshot atomically (0600). */
export async function writeHealthFile(dataDir: string, snapshot: HealthSnapshot): Promise<void> {
  const file = healthFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snapshot, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

/** The last snapshot a core wrote, or null (none, or unreadable). */
export async function readHealthFile(dataDir: string): Promise<HealthSnapshot | null> {
  try {
    const parsed = healthSnapshotSchema.safeParse(JSON.parse(await readFile(healthFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    // No health file or an old format: treated as none.
    return null;
  }
}

/** What the heartbeat carries of a snapshot besides its own fields (the central contract's `health`). */
export function heartbeatHealth(s: HealthSnapshot): HeartbeatHealth {
  const round = (n: number | null | undefined): number | null =>
    n === null || n === undefined ? null : Math.round(n);
  return {
    mode: s.mode,
    uptimeS: round(s.uptimeS),
    diskFreeBytes: round(s.disk?.freeBytes),
    memoryRssBytes: round(s.memory?.rssBytes),
    outboxLastError: s.outbox.lastError?.slice(0, 500) ?? null,
    catalogStagedVersion: s.catalog.stagedVersion,
    centralLatencyMs: round(s.central.latencyMs),
  };
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const age = (ms: number): string =>
  ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 3_600_000
      ? `${Math.round(ms / 60_000)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

/** The snapshot as lines a technician reads (`booth health` without --json). */
export function describeHealth(s: HealthSnapshot): string {
  const lines = [
    `kiosk:      ${s.kioskId} · version ${s.version} · ${s.mode}${s.live ? '' : ' · kiosk not running (figures from the data directory)'}`,
    `service:    ${s.service}`,
    `uptime:     ${s.uptimeS === null ? '—' : age(s.uptimeS * 1000)}`,
    `memory:     ${s.memory ? `${mib(s.memory.rssBytes)} resident, ${mib(s.memory.systemFreeBytes)} free on the system` : '—'}`,
    `disk:       ${s.disk ? `${mib(s.disk.freeBytes)} free of ${mib(s.disk.totalBytes)} (${s.disk.path})` : 'unknown'}`,
    `outbox:     ${s.outbox.depth} waiting${s.outbox.urgent > 0 ? ` (${s.outbox.urgent} urgent)` : ''}${s.outbox.oldestAgeMs !== null ? `, oldest ${age(s.outbox.oldestAgeMs)}` : ''}${s.outbox.lastError ? `, last error: ${s.outbox.lastError}` : ''}`,
    `central:    ${
      !s.central.configured
        ? 'not configured'
        : s.central.reachable === null
          ? 'not checked yet'
          : s.central.reachable
            ? `reachable, ${s.central.latencyMs ?? '?'} ms (at ${s.central.checkedAt ?? '?'})`
            : `UNREACHABLE: ${s.central.error ?? 'no answer'} (at ${s.central.checkedAt ?? '?'})`
    }`,
    `catalog:    applied ${s.catalog.appliedVersion ?? 'none'}${s.catalog.expired ? ' (EXPIRED)' : ''}, staged ${s.catalog.stagedVersion ?? 'none'}${
      s.catalog.lastRejection
        ? `, last refused: ${s.catalog.lastRejection.reason} (${s.catalog.lastRejection.message})`
        : ''
    }`,
    'devices:',
    ...s.devices.map(
      (d) =>
        `  ${d.kind.padEnd(9)} ${d.state}${d.code ? ` ${d.code}` : ''}${d.recovery ? ` → ${d.recovery}` : ''}${d.paperLow ? ' (paper low)' : ''} · ${d.connection}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
