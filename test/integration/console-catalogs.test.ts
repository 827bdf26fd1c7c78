import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addConsoleUser } from '../../central/console-auth.js';
import type { HeartbeatRequest } from '../../contract/central-api.js';
import { openCentralDb, type CentralDb } from '../../central/db.js';
import { sampleHeartbeat } from '../../central/fixtures.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import type { Catalog } from '../../contract/catalog/schema.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import { defaultCatalog, demoPrivateKey, demoTrustedKey, newKey } from '../fixtures/catalog/helpers.js';
import { CENTRAL_BACKEND, sharedCentralStore } from '../support/central-store.js';

/**
 * Catalogs in the console (central/console-catalogs.ts) on both stores: uploads verified against the server's
 * trusted catalog keys (refused with the reason, nothing stored), the diff in words, publishing to groups
 * within the signed audience, group-aware serving to kiosks, kiosks' reports (applied / rejected / not yet),
 * roles, CSRF and the audit trail.
 */

const ADMIN_PASSWORD = 'admin password long enough';
const OFFICER_PASSWORD = 'officer password long enough';
const KIOSKS = { 'hk-01': 'token-hk-01', 'hk-02': 'token-hk-02', 'city-01': 'token-city-01' } as const;
type KioskId = keyof typeof KIOSKS;

let central: CentralServer;
let db: CentralDb;
let staticDir: string;
let removeStore: () => void;

