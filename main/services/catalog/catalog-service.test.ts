import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  NOW,
  defaultSignedCatalogFile,
  demoTrustedKey,
  newKey,
  resourcesRoot,
  signedVersion,
} from '../../../test/fixtures/catalog/helpers.js';
import type { CatalogFetchOutcome, CatalogReport, FetchCatalogFn } from './catalog-poller.js';
import { CatalogPoller } from './catalog-poller.js';
import { CatalogService, shippedDefaultLoader } from './catalog-service.js';
import type { CatalogStore } from './catalog-store.js';
import { FileCatalogStore, MemoryCatalogStore, catalogStoreFiles } from './catalog-store.js';

function setup<S extends CatalogStore = MemoryCatalogStore>(
  options: { store?: S; withDefault?: boolean } = {},
) {
  const store = (options.store ?? new MemoryCatalogStore()) as S;
  let visiting = false;
  const events: string[] = [];
  const service = new CatalogService({
    store,
    trustedKeys: [demoTrustedKey()],
    isVisitInProgress: () => visiting,
    now: () => NOW,
    ...(options.withDefault === false ? {} : { loadShippedDefault: shippedDefaultLoader(resourcesRoot) }),
  });
  service.events.on('applied', (e) => events.push(`applied ${e.version}`));
  service.events.on('staged', (e) => events.push(`staged ${e.version}`));
  service.events.on('rejected', (e) => events.push(`rejected ${e.reason}`));
  return {
    store,
    service,
    events,
    setVisiting: (v: boolean) => {
      visiting = v;
    },
  };
}

