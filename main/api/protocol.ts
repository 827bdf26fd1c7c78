import { z } from 'zod';
import { apiErrorSchema } from '../services/errors.js';

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

// The error codes and the result type are the services' own (main/services/errors.ts): services return them and the
// API layer carries them as they are.
export {
  apiError,
  apiErrorCodes,
  apiErrorSchema,
  type ApiError,
  type ApiErrorCode,
  type ApiResult,
} from '../services/errors.js';
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
