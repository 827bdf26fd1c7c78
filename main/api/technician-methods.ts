import { z } from 'zod';
import type { CallContext } from './define.js';
import { method } from './define.js';
import type { HealthSnapshot } from './health-view.js';
import type { ApiDeps } from './ports.js';
import {
  ASSIGNABLE_ROLES,
  CAMERA_ASSIGNABLE_ROLES,
  type AssignView,
  type DeviceGuess,
  type DiscoveryView,
  type ExportTargetView,
  type ExportView,
  type PrinterBitsView,
  type PrinterTestView,
  type ScanTestView,
} from '../services/technician-views.js';
import type { ApiResult } from './protocol.js';
import { apiError } from './protocol.js';

const none = z.undefined().or(z.object({}).strict()).optional();
const baudRate = z.number().int().min(50).max(4_000_000);

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
  const tools = deps.technician.tools;
  return {
    'technician.health': method(none, async (_p, ctx): Promise<ApiResult<HealthSnapshot>> =>
      signedIn(ctx, () => deps.technician.health()),
    ),
    // Checked by the auth service itself (it also needs the current PIN), so not wrapped in signedIn.
    'technician.changePin': method(
      z.object({ current: z.string().min(1).max(32), next: z.string().min(1).max(32) }).strict(),
      async ({ current, next }, ctx): Promise<ApiResult<{ changed: boolean; reason: string | null }>> => {
        const r = await deps.technician.changePin(ctx.connectionId, current, next);
        if (!r.ok && r.error.code === 'not-signed-in')
          return { ok: false, error: apiError('unauthorized', 'sign in first') };
        return {
          ok: true,
          value: r.ok ? { changed: true, reason: null } : { changed: false, reason: r.error.code },
        };
      },
    ),
    'technician.discover': method(none, async (_p, ctx): Promise<ApiResult<DiscoveryView>> =>
      signedIn(ctx, () => tools.discover()),
    ),
    'technician.probe': method(
      z.object({ path: z.string().min(1).max(300), baudRate: baudRate.optional() }).strict(),
      async ({ path, baudRate: baud }, ctx): Promise<ApiResult<DeviceGuess>> =>
        signedIn(ctx, () => tools.probe(path, baud)),
    ),
    'technician.assign': method(
      z.object({ role: z.enum(ASSIGNABLE_ROLES), spec: z.string().min(1).max(400) }).strict(),
      async ({ role, spec }, ctx): Promise<ApiResult<AssignView>> =>
        signedIn(ctx, () => tools.assign(role, spec)),
    ),
    // A camera the renderer listed: its device id and label, as the browser gave them.
    'technician.assignCamera': method(
      z
        .object({
          role: z.enum(CAMERA_ASSIGNABLE_ROLES),
          camera: z
            .object({ deviceId: z.string().trim().min(1).max(256), label: z.string().trim().max(256) })
            .strict()
            .nullable(),
        })
        .strict(),
      async ({ role, camera }, ctx): Promise<ApiResult<AssignView>> =>
        signedIn(ctx, () => tools.assignCamera(role, camera)),
    ),
    'technician.printerBits': method(none, async (_p, ctx): Promise<ApiResult<PrinterBitsView>> =>
      signedIn(ctx, async () => tools.printerBits()),
    ),
    'technician.printTest': method(none, async (_p, ctx): Promise<ApiResult<PrinterTestView>> =>
      signedIn(ctx, () => tools.printTest()),
    ),
    'technician.scanTest': method(none, async (_p, ctx): Promise<ApiResult<ScanTestView>> =>
      signedIn(ctx, () => tools.scanTest(15_000)),
    ),
    'technician.exportTargets': method(none, async (_p, ctx): Promise<ApiResult<ExportTargetView[]>> =>
      signedIn(ctx, () => tools.exportTargets()),
    ),
    'technician.exportDiagnostics': method(
      z.object({ target: z.string().min(1).max(1000) }).strict(),
      async ({ target }, ctx): Promise<ApiResult<ExportView>> =>
        signedIn(ctx, () => tools.exportDiagnostics(target)),
    ),
  };
}