describe('CatalogService', () => {
  it('falls back to the shipped default signed catalog when nothing is applied', async () => {
    const { service } = setup();
    await service.init();
    expect(service.current()).toMatchObject({ version: 1, source: 'default', keyId: demoTrustedKey().keyId });
    expect(service.status()).toEqual({
      appliedVersion: 1,
      appliedSource: 'default',
      stagedVersion: null,
      lastRejection: null,
      expiresAt: '2030-12-31T23:59:59+08:00',
      expired: false,
      floorVersion: null,
    });
  });

  it('refuses a default that is not trusted: no catalog rather than an unverified one', async () => {
    const store = new MemoryCatalogStore();
    const service = new CatalogService({
      store,
      trustedKeys: [newKey().trusted],
      isVisitInProgress: () => false,
      now: () => NOW,
      loadShippedDefault: shippedDefaultLoader(resourcesRoot),
    });
    await service.init();
    expect(service.current()).toBeNull();
    expect(service.status().lastRejection).toMatchObject({
      reason: 'unknown-key',
      source: 'default',
      version: 1,
    });
  });

  it('applies an offered catalog at once when no visit runs', async () => {
    const { service, store, events } = setup();
    await service.init();
    const result = await service.offer(signedVersion(2), 'central');
    expect(result).toEqual({ ok: true, value: { outcome: 'applied', version: 2 } });
    expect(service.current()?.version).toBe(2);
    expect(service.current()?.source).toBe('applied');
    expect(events).toEqual(['staged 2', 'applied 2']);
    expect((store.applied as { catalog: { version: number } }).catalog.version).toBe(2);
    expect(store.staged).toBeNull();
  });

  it('a catalog offered mid-visit waits until the visit ends', async () => {
    const { service, setVisiting, events } = setup();
    await service.init();
    setVisiting(true);
    expect(await service.offer(signedVersion(2), 'central')).toEqual({
      ok: true,
      value: { outcome: 'staged', version: 2 },
    });
    expect(service.current()?.version).toBe(1);
    expect(service.status().stagedVersion).toBe(2);
    expect(await service.applyStagedIfIdle()).toEqual({ ok: false, error: { code: 'visit-in-progress' } });
    expect(service.current()?.version).toBe(1);
    setVisiting(false);
    expect(await service.applyStagedIfIdle()).toEqual({ ok: true, value: { version: 2 } });
    expect(service.current()?.version).toBe(2);
    expect(service.status().stagedVersion).toBeNull();
    expect(await service.applyStagedIfIdle()).toEqual({ ok: false, error: { code: 'nothing-staged' } });
    expect(events).toEqual(['staged 2', 'applied 2']);
  });

  it('a visit that starts while the files are written delays the switch to the next call', async () => {
    const store = new MemoryCatalogStore();
    let visiting = false;
    const slowStore = Object.assign(Object.create(store) as MemoryCatalogStore, {
      saveApplied: async (doc: unknown) => {
        visiting = true; // the citizen touched the screen while the catalog was being written
        await store.saveApplied(doc);
      },
    });
    const service = new CatalogService({
      store: slowStore,
      trustedKeys: [demoTrustedKey()],
      isVisitInProgress: () => visiting,
      now: () => NOW,
      loadShippedDefault: shippedDefaultLoader(resourcesRoot),
    });
    await service.init();
    expect(await service.offer(signedVersion(2), 'central')).toEqual({
      ok: true,
      value: { outcome: 'staged', version: 2 },
    });
    expect(service.current()?.version).toBe(1);
    expect(service.status().stagedVersion).toBe(2);
    visiting = false;
    expect(await service.applyStagedIfIdle()).toEqual({ ok: true, value: { version: 2 } });
    expect(service.current()?.version).toBe(2);
  });

  it('a rejected catalog leaves the last good one in place and is recorded', async () => {
    const { service, store, events } = setup();
    await service.init();
    await service.offer(signedVersion(3), 'central');
    const forged = signedVersion(4, {}, newKey().privateKey);
    const result = await service.offer(forged, 'file');
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'rejected', rejection: { reason: 'unknown-key', version: 4, source: 'file' } },
    });
    expect(service.current()?.version).toBe(3);
    expect(store.rejection).toMatchObject({ reason: 'unknown-key', version: 4 });
    const rollback = await service.offer(signedVersion(2), 'central');
    expect(rollback).toMatchObject({
      ok: false,
      error: { code: 'rejected', rejection: { reason: 'rollback', version: 2 } },
    });
    expect(service.current()?.version).toBe(3);
    expect(service.status().lastRejection?.reason).toBe('rollback');
    expect(events).toEqual(['staged 3', 'applied 3', 'rejected unknown-key', 'rejected rollback']);
  });

  it('offering the catalog already in use is not a rejection', async () => {
    const { service, events } = setup();
    await service.init();
    const doc = signedVersion(2);
    await service.offer(doc, 'central');
    expect(await service.offer(structuredClone(doc), 'central')).toEqual({
      ok: true,
      value: { outcome: 'unchanged', version: 2 },
    });
    // Same version, different content: that is a rollback attempt.
    const other = signedVersion(2, { publisher: 'Someone else' });
    expect(await service.offer(other, 'central')).toMatchObject({
      ok: false,
      error: { code: 'rejected', rejection: { reason: 'rollback' } },
    });
    expect(events).toEqual(['staged 2', 'applied 2', 'rejected rollback']);
  });

  it('a newer catalog replaces a staged one; an older one does not', async () => {
    const { service, setVisiting } = setup();
    await service.init();
    setVisiting(true);
    await service.offer(signedVersion(3), 'central');
    expect(await service.offer(signedVersion(2), 'central')).toMatchObject({
      ok: false,
      error: { code: 'rejected' },
    });
    expect(await service.offer(signedVersion(4), 'central')).toEqual({
      ok: true,
      value: { outcome: 'staged', version: 4 },
    });
    setVisiting(false);
    expect(await service.applyStagedIfIdle()).toEqual({ ok: true, value: { version: 4 } });
  });

  it('keeps applied and staged catalogs across restarts (file store), and re-verifies them', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'catalog-svc-'));
    const first = setup({ store: new FileCatalogStore(dataDir) });
    await first.service.init();
    await first.service.offer(signedVersion(2), 'central');
    first.setVisiting(true);
    await first.service.offer(signedVersion(3), 'central');

    const second = setup({ store: new FileCatalogStore(dataDir) });
    second.setVisiting(true);
    await second.service.init();
    expect(second.service.status()).toMatchObject({
      appliedVersion: 2,
      appliedSource: 'applied',
      stagedVersion: 3,
    });
    second.setVisiting(false);
    expect(await second.service.applyStagedIfIdle()).toEqual({ ok: true, value: { version: 3 } });

    // Someone edits the applied file on disk: it no longer verifies, so the kiosk falls back to the default.
    const appliedFile = path.join(dataDir, 'catalog', catalogStoreFiles.applied);
    writeFileSync(appliedFile, readFileSync(appliedFile, 'utf8').replace('"version":3', '"version":30'));
    const third = setup({ store: new FileCatalogStore(dataDir) });
    await third.service.init();
    expect(third.service.current()).toMatchObject({ version: 1, source: 'default' });
    expect(third.service.status().lastRejection).toMatchObject({
      reason: 'bad-signature',
      source: 'stored',
      version: 30,
    });
  });

  it('a corrupt stored file is refused as malformed, not a crash', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'catalog-svc-'));
    const store = new FileCatalogStore(dataDir);
    await store.saveApplied(signedVersion(2));
    writeFileSync(path.join(store.dir, catalogStoreFiles.applied), '{"catalog": {"vers');
    const { service } = setup({ store: new FileCatalogStore(dataDir) });
    await service.init();
    expect(service.current()?.source).toBe('default');
    expect(service.status().lastRejection?.reason).toBe('malformed');
  });
});

