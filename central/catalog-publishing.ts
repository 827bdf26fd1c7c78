import { createHash } from 'node:crypto';
import { z } from 'zod';
import { addressedTo } from '../contract/catalog/signing.js';
import type { HeartbeatRequest } from '../contract/central-api.js';
import type { CentralDb } from './db.js';
import { HttpError } from './http-json.js';

/**
 * Published catalogs by group, on both stores (the columns and `catalog_reports` are the console-catalogs
 * migration in central/db.ts and central/db-postgres.ts): who a catalog is published to, which catalog a kiosk is
 * served, and what each kiosk reported back about each published catalog (applied, or rejected and why).
 *
 * A catalog reaches a kiosk when the kiosk is in its target (every kiosk, or a member of one of its target
 * groups, by the groups the kiosk's heartbeats name) AND in its signed audience when it has one: the server
 * narrows what the signature allows, never widens it (the kiosk enforces the audience again on its own).
 */

/** A catalog's signed audience (`catalog.audience`): kiosk ids and/or kiosk groups. */
export interface CatalogAudience {
  readonly kioskIds?: readonly string[];
  readonly kioskGroups?: readonly string[];
}

/** A kiosk as targeting sees it: its id and the groups its last heartbeat named. */
export interface TargetKiosk {
  readonly kioskId: string;
  readonly groups: readonly string[];
}

const audienceSchema = z.object({
  kioskIds: z.array(z.string()).optional(),
  kioskGroups: z.array(z.string()).optional(),
});
const groupsSchema = z.array(z.string());

/** A published catalog's strong ETag: 32 hex digits of the SHA-256 of its bytes, quoted. */
export function catalogEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
}

/** The signed audience of a catalog object, or null when it has none (or none that can be read). */
export function audienceOf(catalog: unknown): CatalogAudience | null {
  if (typeof catalog !== 'object' || catalog === null) return null;
  const parsed = audienceSchema.safeParse((catalog as Record<string, unknown>).audience);
  return parsed.success ? parsed.data : null;
}

/** Whether a catalog published to `targetGroups` (null = every kiosk) with `audience` reaches `kiosk`. */
export function catalogReaches(
  targetGroups: readonly string[] | null,
  audience: CatalogAudience | null,
  kiosk: TargetKiosk,
): boolean {
  if (targetGroups !== null && !targetGroups.some((group) => kiosk.groups.includes(group))) return false;
  return audience === null || addressedTo(audience, { kioskId: kiosk.kioskId, kioskGroups: kiosk.groups });
}

/**
 * Why a target would widen the signed audience, or null when it does not: with an audience, every chosen group
 * must be one the signature names. ("Every kiosk" with an audience means every kiosk the audience names.)
 */
export function targetOutsideAudience(
  targetGroups: readonly string[] | null,
  audience: CatalogAudience | null,
): string | null {
  if (audience === null || targetGroups === null) return null;
  const outside = targetGroups.filter((group) => !(audience.kioskGroups ?? []).includes(group));
  return outside.length === 0 ? null : outside.join(', ');
}

function parseList(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const parsed = groupsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // A stored value that is not JSON is treated as unset, exactly like a missing one.
    return null;
  }
}

function parseAudience(text: string | null): CatalogAudience | null {
  if (text === null) return null;
  try {
    const parsed = audienceSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // A stored value that is not JSON is treated as unset, exactly like a missing one.
    return null;
  }
}

/** A published catalog's record (without its bytes). */
export interface PublishedCatalog {
  readonly version: number;
  readonly etag: string;
  readonly publishedAt: number;
  /** null = every kiosk (within the audience). */
  readonly targetGroups: readonly string[] | null;
  readonly audience: CatalogAudience | null;
  /** The key that verified it (console), or the key id it names (admin API, not verified there). */
  readonly keyId: string | null;
  /** The console user who published it, or `admin-api`. */
  readonly publishedBy: string | null;
}

interface CatalogRow {
  version: number;
  etag: string;
  published_at: number;
  target_groups: string | null;
  audience: string | null;
  key_id: string | null;
  published_by: string | null;
}

function recordOf(row: CatalogRow): PublishedCatalog {
  return {
    version: Number(row.version),
    etag: row.etag,
    publishedAt: Number(row.published_at),
    targetGroups: parseList(row.target_groups),
    audience: parseAudience(row.audience),
    keyId: row.key_id,
    publishedBy: row.published_by,
  };
}

const CATALOG_COLUMNS = 'version, etag, published_at, target_groups, audience, key_id, published_by';

