import { z } from 'zod';

/**
 * The KioskApi wire protocol, the same over a MessagePort (Electron) and a WebSocket (browser host).
 * Messages are JSON text.
 *
 * renderer → core: `{ "id": 7, "method": "visit.start", "params": {...} }`
 * core → renderer: `{ "id": 7, "ok": true, "value": ... }` or `{ "id": 7, "ok": false, "error": ApiError }`
 * core → renderer: `{ "event": "device.status", "payload": ... }`
 */

/** The largest request the core accepts, in bytes of JSON text. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** A request frame; `params` is parsed by the method's own schema. */
export const requestFrameSchema = z.object({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});
/** A parsed request frame. */
export type RequestFrame = z.infer<typeof requestFrameSchema>;

/** Stable error codes; each has a message key the renderer localizes (`errors.<code>`). */
export const apiErrorCodes = [
  // protocol
  'bad-request',
  'unknown-method',
  'invalid-params',
  'too-large',
  'internal',
  /** Too many calls of one connection are still running; the renderer may retry once some have answered. */
  'busy',
  // domain
  'not-simulated',
  'out-of-service',
  'no-visit',
  'visit-in-progress',
  'wrong-step',
  'unknown-service',
  'services-incompatible',
  'service-unavailable',
  'unknown-fixture',
  'card-not-eligible',
  'card-read-failed',
  'device-unavailable',
  'printer-unavailable',
  'validation-failed',
  'not-found',
  'unauthorized',
  /** The kiosk cannot save right now (disk full or read-only): said before the citizen types anything. */
  'storage-unavailable',
  /**
   * Finishing a visit whose urgent report the command centre has not acknowledged yet needs the citizen's
   * explicit confirmation (they were told to call 110); the kiosk keeps sending it either way.
   */
  'urgent-not-acknowledged',
] as const;
/** A stable error code. */
export type ApiErrorCode = (typeof apiErrorCodes)[number];

/** An expected failure as it crosses the boundary: never a stack trace, never personal data. */
export const apiErrorSchema = z.object({
  code: z.enum(apiErrorCodes),
  messageKey: z.string(),
  /** Developer-facing detail (e.g. which parameter was wrong); not shown to citizens. */
  detail: z.string().optional(),
});
/** An expected failure. */
export type ApiError = z.infer<typeof apiErrorSchema>;

/** A method's result. */
export type ApiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/** A response frame. `id` is null when the request could not even be parsed. */
export const responseFrameSchema = z.union([
  z.object({ id: z.number().nullable(), ok: z.literal(true), value: z.unknown() }),
  z.object({ id: z.number().nullable(), ok: z.literal(false), error: apiErrorSchema }),
]);
/** A response frame. */
export type ResponseFrame = z.infer<typeof responseFrameSchema>;

/** An event frame. */
export const eventFrameSchema = z.object({ event: z.string(), payload: z.unknown() });
/** An event frame. */
export type EventFrame = z.infer<typeof eventFrameSchema>;

/** Builds an ApiError with the conventional message key. */
export function apiError(code: ApiErrorCode, detail?: string): ApiError {
  return detail === undefined
    ? { code, messageKey: `errors.${code}` }
    : { code, messageKey: `errors.${code}`, detail };
}