describe('FileCatalogStore', () => {
  it('writes atomically (no temporary files left), private to the kiosk user, and reads back', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'catalog-store-'));
    const store = new FileCatalogStore(dataDir);
    expect(await store.loadApplied()).toBeNull();
    expect(await store.lastRejection()).toBeNull();
    await store.saveApplied({ catalog: { version: 1 }, signature: {} });
    await store.saveApplied({ catalog: { version: 2 }, signature: {} });
    await store.saveStaged({ catalog: { version: 3 }, signature: {} });
    await store.recordRejection({
      reason: 'expired',
      message: 'catalog 9 expired',
      source: 'central',
      at: '2027-01-01T00:00:00.000Z',
      version: 9,
    });
    expect(await store.loadApplied()).toEqual({ catalog: { version: 2 }, signature: {} });
    expect(await store.loadStaged()).toEqual({ catalog: { version: 3 }, signature: {} });
    expect(await store.lastRejection()).toMatchObject({ reason: 'expired', version: 9 });
    await store.saveStaged(null);
    expect(await store.loadStaged()).toBeNull();
    expect((await readdir(store.dir)).sort()).toEqual(
      [catalogStoreFiles.applied, catalogStoreFiles.lastRejection].sort(),
    );
    expect(statSync(path.join(store.dir, catalogStoreFiles.applied)).mode & 0o777).toBe(0o600);
  });
});