beforeEach(async () => {
  staticDir = mkdtempSync(path.join(tmpdir(), 'console-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  const store = await sharedCentralStore();
  removeStore = store.remove;
  central = await startCentralServer({
    ...store.options,
    kioskTokens: KIOSKS,
    adminToken: 'admin-bearer-token',
    // Inside the demonstration catalog's validity period.
    now: () => Date.parse('2026-12-01T08:00:00Z'),
    console: { staticDir },
    catalogTrustedKeys: [demoTrustedKey()],
  });
  db = await openCentralDb(store.options.database ?? path.join(store.options.dataDir, 'central.sqlite'));
  await addConsoleUser(db, { name: 'chief', role: 'administrator', password: ADMIN_PASSWORD });
  await addConsoleUser(db, { name: 'officer', role: 'duty-officer', password: OFFICER_PASSWORD });
});

afterEach(async () => {
  await db.close();
  await central.close();
  removeStore();
  rmSync(staticDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: unknown;
}

async function request(
  pathname: string,
  init: { method?: string; cookie?: string; csrf?: string; body?: unknown; bearer?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.cookie !== undefined) headers.cookie = init.cookie;
  if (init.csrf !== undefined) headers['x-csrf-token'] = init.csrf;
  if (init.bearer !== undefined) headers.authorization = `Bearer ${init.bearer}`;
  const method = init.method ?? 'GET';
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers.origin = central.url;
  }
  const res = await fetch(`${central.url}${pathname}`, {
    method,
    headers,
    ...(method === 'POST' ? { body: JSON.stringify(init.body ?? {}) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // empty (304)
  }
  return { status: res.status, body };
}

async function signIn(name: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${central.url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: central.url },
    body: JSON.stringify({ name, password }),
  });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: csrfToken };
}

/** The demonstration catalog as version `version`, with changes, signed with the demonstration key. */
function signed(version: number, change: (catalog: Catalog) => void = () => undefined): unknown {
  const catalog = { ...defaultCatalog(), version };
  change(catalog);
  return signCatalog(catalog, demoPrivateKey());
}

async function heartbeat(
  kioskId: KioskId,
  extra: Partial<Omit<HeartbeatRequest, 'kioskId'>> = {},
): Promise<{ catalog: { version: number; etag: string } | null }> {
  const answer = await request('/v1/heartbeat', {
    method: 'POST',
    bearer: KIOSKS[kioskId],
    body: {
      kioskId,
      ...sampleHeartbeat({ kioskGroups: kioskId.startsWith('hk-') ? ['hk-macao-zone'] : [], ...extra }),
    },
  });
  expect(answer.status).toBe(200);
  return answer.body as { catalog: { version: number; etag: string } | null };
}

async function storedVersions(): Promise<number[]> {
  return (await db.all<{ version: number }>('SELECT version FROM catalogs ORDER BY version')).map((r) =>
    Number(r.version),
  );
}

async function auditOf(
  action: string,
): Promise<{ user_name: string | null; outcome: string; detail: string | null }[]> {
  return db.all('SELECT user_name, outcome, detail FROM console_audit WHERE action = ? ORDER BY id', [
    action,
  ]);
}

describe(`console catalogs (${CENTRAL_BACKEND})`, () => {
  it('refuses documents that do not verify against the trusted keys, with the reason, storing nothing', async () => {
    const admin = await signIn('chief', ADMIN_PASSWORD);
    const tampered = signed(2) as { catalog: Catalog; signature: unknown };
    tampered.catalog.services[0]!.name.en = 'Tampered after signing';
    const foreign = signCatalog({ ...defaultCatalog(), version: 2 }, newKey().privateKey);
    const cases: [unknown, string][] = [
      [tampered, 'bad-signature'],
      [foreign, 'unknown-key'],
      [{ catalog: { ...defaultCatalog(), version: 2 } }, 'unsigned'],
      [signed(2, (c) => (c.expiresAt = '2026-11-30T00:00:00Z')), 'expired'],
      [signed(2, (c) => (c.services = [])), 'schema'],
    ];
    for (const [document, code] of cases) {
      for (const route of ['catalog-preview', 'catalog-publish']) {
        const answer = await request(`/console/api/${route}`, {
          method: 'POST',
          ...admin,
          body: { document, groups: null, baseVersion: null },
        });
        expect(answer.status, `${code} on ${route}`).toBe(422);
        expect(answer.body).toMatchObject({ error: { code } });
      }
    }
    expect(await storedVersions()).toEqual([]);
    const refusals = await auditOf('catalog.upload');
    expect(refusals.map((r) => [r.user_name, r.outcome, r.detail?.split(':')[0]])).toEqual(
      cases.map(([, code]) => ['chief', 'refused', code]),
    );
    // Nothing published: kiosks are served nothing.
    expect((await heartbeat('hk-01')).catalog).toBeNull();
  });

  it('shows the diff in words, publishes to one group, and serves only that group', async () => {
    const admin = await signIn('chief', ADMIN_PASSWORD);
    await heartbeat('hk-01');
    await heartbeat('city-01');
    // Version 2 to every kiosk, through the console.
    const v2 = signed(2);
    const first = await request('/console/api/catalog-preview', {
      method: 'POST',
      ...admin,
      body: { document: v2 },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      version: 2,
      baseVersion: null,
      changes: { general: [{ zh: '首次发布目录（版本 2）' }] },
      reachAll: 3,
    });
    expect(
      (
        await request('/console/api/catalog-publish', {
          method: 'POST',
          ...admin,
          body: { document: v2, groups: null, baseVersion: null },
        })
      ).status,
    ).toBe(200);

    // Version 3 renames a service; the administrator reads it and publishes to the HK/Macao zone only.
    const v3 = signed(3, (c) => {
      c.services[0]!.name = { 'zh-CN': '户籍证明', 'zh-HK': '戶籍證明', en: 'Household certificate' };
    });
    const preview = await request('/console/api/catalog-preview', {
      method: 'POST',
      ...admin,
      body: { document: v3 },
    });
    expect(preview.status).toBe(200);
    const body = preview.body as {
      baseVersion: number;
      changes: { services: { kind: string; id: string; details: { zh: string; en: string }[] }[] };
      groups: { id: string; kiosks: number; allowed: boolean }[];
    };
    expect(body.baseVersion).toBe(2);
    expect(body.changes.services).toEqual([
      {
        kind: 'changed',
        id: 'household-certificate',
        name: { zh: '户籍证明', en: 'Household certificate' },
        details: [
          {
            zh: '名称由「户籍证明开具」改为「户籍证明」',
            en: 'name changed from “Household registration certificate” to “Household certificate”',
          },
        ],
      },
    ]);
    expect(body.groups).toEqual([
      { id: 'hk-macao-zone', name: expect.any(Object), kiosks: 1, allowed: true },
    ]);
    // A preview stores nothing.
    expect(await storedVersions()).toEqual([2]);

    const published = await request('/console/api/catalog-publish', {
      method: 'POST',
      ...admin,
      body: { document: v3, groups: ['hk-macao-zone'], baseVersion: 2 },
    });
    expect(published.status).toBe(200);
    expect(published.body).toEqual({ version: 3, targetGroups: ['hk-macao-zone'], reach: 1 });
    expect((await heartbeat('hk-01')).catalog?.version).toBe(3);
    expect((await heartbeat('city-01')).catalog?.version).toBe(2);
    const hkCatalog = await request('/v1/catalog', { bearer: KIOSKS['hk-01'] });
    const cityCatalog = await request('/v1/catalog', { bearer: KIOSKS['city-01'] });
    expect((hkCatalog.body as { catalog: { version: number } }).catalog.version).toBe(3);
    expect((cityCatalog.body as { catalog: { version: number } }).catalog.version).toBe(2);
    expect(await auditOf('catalog.publish')).toEqual([
      { user_name: 'chief', outcome: 'ok', detail: 'version 2 to every kiosk' },
      { user_name: 'chief', outcome: 'ok', detail: 'version 3 to groups hk-macao-zone' },
    ]);

    // A diff shown against 3 cannot publish over a 4 published meanwhile.
    const v4 = signed(4);
    const v5 = signed(5);
    expect(
      (
        await request('/console/api/catalog-publish', {
          method: 'POST',
          ...admin,
          body: { document: v4, groups: null, baseVersion: 3 },
        })
      ).status,
    ).toBe(200);
    const stale = await request('/console/api/catalog-publish', {
      method: 'POST',
      ...admin,
      body: { document: v5, groups: null, baseVersion: 3 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: { code: 'base-changed' } });
    // And an older version than the published one is refused as the kiosks would (rollback).
    const older = await request('/console/api/catalog-preview', {
      method: 'POST',
      ...admin,
      body: { document: signed(3) },
    });
    expect(older.status).toBe(422);
    expect(older.body).toMatchObject({ error: { code: 'rollback' } });
    expect(await storedVersions()).toEqual([2, 3, 4]);
  });

  it('never publishes beyond the signed audience', async () => {
    const admin = await signIn('chief', ADMIN_PASSWORD);
    await heartbeat('hk-01');
    await heartbeat('city-01');
    const narrow = signed(2, (c) => {
      c.audience = { kioskGroups: ['hk-macao-zone'] };
    });
    const preview = await request('/console/api/catalog-preview', {
      method: 'POST',
      ...admin,
      body: { document: narrow },
    });
    expect(preview.body).toMatchObject({ audience: { kioskGroups: ['hk-macao-zone'] }, reachAll: 1 });
    // A group the signature does not name: refused, audited, nothing stored.
    await heartbeat('city-01', { kioskGroups: ['airport'] });
    const wider = await request('/console/api/catalog-publish', {
      method: 'POST',
      ...admin,
      body: { document: narrow, groups: ['hk-macao-zone', 'airport'], baseVersion: null },
    });
    expect(wider.status).toBe(422);
    expect(wider.body).toMatchObject({ error: { code: 'outside-audience' } });
    expect(await storedVersions()).toEqual([]);
    expect((await auditOf('catalog.publish')).at(-1)).toMatchObject({ outcome: 'refused' });
    // "Every kiosk" means every kiosk the signature names.
    const all = await request('/console/api/catalog-publish', {
      method: 'POST',
      ...admin,
      body: { document: narrow, groups: null, baseVersion: null },
    });
    expect(all.body).toEqual({ version: 2, targetGroups: null, reach: 1 });
    expect((await heartbeat('hk-01')).catalog?.version).toBe(2);
    expect((await heartbeat('city-01', { kioskGroups: ['airport'] })).catalog).toBeNull();
    expect((await request('/v1/catalog', { bearer: KIOSKS['city-01'] })).status).toBe(404);
  });

  it('lists per published catalog which kiosks applied it, rejected it and why, or have not yet', async () => {
    const admin = await signIn('chief', ADMIN_PASSWORD);
    for (const kiosk of ['hk-01', 'hk-02', 'city-01'] as const) await heartbeat(kiosk);
    const v2 = signed(2);
    await request('/console/api/catalog-publish', {
      method: 'POST',
      ...admin,
      body: { document: v2, groups: ['hk-macao-zone'], baseVersion: null },
    });
    await heartbeat('hk-01', { catalogVersion: 2 });
    await heartbeat('hk-02', {
      catalogVersion: 1,
      lastCatalogRejection: {
        version: 2,
        reason: 'unknown-key: signed with key 24e6, which this kiosk does not trust',
        code: 'unknown-key',
      },
    });
    const listed = await request('/console/api/catalogs', { cookie: admin.cookie });
    expect(listed.status).toBe(200);
    const [catalog] = (
      listed.body as {
        catalogs: {
          version: number;
          targetGroups: string[];
          publishedBy: string;
          counts: unknown;
          kiosks: { kioskId: string; state: string; reasonCode: string | null }[];
        }[];
      }
    ).catalogs;
    expect(catalog).toMatchObject({
      version: 2,
      targetGroups: ['hk-macao-zone'],
      publishedBy: 'chief',
      counts: { applied: 1, rejected: 1, pending: 0, newer: 0 },
    });
    expect(catalog?.kiosks.map((k) => [k.kioskId, k.state, k.reasonCode])).toEqual([
      ['hk-01', 'applied', null],
      ['hk-02', 'rejected', 'unknown-key'],
    ]);
    // The fleet shows the groups each kiosk reported.
    const fleet = await request('/console/api/fleet', { cookie: admin.cookie });
    expect(
      (fleet.body as { kiosks: { kioskId: string; kioskGroups: string[] | null }[] }).kiosks.map((k) => [
        k.kioskId,
        k.kioskGroups,
      ]),
    ).toEqual([
      ['city-01', []],
      ['hk-01', ['hk-macao-zone']],
      ['hk-02', ['hk-macao-zone']],
    ]);
  });

  it('is for administrators only, signed in, with the CSRF token', async () => {
    const officer = await signIn('officer', OFFICER_PASSWORD);
    const admin = await signIn('chief', ADMIN_PASSWORD);
    const document = signed(2);
    expect((await request('/console/api/catalogs')).status).toBe(401);
    expect((await request('/console/api/catalogs', { cookie: officer.cookie })).status).toBe(403);
    expect(
      (await request('/console/api/catalog-preview', { method: 'POST', ...officer, body: { document } }))
        .status,
    ).toBe(403);
    expect(
      (
        await request('/console/api/catalog-publish', {
          method: 'POST',
          ...officer,
          body: { document, groups: null, baseVersion: null },
        })
      ).status,
    ).toBe(403);
    const noCsrf = await request('/console/api/catalog-publish', {
      method: 'POST',
      cookie: admin.cookie,
      body: { document, groups: null, baseVersion: null },
    });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body).toMatchObject({ error: { code: 'bad-csrf-token' } });
    // The kiosks' bearer tokens and the admin API's do not open the console.
    expect((await request('/console/api/catalogs', { bearer: 'admin-bearer-token' })).status).toBe(401);
    expect(await storedVersions()).toEqual([]);
    const refused = await db.all<{ user_name: string; action: string; detail: string }>(
      "SELECT user_name, action, detail FROM console_audit WHERE outcome = 'refused' ORDER BY id",
    );
    expect(refused).toEqual([
      { user_name: 'officer', action: 'catalogs.view', detail: 'role duty-officer' },
      { user_name: 'officer', action: 'catalog.upload', detail: 'role duty-officer' },
      { user_name: 'officer', action: 'catalog.publish', detail: 'role duty-officer' },
      { user_name: 'chief', action: 'catalog.publish', detail: 'missing or wrong CSRF token' },
    ]);
  });

  it('refuses every upload when the server trusts no catalog key', async () => {
    await central.close();
    const store = await sharedCentralStore();
    central = await startCentralServer({
      ...store.options,
      kioskTokens: KIOSKS,
      adminToken: 'admin-bearer-token',
      console: { staticDir },
    });
    const previous = removeStore;
    removeStore = () => {
      previous();
      store.remove();
    };
    await db.close();
    db = await openCentralDb(store.options.database ?? path.join(store.options.dataDir, 'central.sqlite'));
    await addConsoleUser(db, { name: 'chief', role: 'administrator', password: ADMIN_PASSWORD });
    const admin = await signIn('chief', ADMIN_PASSWORD);
    const answer = await request('/console/api/catalog-preview', {
      method: 'POST',
      ...admin,
      body: { document: signed(2) },
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: { code: 'no-trusted-keys' } });
  });
});