/** Every published catalog, newest first (at most `limit`). */
export async function listPublishedCatalogs(db: CentralDb, limit = 1000): Promise<PublishedCatalog[]> {
  const rows = await db.all<CatalogRow>(
    `SELECT ${CATALOG_COLUMNS} FROM catalogs ORDER BY version DESC LIMIT ?`,
    [limit],
  );
  return rows.map(recordOf);
}

/** The newest published catalog with its bytes (whoever it was published to), or undefined before the first. */
export async function latestPublishedCatalog(
  db: CentralDb,
): Promise<(PublishedCatalog & { readonly body: Buffer }) | undefined> {
  const row = await db.get<CatalogRow & { body: Buffer }>(
    `SELECT ${CATALOG_COLUMNS}, body FROM catalogs ORDER BY version DESC LIMIT 1`,
  );
  return row ? { ...recordOf(row), body: row.body } : undefined;
}

/**
 * The newest catalog that reaches `kiosk` (see {@link catalogReaches}), or undefined when none does. The
 * bytes are read only for the one served.
 */
export async function catalogForKiosk(
  db: CentralDb,
  kiosk: TargetKiosk,
): Promise<{ readonly version: number; readonly etag: string; body(): Promise<Buffer> } | undefined> {
  const found = (await listPublishedCatalogs(db)).find((c) =>
    catalogReaches(c.targetGroups, c.audience, kiosk),
  );
  if (!found) return undefined;
  return {
    version: found.version,
    etag: found.etag,
    body: async () => {
      const row = await db.get<{ body: Buffer }>('SELECT body FROM catalogs WHERE version = ?', [
        found.version,
      ]);
      if (!row) throw new HttpError(404, 'no-catalog', 'no catalog has been published');
      return row.body;
    },
  };
}

/** What {@link publishCatalogRecord} stores. */
export interface CatalogPublication {
  readonly version: number;
  readonly etag: string;
  readonly body: Buffer;
  readonly targetGroups: readonly string[] | null;
  readonly audience: CatalogAudience | null;
  readonly keyId: string | null;
  readonly publishedBy: string;
  readonly at: number;
  /**
   * The newest version the publisher reviewed the diff against (null: there was none); when another catalog
   * was published meanwhile, 409 `base-changed` and nothing is stored.
   */
  readonly baseVersion?: number | null;
}

/**
 * Stores a published catalog: its version must be greater than every published one (409 `version-not-newer`).
 * One transaction behind a row lock, so two instances publishing at once cannot both win, and a diff reviewed
 * against the newest version is still against the newest when it is stored.
 */