describe('CatalogPoller', () => {
  function fakeCentral() {
    let served: { etag: string; document: unknown } | null = null;
    let failNext = false;
    const calls: (string | null)[] = [];
    const fetchCatalog: FetchCatalogFn = async (etag) => {
      calls.push(etag);
      if (failNext) {
        failNext = false;
        return { ok: false, error: { message: 'connect ECONNREFUSED', code: 'network' } };
      }
      if (!served) return { ok: true, value: { status: 'none' } satisfies CatalogFetchOutcome };
      if (etag === served.etag) return { ok: true, value: { status: 'not-modified' } };
      return { ok: true, value: { status: 'updated', etag: served.etag, document: served.document } };
    };
    return {
      fetchCatalog,
      calls,
      publish: (etag: string, document: unknown) => {
        served = { etag, document };
      },
      failOnce: () => {
        failNext = true;
      },
    };
  }

  it('polls with the last ETag, offers new catalogs and reports the applied version and rejections', async () => {
    const { service } = setup();
    await service.init();
    const central = fakeCentral();
    const reports: CatalogReport[] = [];
    const poller = new CatalogPoller({
      service,
      fetchCatalog: central.fetchCatalog,
      report: (r) => reports.push(r),
    });
    expect(await poller.pollNow()).toEqual({ kind: 'none' });
    central.publish('"v2"', signedVersion(2));
    expect(await poller.pollNow()).toEqual({
      kind: 'offered',
      result: { ok: true, value: { outcome: 'applied', version: 2 } },
    });
    expect(await poller.pollNow()).toEqual({ kind: 'not-modified' });
    expect(central.calls).toEqual([null, null, '"v2"']);
    expect(reports).toEqual([{ catalogVersion: 2 }]);

    central.publish('"v3"', signedVersion(3, {}, newKey().privateKey));
    const outcome = await poller.pollNow();
    expect(outcome).toMatchObject({ kind: 'offered', result: { ok: false, error: { code: 'rejected' } } });
    expect(reports.at(-1)).toEqual({
      catalogVersion: 2,
      lastCatalogRejection: {
        version: 3,
        reason: expect.stringMatching(/^unknown-key: /) as unknown as string,
        // The reason code the central server records and the console puts in words.
        code: 'unknown-key',
      },
    });
    // The refused bytes are not fetched again: the ETag moved on.
    expect(await poller.pollNow()).toEqual({ kind: 'not-modified' });
    expect(service.current()?.version).toBe(2);
    poller.stop();
  });

  it('fetches on a heartbeat announcement only when it names something newer', async () => {
    const { service } = setup();
    await service.init();
    const central = fakeCentral();
    const poller = new CatalogPoller({ service, fetchCatalog: central.fetchCatalog });
    central.publish('"v2"', signedVersion(2));
    expect(await poller.onAnnouncement(null)).toBeNull();
    expect(await poller.onAnnouncement({ version: 2, etag: '"v2"' })).toMatchObject({ kind: 'offered' });
    expect(await poller.onAnnouncement({ version: 2, etag: '"v2"' })).toBeNull();
    expect(central.calls).toHaveLength(1);
    central.publish('"v5"', signedVersion(5));
    expect(await poller.onAnnouncement({ version: 5, etag: '"v5"' })).toEqual({
      kind: 'offered',
      result: { ok: true, value: { outcome: 'applied', version: 5 } },
    });
    poller.stop();
  });

  it('a failed fetch is an error outcome, not a throw, and the next poll works', async () => {
    const { service } = setup();
    await service.init();
    const central = fakeCentral();
    const throwing = new CatalogPoller({
      service,
      fetchCatalog: async () => {
        throw new Error('boom');
      },
    });
    expect(await throwing.pollNow()).toEqual({ kind: 'error', message: 'boom' });
    throwing.stop();
    const poller = new CatalogPoller({ service, fetchCatalog: central.fetchCatalog });
    central.failOnce();
    expect(await poller.pollNow()).toEqual({ kind: 'error', message: 'connect ECONNREFUSED' });
    central.publish('"v2"', signedVersion(2));
    expect(await poller.pollNow()).toMatchObject({ kind: 'offered' });
    poller.stop();
  });
});

it('the shipped signed default is what the service falls back to', () => {
  expect(JSON.parse(readFileSync(defaultSignedCatalogFile, 'utf8'))).toHaveProperty(
    'signature.alg',
    'Ed25519',
  );
});

describe('CatalogService when the store fails', () => {
  it('an offer that cannot be stored fails without changing anything; an apply that cannot be stored retries later', async () => {
    const store = new MemoryCatalogStore();
    let failStaged = true;
    let failApplied = true;
    const flaky = Object.assign(Object.create(store) as MemoryCatalogStore, {
      saveStaged: async (doc: unknown) => {
        if (failStaged && doc !== null) throw new Error('ENOSPC: no space left on device');
        await store.saveStaged(doc);
      },
      saveApplied: async (doc: unknown) => {
        if (failApplied) throw new Error('EACCES: permission denied');
        await store.saveApplied(doc);
      },
      loadApplied: async () => {
        throw new Error('EIO: i/o error');
      },
    });
    const service = new CatalogService({
      store: flaky,
      trustedKeys: [demoTrustedKey()],
      isVisitInProgress: () => false,
      now: () => NOW,
      loadShippedDefault: shippedDefaultLoader(resourcesRoot),
    });
    await service.init(); // an unreadable store still starts, on the default
    expect(service.current()?.source).toBe('default');
    expect(await service.offer(signedVersion(2), 'central')).toEqual({
      ok: false,
      error: { code: 'store-failed', message: 'cannot store catalog 2: ENOSPC: no space left on device' },
    });
    expect(service.status().stagedVersion).toBeNull();
    failStaged = false;
    expect(await service.offer(signedVersion(2), 'central')).toEqual({
      ok: true,
      value: { outcome: 'staged', version: 2 },
    });
    expect(await service.applyStagedIfIdle()).toEqual({ ok: false, error: { code: 'store-failed' } });
    expect(service.current()?.version).toBe(1);
    failApplied = false;
    expect(await service.applyStagedIfIdle()).toEqual({ ok: true, value: { version: 2 } });
  });
});

