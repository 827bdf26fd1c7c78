import { z } from 'zod';
import type { CallContext } from './define.js';
import { method } from './define.js';
import type { HealthSnapshot } from './health-view.js';
import type { ApiDeps } from './ports.js';
import type { ApiResult } from './protocol.js';
import { apiError } from './protocol.js';

const none = z.undefined().or(z.object({}).strict()).optional();

/**
 * The technician screen's tools (health, diagnostics, discovery, assignment, device tests): every method is
 * refused with `unauthorized` unless this connection signed in with the technician PIN.
 */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types -- the table's type IS the contract; it is inferred on purpose.
export function technicianMethods(deps: ApiDeps) {
  const signedIn = async <T>(ctx: CallContext, run: () => Promise<T>): Promise<ApiResult<T>> =>
    deps.technician.isSignedIn(ctx.connectionId)
      ? { ok: true, value: await run() }
      : { ok: false, error: apiError('unauthorized', 'sign in first') };
  return {
    'technician.health': method(none, async (_p, ctx): Promise<ApiResult<HealthSnapshot>> =>
      signedIn(ctx, () => deps.technician.health()),
    ),
  };
}
