import { z } from 'zod';
import type { Result } from '../../contract/result.js';

/**
 * The expected failures of the kiosk's services and their result type. The API layer (main/api/protocol.ts) sends
 * them to the renderer unchanged, so they are defined here, on the services' side: services never import the API
 * layer.
 */

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

/** A method's result: the project's one {@link Result}, failing with an {@link ApiError}. */
export type ApiResult<T> = Result<T, ApiError>;

/** Builds an ApiError with the conventional message key. */
export function apiError(code: ApiErrorCode, detail?: string): ApiError {
  return detail === undefined
    ? { code, messageKey: `errors.${code}` }
    : { code, messageKey: `errors.${code}`, detail };
}