describe('CatalogService logs what the store fails to do at (re)load', () => {
  it('an unreadable last rejection and a staged file that cannot be cleared are logged, and loading goes on', async () => {
    const store = new MemoryCatalogStore();
    store.staged = { catalog: { version: 'not a catalog' }, signature: {} };
    const broken = Object.assign(Object.create(store) as MemoryCatalogStore, {
      lastRejection: async () => {
        throw new Error('EIO: i/o error');
      },
      saveStaged: async () => {
        throw new Error('EROFS: read-only file system');
      },
    });
    const lines: { level: string; event: string; fields: unknown }[] = [];
    const logger = {
      info: (event: string, fields?: unknown) => lines.push({ level: 'info', event, fields }),
      warn: (event: string, fields?: unknown) => lines.push({ level: 'warn', event, fields }),
      error: (event: string, fields?: unknown) => lines.push({ level: 'error', event, fields }),
    };
    const service = new CatalogService({
      store: broken,
      trustedKeys: [demoTrustedKey()],
      isVisitInProgress: () => false,
      now: () => NOW,
      loadShippedDefault: shippedDefaultLoader(resourcesRoot),
      logger,
    });
    await service.init();
    expect(service.current()?.source).toBe('default');
    expect(lines.filter((l) => l.level === 'error')).toEqual([
      {
        level: 'error',
        event: 'catalog.store-unreadable',
        fields: { part: 'last-rejection', message: 'EIO: i/o error' },
      },
      {
        level: 'error',
        event: 'catalog.store-failed',
        fields: { part: 'staged', message: 'EROFS: read-only file system' },
      },
    ]);
    expect(service.status().lastRejection).toMatchObject({ reason: 'malformed', source: 'stored' });
  });
});

