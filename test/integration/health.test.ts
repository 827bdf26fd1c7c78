import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents } from '../../main/services/views.js';
import { runCli } from '../../main/cli/main.js';
import { healthFile, healthSnapshotSchema } from '../../main/core/health.js';
import { DEV_KIOSK_TOKEN, startKioskCore } from '../../main/core/kiosk-core.js';
import { DEV_KIOSK_ID } from '../../main/core/kiosk-identity.js';
import { silentLogger } from '../../main/core/log.js';
import { startSignedInKiosk, type KioskClient } from '../support/kiosk-client.js';
import { createCentralAdminClient } from '../../main/services/central/client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function central(): Promise<CentralServer> {
  const server = await startCentralServer({
    port: 0,
    dataDir: ':memory:',
    kioskTokens: { [DEV_KIOSK_ID]: DEV_KIOSK_TOKEN },
    adminToken: 'admin-token',
  });
  cleanups.push(() => server.close());
  return server;
}

async function kiosk(
  centralUrl?: string,
): Promise<{ close: () => Promise<void>; dataDir: string; api: KioskClient['api'] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-health-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { core, client } = await startSignedInKiosk({
    dataDir,
    log: silentLogger,
    kioskId: DEV_KIOSK_ID,
    heartbeatIntervalMs: 1000,
    healthIntervalMs: 200,
    ...(centralUrl ? { centralUrl } : {}),
  });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= core.close());
  cleanups.push(close);
  return { close, dataDir, api: client.api };
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { BOOTH_SIMULATE: '1' },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe('health snapshot', () => {
  it('is one snapshot for the technician screen, the heartbeat and booth health', async () => {
    const server = await central();
    const { api, dataDir } = await kiosk(server.url);
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

    // The technician screen's snapshot: once a heartbeat went through, the central system is reachable.
    const snapshot = await vi.waitFor(
      async () => {
        const r = await api['technician.health']();
        if (!r.ok || r.value.central.reachable !== true) throw new Error('no heartbeat yet');
        return r.value;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(snapshot).toMatchObject({
      version,
      kioskId: DEV_KIOSK_ID,
      mode: 'demonstration',
      live: true,
      service: 'in-service',
      outbox: { depth: 0, oldestAgeMs: null, lastError: null },
      central: { configured: true, reachable: true, error: null },
      catalog: { expired: false, stagedVersion: null, lastRejection: null },
    });
    expect(snapshot.central.latencyMs).toBeGreaterThanOrEqual(0);
    expect(snapshot.catalog.appliedVersion).toBeGreaterThan(0);
    expect(snapshot.disk?.freeBytes).toBeGreaterThan(0);
    expect(snapshot.memory?.rssBytes).toBeGreaterThan(0);
    expect(snapshot.uptimeS).toBeGreaterThanOrEqual(0);
    expect(snapshot.devices.map((d) => [d.kind, d.state])).toEqual([
      ['id-card', 'online'],
      ['printer', 'online'],
      ['scanner', 'online'],
      // No renderer has listed the cameras yet; the document camera is not assigned.
      ['citizen-camera', 'offline'],
      ['document-camera', 'no-device'],
    ]);

    // The heartbeat carried the same figures to the central system.
    const admin = createCentralAdminClient({ baseUrl: server.url, token: 'admin-token' });
    const fleet = await vi.waitFor(
      async () => {
        const r = await admin.fleet();
        const k = r.ok ? r.value.kiosks.find((x) => x.kioskId === DEV_KIOSK_ID) : undefined;
        if (!k?.health) throw new Error('no health in the fleet view yet');
        return k;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(fleet.health).toMatchObject({
      mode: 'demonstration',
      catalogStagedVersion: null,
      outboxLastError: null,
    });
    expect(fleet.health?.diskFreeBytes).toBeGreaterThan(0);

    // booth health reads the running kiosk's snapshot for the live parts.
    // (Once the file has caught up with the heartbeat: it is rewritten every 200 ms here.)
    await vi.waitFor(
      () => {
        const saved = healthSnapshotSchema.parse(JSON.parse(readFileSync(healthFile(dataDir), 'utf8')));
        if (saved.central.reachable !== true) throw new Error('health.json does not have the heartbeat yet');
      },
      { timeout: 10_000 },
    );
    const json = await cli(['health', '--data', dataDir, '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const fromCli = healthSnapshotSchema.parse(JSON.parse(json.stdout));
    expect(fromCli).toMatchObject({ live: true, version, mode: 'demonstration', outbox: { depth: 0 } });
    expect(fromCli.devices).toEqual(snapshot.devices);
    expect(fromCli.catalog.appliedVersion).toBe(snapshot.catalog.appliedVersion);
    const text = await cli(['health', '--data', dataDir]);
    expect(text.stdout).toMatch(/^central: +reachable, \d+ ms/m);
    expect(text.stdout).toMatch(/^ {2}printer +online · simulated/m);
  });

  it('says the central system is not configured, and booth health says when no kiosk is running', async () => {
    const { api, dataDir, close } = await kiosk();
    const r = await api['technician.health']();
    expect(r).toMatchObject({ ok: true, value: { central: { configured: false, reachable: null } } });
    await close();
    // An old snapshot is not taken for a running kiosk's.
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(healthFile(dataDir), old, old);
    const json = await cli(['health', '--data', dataDir, '--json']);
    expect(json.code).toBe(0);
    const fromCli = healthSnapshotSchema.parse(JSON.parse(json.stdout));
    expect(fromCli).toMatchObject({ live: false, uptimeS: null, memory: null });
    expect(fromCli.devices.every((d) => d.state === 'unknown')).toBe(true);
    expect((await cli(['health', '--data', dataDir])).stdout).toContain('kiosk not running');
  });

  it('is refused before the technician signs in', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-health-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const core = await startKioskCore({ dataDir, mode: 'demonstration', host: 'browser', log: silentLogger });
    cleanups.push(() => core.close());
    const [coreEnd, rendererEnd] = channelPair();
    core.connect(coreEnd);
    const { api } = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
    expect(await api['technician.health']()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});
