import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { referenceNumberSchema } from '../../contract/central-api.js';
import { HttpError } from '../http-json.js';

/**
 * The central API's routes: what a route is (method, path pattern, role, handler) and the helpers the route
 * modules share (body parsing, stored JSON, path parameters, the caller check). Each route module
 * (central/api/*-routes.ts) is a function from its explicit dependencies to its routes; central/server.ts wires them.
 */

/** Who called: a kiosk (by its token) or the administrators. */
export type Caller = { role: 'kiosk'; kioskId: string } | { role: 'admin' };

/** What a route's handler gets: the request, the authenticated caller, the path's captures, the body on demand. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly caller: Caller;
  readonly params: readonly string[];
  body(): Promise<Buffer>;
}

/** A route's answer: a status with a JSON body, a raw body, or none. */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  /** A body sent as is (the stored catalog). */
  readonly raw?: Buffer;
  readonly headers?: Record<string, string>;
}

/** One endpoint of the bearer-token API. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly role: Caller['role'];
  /** A look-up that costs one token of the caller's bucket. */
  readonly lookup?: boolean;
  readonly handle: (context: RouteContext) => Promise<RouteResult>;
}

/** SHA-256 of a UTF-8 string. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Parses a JSON body with `schema` (400 malformed-json / invalid-body). */
export function parseJson<S extends z.ZodType>(body: Buffer, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'malformed-json', 'request body is not valid JSON');
  }
  return parseValue(json, schema);
}

/** Parses a value with `schema` (400 invalid-body). */
export function parseValue<S extends z.ZodType>(value: unknown, schema: S): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid-body', describeIssues(parsed.error));
  return parsed.data;
}

/** Issue paths and messages only: zod's default messages never echo the (possibly personal) values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** JSON.parse of a stored column; undefined when it no longer parses. */
export function parseStored(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A stored body that is not JSON is answered as absent, like one never stored.
    return undefined;
  }
}

/** RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** Milliseconds since the epoch as ISO 8601 (UTC). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The reference number in a route's first path parameter (404 when it is not one). */
export const pathParam = (params: readonly string[]): string => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(params[0] ?? '');
  } catch {
    throw new HttpError(404, 'not-found', 'no such reference');
  }
  if (!referenceNumberSchema.safeParse(decoded).success)
    throw new HttpError(404, 'not-found', 'no such reference');
  return decoded;
};

/** A kiosk may act only for itself (403 otherwise). */
export const requireKiosk = (caller: Caller, kioskId: string): void => {
  if (caller.role !== 'kiosk' || caller.kioskId !== kioskId) {
    throw new HttpError(403, 'kiosk-mismatch', 'the token does not belong to this kiosk');
  }
};
