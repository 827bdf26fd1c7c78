import { signedCatalogDocumentSchema, type CatalogPublished } from '../../contract/central-api.js';
import { audienceOf, catalogEtag, catalogForKiosk, publishCatalogRecord } from '../catalog-publishing.js';
import type { CentralDb } from '../db.js';
import { HttpError } from '../http-json.js';
import type { CentralRecords } from './records.js';
import { ifNoneMatchHits, parseJson, type Route } from './route.js';

/** What {@link catalogRoutes} needs. */
export interface CatalogRouteDeps {
  readonly db: CentralDb;
  readonly now: () => number;
  readonly records: Pick<CentralRecords, 'groupsOf'>;
}

/** Catalogs: a kiosk fetches its newest (`GET /v1/catalog`), the admin API publishes (`POST /v1/admin/catalog`). */
export function catalogRoutes(deps: CatalogRouteDeps): Route[] {
  const { db, now } = deps;
  const { groupsOf } = deps.records;
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/catalog$/,
      role: 'kiosk',
      async handle({ req, caller }) {
        const kioskId = caller.role === 'kiosk' ? caller.kioskId : '';
        const latest = await catalogForKiosk(db, { kioskId, groups: await groupsOf(kioskId) });
        if (!latest) throw new HttpError(404, 'no-catalog', 'no catalog has been published to this kiosk');
        const headers = { etag: latest.etag, 'cache-control': 'no-cache' };
        if (ifNoneMatchHits(req.headers['if-none-match'], latest.etag)) return { status: 304, headers };
        return { status: 200, raw: await latest.body(), headers };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/admin\/catalog$/,
      role: 'admin',
      async handle({ body }) {
        const bytes = await body();
        const document = parseJson(bytes, signedCatalogDocumentSchema);
        const version = document.catalog.version;
        const etag = catalogEtag(bytes);
        // The bearer-token API publishes to every kiosk (within the document's signed audience, which the
        // kiosks enforce anyway); target groups are chosen in the console, which also verifies the signature.
        const keyId = (document.signature as { keyId?: unknown }).keyId;
        await publishCatalogRecord(db, {
          version,
          etag,
          body: bytes,
          targetGroups: null,
          audience: audienceOf(document.catalog),
          keyId: typeof keyId === 'string' ? keyId.slice(0, 128) : null,
          publishedBy: 'admin-api',
          at: now(),
        });
        const published: CatalogPublished = { version, etag };
        return { status: 200, body: published };
      },
    },
  ];
}