export async function publishCatalogRecord(db: CentralDb, publication: CatalogPublication): Promise<void> {
  await db.transaction(async () => {
    // First a row lock every publisher takes (PostgreSQL holds it to the commit; sqlite's write lock already
    // serializes): a second instance publishing at the same moment reads the version after this one commits.
    await db.run(
      `INSERT INTO counters (name, value) VALUES ('catalog_publications', 1)
       ON CONFLICT (name) DO UPDATE SET value = counters.value + 1`,
    );
    const latest = await db.get<{ version: number | null }>('SELECT MAX(version) AS version FROM catalogs');
    const current = latest?.version === null || latest?.version === undefined ? null : Number(latest.version);
    if (publication.baseVersion !== undefined && publication.baseVersion !== current) {
      throw new HttpError(
        409,
        'base-changed',
        `catalog ${current ?? 'none'} was published since the diff was shown (against ${publication.baseVersion ?? 'none'}); upload again`,
      );
    }
    if (current !== null && publication.version <= current) {
      throw new HttpError(
        409,
        'version-not-newer',
        `catalog version ${publication.version} is not greater than the published ${current}`,
      );
    }
    await db.run(
      `INSERT INTO catalogs (version, etag, body, published_at, target_groups, audience, key_id, published_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        publication.version,
        publication.etag,
        publication.body,
        publication.at,
        publication.targetGroups === null ? null : JSON.stringify(publication.targetGroups),
        publication.audience === null ? null : JSON.stringify(publication.audience),
        publication.keyId,
        publication.publishedBy,
      ],
    );
  });
}

/**
 * Records what a heartbeat says about published catalogs: the version it runs is `applied` (an applied report
 * is final: a later rejection of the same version does not undo it), the version it last refused is `rejected`
 * with its reason. Versions that were never published here (a kiosk's demonstration default, a catalog applied
 * from a USB drive) are not recorded. Call inside the heartbeat's transaction.
 */
export async function recordCatalogReports(
  db: CentralDb,
  heartbeat: Pick<HeartbeatRequest, 'kioskId' | 'catalogVersion' | 'lastCatalogRejection'>,
  at: number,
): Promise<void> {
  const upsert = async (
    version: number,
    outcome: 'applied' | 'rejected',
    code: string | null,
    reason: string | null,
  ): Promise<void> => {
    const published = await db.get<{ version: number }>('SELECT version FROM catalogs WHERE version = ?', [
      version,
    ]);
    if (!published) return;
    await db.run(
      `INSERT INTO catalog_reports (kiosk_id, version, outcome, reason_code, reason, reported_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kiosk_id, version) DO UPDATE SET outcome = excluded.outcome,
         reason_code = excluded.reason_code, reason = excluded.reason,
         reported_at = CASE WHEN catalog_reports.outcome = excluded.outcome
           THEN catalog_reports.reported_at ELSE excluded.reported_at END
       WHERE catalog_reports.outcome <> 'applied'`,
      [heartbeat.kioskId, version, outcome, code, reason, at],
    );
  };
  if (heartbeat.catalogVersion !== null) await upsert(heartbeat.catalogVersion, 'applied', null, null);
  const rejection = heartbeat.lastCatalogRejection;
  if (rejection?.version !== undefined && rejection.version !== heartbeat.catalogVersion) {
    await upsert(rejection.version, 'rejected', rejection.code ?? null, rejection.reason);
  }
}

/** Where one kiosk stands with one published catalog. */
export type KioskCatalogState = 'applied' | 'rejected' | 'pending' | 'newer';

/** One kiosk's line in a published catalog's status. */
export interface KioskCatalogStatus {
  readonly kioskId: string;
  readonly groups: readonly string[] | null;
  /**
   * `applied` (reported running it), `rejected` (reported refusing it: `reasonCode`, `reason`), `newer` (runs a
   * newer catalog and never reported this one), `pending` (has not picked it up yet).
   */
  readonly state: KioskCatalogState;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  /** When the kiosk's heartbeat first said so (applied / rejected), ISO. */
  readonly reportedAt: string | null;
  /** The catalog the kiosk runs now, by its last heartbeat. */
  readonly catalogVersion: number | null;
  /** Whether the catalog is published to this kiosk (reports from kiosks outside the target are listed too). */
  readonly targeted: boolean;
}

/** A kiosk of the fleet, as far as {@link catalogKioskStatuses} needs it. */
export interface StatusKiosk {
  readonly kioskId: string;
  readonly kioskGroups: readonly string[] | null;
  readonly catalogVersion: number | null;
}

/**
 * Each kiosk's standing with published catalog `catalog`: every kiosk it reaches, plus kiosks outside it that
 * reported on it anyway; sorted by kiosk id.
 */
export async function catalogKioskStatuses(
  db: CentralDb,
  catalog: PublishedCatalog,
  fleet: readonly StatusKiosk[],
): Promise<KioskCatalogStatus[]> {
  const reports = await db.all<{
    kiosk_id: string;
    outcome: string;
    reason_code: string | null;
    reason: string | null;
    reported_at: number;
  }>('SELECT kiosk_id, outcome, reason_code, reason, reported_at FROM catalog_reports WHERE version = ?', [
    catalog.version,
  ]);
  const byKiosk = new Map(reports.map((row) => [row.kiosk_id, row]));
  const out: KioskCatalogStatus[] = [];
  for (const kiosk of fleet) {
    const targeted = catalogReaches(catalog.targetGroups, catalog.audience, {
      kioskId: kiosk.kioskId,
      groups: kiosk.kioskGroups ?? [],
    });
    const report = byKiosk.get(kiosk.kioskId);
    if (!targeted && !report) continue;
    const state: KioskCatalogState =
      report?.outcome === 'applied'
        ? 'applied'
        : report?.outcome === 'rejected'
          ? 'rejected'
          : kiosk.catalogVersion !== null && kiosk.catalogVersion > catalog.version
            ? 'newer'
            : 'pending';
    out.push({
      kioskId: kiosk.kioskId,
      groups: kiosk.kioskGroups,
      state,
      reasonCode: state === 'rejected' ? (report?.reason_code ?? null) : null,
      reason: state === 'rejected' ? (report?.reason ?? null) : null,
      reportedAt: report ? new Date(Number(report.reported_at)).toISOString() : null,
      catalogVersion: kiosk.catalogVersion,
      targeted,
    });
  }
  return out.sort((a, b) => a.kioskId.localeCompare(b.kioskId));
}
