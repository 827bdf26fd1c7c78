import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { validateCatalog, type Catalog } from '../contract/catalog/schema.js';
import { verifySignedCatalog, type TrustedKey } from '../contract/catalog/signing.js';
import {
  audienceOf,
  catalogEtag,
  catalogKioskStatuses,
  catalogReaches,
  latestPublishedCatalog,
  listPublishedCatalogs,
  publishCatalogRecord,
  targetOutsideAudience,
  type KioskCatalogState,
} from './catalog-publishing.js';
import { describeCatalogChanges, type Words } from './console-app/catalog-words.js';
import { audit, type ConsoleRole, type ConsoleSession } from './console-auth.js';
import { kioskGroupIdSchema, type FleetKiosk } from '../contract/central-api.js';
import type { CentralDb } from './db.js';
import { HttpError } from './http-json.js';

/**
 * Catalogs in the web console (administrators only): upload a signed catalog, which is verified against the
 * catalog keys this server trusts (refused with its reason, nothing stored, when it does not verify) and
 * described against the newest published one in words; publish it to every kiosk or to some kiosk groups
 * (never beyond its signed audience); and see per published catalog which kiosks applied it, rejected it (and
 * why) or have not picked it up yet. Every upload and publish, accepted or refused, is in the audit trail.
 *
 * Routes (under /console/api/): GET `catalogs`, POST `catalog-preview`, POST `catalog-publish`.
 */

/** The console's helpers a catalog route uses (central/console.ts hands them over). */
export interface ConsoleRouteKit {
  requireSession(
    req: IncomingMessage,
    roles: readonly ConsoleRole[],
    action: string,
  ): Promise<ConsoleSession>;
  requireCsrf(req: IncomingMessage, session: ConsoleSession, action: string): Promise<void>;
  send(res: ServerResponse, status: number, body: unknown): void;
  readBody(req: IncomingMessage, limit: number): Promise<Buffer>;
}

/** Options of {@link createConsoleCatalogs}. */
export interface ConsoleCatalogsOptions {
  readonly db: CentralDb;
  readonly now: () => number;
  readonly fleet: () => Promise<readonly FleetKiosk[]>;
  /** The catalog signing keys this server trusts (`--catalog-keys`); none = every upload is refused. */
  readonly trustedKeys: readonly TrustedKey[];
}

/** Largest signed catalog the console accepts (the demonstration catalog is about 110 KB). */
export const MAX_CATALOG_UPLOAD_BYTES = 4 * 1024 * 1024;

/** How many published catalogs the console lists with their kiosks. */
const LISTED_CATALOGS = 20;

const CATALOG_ROUTES = new Set(['catalogs', 'catalog-preview', 'catalog-publish']);

/** Whether a console API route is one of the catalog routes. */
export function isCatalogRoute(route: string): boolean {
  return CATALOG_ROUTES.has(route);
}

const previewSchema = z.object({ document: z.unknown() });
const publishSchema = z.object({
  document: z.unknown(),
  /** null = every kiosk (within the signed audience). */
  groups: z.array(kioskGroupIdSchema).min(1).max(50).nullable(),
  /** The newest published version the diff was shown against (null: none). */
  baseVersion: z.int().min(0).nullable(),
});

/** A kiosk group the administrator can choose: its name when the catalog defines it, kiosks reporting it. */
export interface GroupChoice {
  readonly id: string;
  readonly name: Words | null;
  readonly kiosks: number;
  /** False when the catalog's signed audience leaves this group out (choosing it would widen the signature). */
  readonly allowed: boolean;
}

/** The catalog an earlier publication stored, validated, or null (none, or one that is not a valid catalog). */
function storedCatalog(body: Buffer | undefined): Catalog | null {
  if (!body) return null;
  try {
    const doc = JSON.parse(body.toString('utf8')) as { catalog?: unknown };
    const validated = validateCatalog(doc.catalog);
    return validated.ok ? validated.value : null;
  } catch {
    // An upload that is not JSON is no catalog; the caller says so to the officer.
    return null;
  }
}

