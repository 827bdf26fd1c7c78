import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CENTRAL_BACKEND, sharedCentralStore } from '../test/support/central-store.js';
import {
  catalogEtag,
  catalogForKiosk,
  catalogKioskStatuses,
  catalogReaches,
  listPublishedCatalogs,
  publishCatalogRecord,
  recordCatalogReports,
  targetOutsideAudience,
  type CatalogAudience,
} from './catalog-publishing.js';
import { openCentralDb, type CentralDb } from './db.js';

/**
 * Catalogs published by group, on both stores: which catalog each kiosk is served, version order, and what
 * kiosks report back (applied, rejected with why, not yet).
 */

describe('catalogReaches / targetOutsideAudience', () => {
  const hk = { kioskId: 'SZ-FT-0001', groups: ['hk-macao-zone'] };
  const plain = { kioskId: 'SZ-FT-0002', groups: [] };
  it('serves every kiosk without a target, only members of a target group with one', () => {
    expect(catalogReaches(null, null, hk)).toBe(true);
    expect(catalogReaches(null, null, plain)).toBe(true);
    expect(catalogReaches(['hk-macao-zone'], null, hk)).toBe(true);
    expect(catalogReaches(['hk-macao-zone'], null, plain)).toBe(false);
  });
  it('never reaches beyond the signed audience, whatever the target', () => {
    const audience: CatalogAudience = { kioskGroups: ['hk-macao-zone'] };
    expect(catalogReaches(null, audience, plain)).toBe(false);
    expect(catalogReaches(null, audience, hk)).toBe(true);
    expect(catalogReaches(null, { kioskIds: ['SZ-FT-0002'] }, plain)).toBe(true);
    expect(targetOutsideAudience(['hk-macao-zone', 'airport'], audience)).toBe('airport');
    expect(targetOutsideAudience(['hk-macao-zone'], audience)).toBeNull();
    expect(targetOutsideAudience(null, audience)).toBeNull();
    expect(targetOutsideAudience(['airport'], null)).toBeNull();
    // An audience of kiosk ids only names no group: no group may be chosen.
    expect(targetOutsideAudience(['airport'], { kioskIds: ['SZ-FT-0002'] })).toBe('airport');
  });
});

