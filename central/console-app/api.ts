import { z } from 'zod';
import { auditEntrySchema, consoleRoleSchema } from '../console-schemas.js';
import { fleetKioskSchema } from '../../contract/central-api.js';
import { catalogChangesSchema } from './catalog-words.js';

/**
 * The console's calls to its server (central/console.ts): same origin, the session cookie sent by the browser,
 * the CSRF token in a header on every POST, answers checked with zod, every call with a deadline.
 */

const sessionSchema = z.object({
  user: z.object({ name: z.string(), role: consoleRoleSchema }),
  csrfToken: z.string().min(1),
});
/** The signed-in user and the session's CSRF token. */
export type Session = z.infer<typeof sessionSchema>;

const fleetSchema = z.object({
  now: z.string(),
  staleAfterMs: z.number().int().positive(),
  kiosks: z.array(fleetKioskSchema),
});
/** The fleet page's data. */
export type Fleet = z.infer<typeof fleetSchema>;

const auditSchema = z.object({ entries: z.array(auditEntrySchema) });
/** One audit line. */
export type AuditLine = z.infer<typeof auditEntrySchema>;

/** A failed call: the HTTP status (0 without an answer) and the server's error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The server's one-line message (names what was wrong, never personal data). */
    readonly detail = '',
  ) {
    super(`${status} ${code}`);
  }
}

const DEADLINE_MS = 15_000;

/** One call to the console's API: `path` under /console/api/, the answer checked against `schema`. */
export async function call<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/console/api/${path}`, {
      ...init,
      credentials: 'same-origin',
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  // A body that is not JSON (a proxy's page): the status below is what the caller gets.
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const code = z
      .object({ error: z.object({ code: z.string(), message: z.string().optional() }) })
      .safeParse(json);
    throw new ApiError(
      res.status,
      code.success ? code.data.error.code : 'unknown',
      code.success ? (code.data.error.message ?? '') : '',
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'bad-answer');
  return parsed.data;
}

/** The current session, or null when signed out. */
export async function currentSession(): Promise<Session | null> {
  try {
    return await call('session', sessionSchema);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Signs in (the server sets the session cookie). */
export function signIn(name: string, password: string): Promise<Session> {
  return call('session', sessionSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
}

/** Signs out (needs the session's CSRF token). */
export async function signOut(session: Session): Promise<void> {
  await call('sign-out', z.object({ signedOut: z.literal(true) }), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: '{}',
  });
}

/** The fleet. */
export function loadFleet(): Promise<Fleet> {
  return call('fleet', fleetSchema);
}

/** The newest audit lines (administrators only). */
export async function loadAudit(): Promise<AuditLine[]> {
  return (await call('audit', auditSchema)).entries;
}

// Catalogs (central/console-catalogs.ts; administrators only).

const wordsSchema = z.object({ zh: z.string(), en: z.string() });

const catalogPreviewSchema = z.object({
  version: z.number().int(),
  keyId: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  demonstration: z.boolean(),
  audience: z
    .object({ kioskIds: z.array(z.string()).optional(), kioskGroups: z.array(z.string()).optional() })
    .nullable(),
  baseVersion: z.number().int().nullable(),
  changes: catalogChangesSchema,
  groups: z.array(
    z.object({
      id: z.string(),
      name: wordsSchema.nullable(),
      kiosks: z.number().int(),
      allowed: z.boolean(),
    }),
  ),
  reachAll: z.number().int(),
});
/** What the server says about an uploaded catalog before it is published. */
export type CatalogPreview = z.infer<typeof catalogPreviewSchema>;

const kioskStatusSchema = z.object({
  kioskId: z.string(),
  groups: z.array(z.string()).nullable(),
  state: z.enum(['applied', 'rejected', 'pending', 'newer']),
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
  reportedAt: z.string().nullable(),
  catalogVersion: z.number().int().nullable(),
  targeted: z.boolean(),
});
/** One kiosk's standing with a published catalog. */
export type KioskStatus = z.infer<typeof kioskStatusSchema>;

const publishedSchema = z.object({
  version: z.number().int(),
  publishedAt: z.string(),
  publishedBy: z.string().nullable(),
  keyId: z.string().nullable(),
  targetGroups: z.array(z.string()).nullable(),
  audience: z
    .object({ kioskIds: z.array(z.string()).optional(), kioskGroups: z.array(z.string()).optional() })
    .nullable(),
  counts: z.object({ applied: z.number(), rejected: z.number(), pending: z.number(), newer: z.number() }),
  kiosks: z.array(kioskStatusSchema),
});
/** A published catalog with its kiosks. */
export type PublishedCatalog = z.infer<typeof publishedSchema>;

/** The published catalogs, newest first. */
export async function loadCatalogs(): Promise<PublishedCatalog[]> {
  return (await call('catalogs', z.object({ catalogs: z.array(publishedSchema) }))).catalogs;
}

/** Uploads a signed catalog for checking: its verification and the diff in words (nothing is stored). */
export function previewCatalog(session: Session, document: unknown): Promise<CatalogPreview> {
  return call('catalog-preview', catalogPreviewSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ document }),
  });
}

/** Publishes a checked catalog to every kiosk (`groups` null) or to some groups. */
export function publishCatalog(
  session: Session,
  document: unknown,
  groups: readonly string[] | null,
  baseVersion: number | null,
): Promise<{ version: number; targetGroups: string[] | null; reach: number }> {
  return call(
    'catalog-publish',
    z.object({
      version: z.number().int(),
      targetGroups: z.array(z.string()).nullable(),
      reach: z.number().int(),
    }),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ document, groups, baseVersion }),
    },
  );
}