/** Creates the handler of the catalog routes. */
export function createConsoleCatalogs(
  options: ConsoleCatalogsOptions,
): (req: IncomingMessage, res: ServerResponse, route: string, kit: ConsoleRouteKit) => Promise<void> {
  const { db, now } = options;

  const readDocument = async (
    req: IncomingMessage,
    kit: ConsoleRouteKit,
  ): Promise<{ json: unknown; body: Buffer }> => {
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
      throw new HttpError(415, 'unsupported-media-type', 'send application/json');
    const body = await kit.readBody(req, MAX_CATALOG_UPLOAD_BYTES + 64 * 1024);
    try {
      return { json: JSON.parse(body.toString('utf8')) as unknown, body };
    } catch {
      throw new HttpError(400, 'malformed-json', 'request body is not valid JSON');
    }
  };

  /**
   * Verifies an uploaded document against the trusted keys (signature, schema, validity period, newer than the
   * newest published); refusals are audited with their reason and answered 422 with the kiosk's reason code.
   */
  const verify = async (
    document: unknown,
    user: string,
    action: string,
  ): Promise<{
    catalog: Catalog;
    keyId: string;
    bytes: Buffer;
    latest: Awaited<ReturnType<typeof latestPublishedCatalog>>;
  }> => {
    const latest = await latestPublishedCatalog(db);
    const refuse = async (code: string, message: string): Promise<never> => {
      await audit(
        db,
        { user, action, outcome: 'refused', detail: `${code}: ${message}`.slice(0, 300) },
        now(),
      );
      throw new HttpError(422, code, message);
    };
    if (options.trustedKeys.length === 0)
      return refuse(
        'no-trusted-keys',
        'this server trusts no catalog signing key: start it with --catalog-keys (the public keys kiosks trust)',
      );
    const result = verifySignedCatalog(document, {
      trustedKeys: options.trustedKeys,
      now: now(),
      appliedVersion: latest?.version ?? null,
    });
    if (!result.ok) return refuse(result.error.code, result.error.message);
    // Stored and served byte for byte as the administrator's file parsed (key order kept; the signature covers
    // the canonical form, so any equal JSON verifies the same).
    const bytes = Buffer.from(JSON.stringify(document), 'utf8');
    if (bytes.length > MAX_CATALOG_UPLOAD_BYTES)
      return refuse('too-large', `the catalog exceeds ${MAX_CATALOG_UPLOAD_BYTES} bytes`);
    return { catalog: result.value.catalog, keyId: result.value.keyId, bytes, latest };
  };

  /** The groups an administrator can target: the catalog's own and those kiosks report, with counts. */
  const groupChoices = (catalog: Catalog, fleet: readonly FleetKiosk[]): GroupChoice[] => {
    const audience = audienceOf(catalog);
    const ids = new Set(catalog.kioskGroups.map((g) => g.id));
    for (const kiosk of fleet) for (const g of kiosk.kioskGroups ?? []) ids.add(g);
    return [...ids].sort().map((id) => {
      const defined = catalog.kioskGroups.find((g) => g.id === id);
      return {
        id,
        name: defined ? { zh: defined.name['zh-CN'], en: defined.name.en } : null,
        kiosks: fleet.filter((k) => k.kioskGroups?.includes(id)).length,
        allowed: targetOutsideAudience([id], audience) === null,
      };
    });
  };

  const reachCount = (
    catalog: Catalog,
    groups: readonly string[] | null,
    fleet: readonly FleetKiosk[],
  ): number =>
    fleet.filter((k) =>
      catalogReaches(groups, audienceOf(catalog), { kioskId: k.kioskId, groups: k.kioskGroups ?? [] }),
    ).length;

  const list = async (): Promise<unknown> => {
    const fleet = await options.fleet();
    const catalogs = await listPublishedCatalogs(db, LISTED_CATALOGS);
    const statusKiosks = fleet.map((k) => ({
      kioskId: k.kioskId,
      kioskGroups: k.kioskGroups,
      catalogVersion: k.catalogVersion,
    }));
    return {
      now: new Date(now()).toISOString(),
      catalogs: await Promise.all(
        catalogs.map(async (catalog) => {
          const kiosks = await catalogKioskStatuses(db, catalog, statusKiosks);
          const counts: Record<KioskCatalogState, number> = { applied: 0, rejected: 0, pending: 0, newer: 0 };
          for (const kiosk of kiosks) if (kiosk.targeted || kiosk.state !== 'pending') counts[kiosk.state]++;
          return {
            version: catalog.version,
            publishedAt: new Date(catalog.publishedAt).toISOString(),
            publishedBy: catalog.publishedBy,
            keyId: catalog.keyId,
            targetGroups: catalog.targetGroups,
            audience: catalog.audience,
            counts,
            kiosks,
          };
        }),
      ),
    };
  };

  return async (req, res, route, kit) => {
    const method = req.method ?? 'GET';
    if (route === 'catalogs' && method === 'GET') {
      await kit.requireSession(req, ['administrator'], 'catalogs.view');
      return kit.send(res, 200, await list());
    }
    if (route === 'catalog-preview' && method === 'POST') {
      const session = await kit.requireSession(req, ['administrator'], 'catalog.upload');
      await kit.requireCsrf(req, session, 'catalog.upload');
      const parsed = previewSchema.safeParse((await readDocument(req, kit)).json);
      if (!parsed.success) throw new HttpError(400, 'invalid-body', 'document is required');
      const { catalog, keyId, latest } = await verify(
        parsed.data.document,
        session.user.name,
        'catalog.upload',
      );
      const fleet = await options.fleet();
      await audit(
        db,
        {
          user: session.user.name,
          action: 'catalog.upload',
          outcome: 'ok',
          detail: `version ${catalog.version}, key ${keyId}`,
        },
        now(),
      );
      return kit.send(res, 200, {
        version: catalog.version,
        keyId,
        issuedAt: catalog.issuedAt,
        expiresAt: catalog.expiresAt,
        demonstration: catalog.demonstration,
        audience: catalog.audience ?? null,
        baseVersion: latest?.version ?? null,
        changes: describeCatalogChanges(storedCatalog(latest?.body), catalog),
        groups: groupChoices(catalog, fleet),
        reachAll: reachCount(catalog, null, fleet),
      });
    }
    if (route === 'catalog-publish' && method === 'POST') {
      const session = await kit.requireSession(req, ['administrator'], 'catalog.publish');
      await kit.requireCsrf(req, session, 'catalog.publish');
      const parsed = publishSchema.safeParse((await readDocument(req, kit)).json);
      if (!parsed.success)
        throw new HttpError(
          400,
          'invalid-body',
          'document, groups (a list, or null for every kiosk) and baseVersion are required',
        );
      const { groups, baseVersion } = parsed.data;
      const user = session.user.name;
      const { catalog, keyId, bytes } = await verify(parsed.data.document, user, 'catalog.publish');
      const audience = audienceOf(catalog);
      const outside = targetOutsideAudience(groups, audience);
      if (outside !== null) {
        await audit(
          db,
          {
            user,
            action: 'catalog.publish',
            outcome: 'refused',
            detail: `version ${catalog.version}: outside the signed audience: ${outside}`,
          },
          now(),
        );
        throw new HttpError(
          422,
          'outside-audience',
          `the catalog's signature limits it to other kiosks; not in its signed audience: ${outside}`,
        );
      }
      const target = groups === null ? null : [...new Set(groups)].sort();
      try {
        await publishCatalogRecord(db, {
          version: catalog.version,
          etag: catalogEtag(bytes),
          body: bytes,
          targetGroups: target,
          audience,
          keyId,
          publishedBy: user,
          at: now(),
          baseVersion,
        });
      } catch (error) {
        if (error instanceof HttpError)
          await audit(
            db,
            {
              user,
              action: 'catalog.publish',
              outcome: 'refused',
              detail: `version ${catalog.version}: ${error.code}`,
            },
            now(),
          );
        throw error;
      }
      await audit(
        db,
        {
          user,
          action: 'catalog.publish',
          outcome: 'ok',
          detail: `version ${catalog.version} to ${target === null ? 'every kiosk' : `groups ${target.join(', ')}`}`,
        },
        now(),
      );
      const fleet = await options.fleet();
      return kit.send(res, 200, {
        version: catalog.version,
        targetGroups: target,
        reach: reachCount(catalog, target, fleet),
      });
    }
    throw new HttpError(405, 'method-not-allowed', `${method} is not allowed here`);
  };
}