describe(`published catalogs by group (${CENTRAL_BACKEND})`, () => {
  let db: CentralDb;
  let target: string;
  let remove: () => void;
  beforeEach(async () => {
    const store = await sharedCentralStore();
    remove = store.remove;
    target = store.options.database ?? `${store.options.dataDir}/central.sqlite`;
    db = await openCentralDb(target);
  });
  afterEach(async () => {
    await db.close();
    remove();
  });

  const publish = (
    version: number,
    targetGroups: string[] | null,
    extra: { audience?: CatalogAudience; baseVersion?: number | null } = {},
  ): Promise<void> => {
    const body = Buffer.from(JSON.stringify({ catalog: { version }, signature: {} }));
    return publishCatalogRecord(db, {
      version,
      etag: catalogEtag(body),
      body,
      targetGroups,
      audience: extra.audience ?? null,
      keyId: 'k1',
      publishedBy: 'chief',
      at: 1_000 + version,
      ...(extra.baseVersion !== undefined ? { baseVersion: extra.baseVersion } : {}),
    });
  };

  it('serves each kiosk the newest catalog published to it, and keeps versions increasing', async () => {
    await publish(5, null);
    await publish(6, ['hk-macao-zone']);
    await publish(7, ['airport'], { audience: { kioskGroups: ['airport'] } });
    const hk = await catalogForKiosk(db, { kioskId: 'a', groups: ['hk-macao-zone'] });
    const plain = await catalogForKiosk(db, { kioskId: 'b', groups: [] });
    const airport = await catalogForKiosk(db, { kioskId: 'c', groups: ['airport', 'hk-macao-zone'] });
    expect(hk?.version).toBe(6);
    expect(plain?.version).toBe(5);
    expect(airport?.version).toBe(7);
    expect(JSON.parse((await hk!.body()).toString('utf8'))).toEqual({
      catalog: { version: 6 },
      signature: {},
    });
    await expect(publish(7, null)).rejects.toMatchObject({ status: 409, code: 'version-not-newer' });
    await expect(publish(8, null, { baseVersion: 6 })).rejects.toMatchObject({
      status: 409,
      code: 'base-changed',
    });
    await publish(8, null, { baseVersion: 7 });
    const listed = await listPublishedCatalogs(db);
    expect(listed.map((c) => [c.version, c.targetGroups, c.publishedBy])).toEqual([
      [8, null, 'chief'],
      [7, ['airport'], 'chief'],
      [6, ['hk-macao-zone'], 'chief'],
      [5, null, 'chief'],
    ]);
    expect(listed[1]?.audience).toEqual({ kioskGroups: ['airport'] });
  });

  it('lets one of several publishers reviewing the same base win (two connections, as two instances)', async () => {
    const other = await openCentralDb(target);
    try {
      const attempts = [1, 2, 3, 4, 5, 6].map((version) => {
        const body = Buffer.from(`{"v":${version}}`);
        return publishCatalogRecord(version % 2 === 0 ? other : db, {
          version,
          etag: catalogEtag(body),
          body,
          targetGroups: null,
          audience: null,
          keyId: null,
          publishedBy: 'chief',
          at: version,
          baseVersion: null,
        });
      });
      const outcomes = await Promise.allSettled(attempts);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes)
        if (outcome.status === 'rejected')
          expect(outcome.reason).toMatchObject({ status: 409, code: 'base-changed' });
      expect(await listPublishedCatalogs(db)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('serves nothing to a kiosk no catalog reaches', async () => {
    await publish(3, ['hk-macao-zone']);
    expect(await catalogForKiosk(db, { kioskId: 'b', groups: [] })).toBeUndefined();
  });

  it('records applied and rejected reports per kiosk and version; applied is final', async () => {
    await publish(5, null);
    await publish(6, ['hk-macao-zone']);
    // A version never published here (a demonstration default) is not recorded.
    await recordCatalogReports(db, { kioskId: 'a', catalogVersion: 1 }, 10);
    await recordCatalogReports(db, { kioskId: 'a', catalogVersion: 5 }, 20);
    await recordCatalogReports(
      db,
      {
        kioskId: 'b',
        catalogVersion: 5,
        lastCatalogRejection: { version: 6, reason: 'audience: other kiosks', code: 'audience' },
      },
      30,
    );
    await recordCatalogReports(
      db,
      {
        kioskId: 'c',
        catalogVersion: 5,
        lastCatalogRejection: { version: 6, reason: 'unknown-key: k1', code: 'unknown-key' },
      },
      40,
    );
    // Kiosk c then trusts the key and applies 6: its rejection is replaced, and a stale report cannot undo it.
    await recordCatalogReports(db, { kioskId: 'c', catalogVersion: 6 }, 50);
    await recordCatalogReports(
      db,
      {
        kioskId: 'c',
        catalogVersion: 5,
        lastCatalogRejection: { version: 6, reason: 'late', code: 'rollback' },
      },
      60,
    );
    const rows = await db.all<{
      kiosk_id: string;
      version: number;
      outcome: string;
      reason_code: string | null;
    }>('SELECT kiosk_id, version, outcome, reason_code FROM catalog_reports ORDER BY kiosk_id, version');
    expect(rows.map((r) => [r.kiosk_id, Number(r.version), r.outcome, r.reason_code])).toEqual([
      ['a', 5, 'applied', null],
      ['b', 5, 'applied', null],
      ['b', 6, 'rejected', 'audience'],
      ['c', 5, 'applied', null],
      ['c', 6, 'applied', null],
    ]);

    const [six] = await listPublishedCatalogs(db, 1);
    const statuses = await catalogKioskStatuses(db, six!, [
      { kioskId: 'a', kioskGroups: ['hk-macao-zone'], catalogVersion: 5 },
      { kioskId: 'b', kioskGroups: [], catalogVersion: 5 },
      { kioskId: 'c', kioskGroups: ['hk-macao-zone'], catalogVersion: 6 },
      { kioskId: 'd', kioskGroups: null, catalogVersion: 5 },
      { kioskId: 'e', kioskGroups: ['hk-macao-zone'], catalogVersion: 9 },
    ]);
    expect(statuses.map((s) => [s.kioskId, s.state, s.targeted, s.reasonCode])).toEqual([
      ['a', 'pending', true, null],
      // Outside the target, but it reported on this catalog: listed with its reason.
      ['b', 'rejected', false, 'audience'],
      ['c', 'applied', true, null],
      ['e', 'newer', true, null],
    ]);
    expect(statuses.find((s) => s.kioskId === 'b')?.reason).toBe('audience: other kiosks');
    expect(statuses.find((s) => s.kioskId === 'c')?.reportedAt).toBe(new Date(50).toISOString());
  });
});