describe('CatalogPoller timer', () => {
  it('polls at start and then every interval until stopped', async () => {
    const { service } = setup();
    await service.init();
    let calls = 0;
    const poller = new CatalogPoller({
      service,
      intervalMs: 1000,
      fetchCatalog: async () => {
        calls += 1;
        return { ok: true, value: { status: 'not-modified' } };
      },
    });
    vi.useFakeTimers();
    try {
      poller.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(calls).toBe(2);
      await vi.advanceTimersByTimeAsync(2000);
      expect(calls).toBe(4);
      poller.stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(calls).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('CatalogService trust: rollback floor, audience, expiry, no default', () => {
  function service(
    store: CatalogStore,
    options: { now?: () => number; kiosk?: { kioskId: string; kioskGroups: string[] } } = {},
  ): CatalogService {
    return new CatalogService({
      store,
      trustedKeys: [demoTrustedKey()],
      isVisitInProgress: () => false,
      now: options.now ?? (() => NOW),
      ...(options.kiosk ? { kiosk: options.kiosk } : {}),
    });
  }

  it('without a shipped default and nothing applied there is no catalog (out of service)', async () => {
    const s = service(new MemoryCatalogStore());
    await s.init();
    expect(s.current()).toBeNull();
    expect(s.status()).toMatchObject({ appliedVersion: null, expired: false });
  });

  it('the rollback floor survives deleting (or damaging) the applied file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-floor-'));
    const first = service(new FileCatalogStore(dir));
    await first.init();
    expect(await first.offer(signedVersion(7), 'file')).toMatchObject({
      ok: true,
      value: { outcome: 'applied', version: 7 },
    });
    const floorFile = path.join(dir, 'state', 'catalog-floor.json');
    expect(JSON.parse(readFileSync(floorFile, 'utf8'))).toMatchObject({ version: 7 });

    // The applied file is deleted: the kiosk has no catalog, but version 5 is still a rollback.
    const applied = path.join(dir, 'catalog', catalogStoreFiles.applied);
    writeFileSync(applied, '{ damaged');
    const second = service(new FileCatalogStore(dir));
    await second.init();
    expect(second.current()).toBeNull();
    expect(second.status().floorVersion).toBe(7);
    const older = await second.offer(signedVersion(5), 'file');
    expect(older).toMatchObject({
      ok: false,
      error: { code: 'rejected', rejection: { reason: 'rollback', version: 5 } },
    });
    // Another catalog with the floor's version is refused too; the very same one may come back.
    const sameVersion = await second.offer(signedVersion(7, { publisher: 'someone else entirely' }), 'file');
    expect(sameVersion).toMatchObject({
      ok: false,
      error: { code: 'rejected', rejection: { reason: 'rollback' } },
    });
    expect(await second.offer(signedVersion(7), 'file')).toMatchObject({
      ok: true,
      value: { outcome: 'applied', version: 7 },
    });
    expect(await second.offer(signedVersion(8), 'file')).toMatchObject({
      ok: true,
      value: { outcome: 'applied', version: 8 },
    });
  });

  it('an applied file swapped for an older signed catalog is refused at start-up', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-floor-'));
    const first = service(new FileCatalogStore(dir));
    await first.init();
    await first.offer(signedVersion(9), 'file');
    writeFileSync(path.join(dir, 'catalog', catalogStoreFiles.applied), JSON.stringify(signedVersion(4)));
    const second = service(new FileCatalogStore(dir));
    await second.init();
    expect(second.current()).toBeNull();
    expect(second.status().lastRejection).toMatchObject({ reason: 'rollback', version: 4, source: 'stored' });
  });

  it('refuses a catalog addressed to other kiosks, accepts one for its id or group', async () => {
    const kiosk = { kioskId: 'SZ-FT-0012', kioskGroups: ['hk-macao-zone'] };
    const s = service(new MemoryCatalogStore(), { kiosk });
    await s.init();
    const elsewhere = await s.offer(
      signedVersion(2, { audience: { kioskIds: ['SZ-FT-0099'], kioskGroups: ['airport'] } }),
      'central',
    );
    expect(elsewhere).toMatchObject({
      ok: false,
      error: { code: 'rejected', rejection: { reason: 'audience' } },
    });
    expect(s.current()).toBeNull();
    expect(
      await s.offer(signedVersion(3, { audience: { kioskGroups: ['hk-macao-zone'] } }), 'central'),
    ).toMatchObject({ ok: true, value: { outcome: 'applied', version: 3 } });
    expect(
      await s.offer(signedVersion(4, { audience: { kioskIds: ['SZ-FT-0012'] } }), 'central'),
    ).toMatchObject({ ok: true, value: { outcome: 'applied', version: 4 } });
    // A kiosk moved out of the audience refuses its stored catalog at the next start.
    const store = new MemoryCatalogStore();
    store.applied = signedVersion(5, { audience: { kioskIds: ['SZ-FT-0012'] } });
    const moved = service(store, { kiosk: { kioskId: 'SZ-FT-0013', kioskGroups: [] } });
    await moved.init();
    expect(moved.current()).toBeNull();
    expect(moved.status().lastRejection).toMatchObject({ reason: 'audience' });
  });

  it('an applied catalog that expires is withdrawn between visits, and a newer one restores service', async () => {
    let now = NOW;
    const expiresAt = new Date(NOW + 3_600_000).toISOString();
    const s = service(new MemoryCatalogStore(), { now: () => now });
    const expired: number[] = [];
    s.events.on('expired', (e) => expired.push(e.version));
    await s.init();
    await s.offer(signedVersion(2, { expiresAt }), 'central');
    expect(s.checkExpiry()).toBe(false);
    expect(s.current()?.version).toBe(2);
    now = NOW + 3_600_000 + 10 * 60_000; // past expiry and the 5-minute clock-skew tolerance
    expect(s.checkExpiry()).toBe(true);
    expect(s.current()).toBeNull();
    expect(s.status()).toMatchObject({ appliedVersion: 2, expired: true, expiresAt });
    expect(expired).toEqual([2]);
    // Still the rollback reference while expired.
    expect(await s.offer(signedVersion(2), 'central')).toMatchObject({
      ok: false,
      error: { code: 'rejected' },
    });
    expect(await s.offer(signedVersion(3), 'central')).toMatchObject({
      ok: true,
      value: { outcome: 'applied', version: 3 },
    });
    expect(s.current()?.version).toBe(3);
    expect(s.status().expired).toBe(false);
  });

  it('a kiosk switched on after its catalog expired starts out of service', async () => {
    const store = new MemoryCatalogStore();
    store.applied = signedVersion(2, { expiresAt: new Date(NOW - 86_400_000).toISOString() });
    const s = service(store);
    await s.init();
    expect(s.current()).toBeNull();
    expect(s.status()).toMatchObject({ appliedVersion: 2, expired: true });
  });
});
