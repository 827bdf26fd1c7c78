import { z } from 'zod';
import type { ClientOf } from './define.js';
import { method } from './define.js';
import type { ApiDeps, CardCheckView, SimulationPort } from './ports.js';
import type { ApiResult } from './protocol.js';
import { apiError } from './protocol.js';
import { MAX_SERVICES_PER_VISIT } from '../services/session/limits.js';
import { MAX_CERTIFICATE_PHOTO_BYTES } from '../../contract/central-api.js';
import { technicianMethods } from './technician-methods.js';
import type {
  Catalog,
  DeviceStatusView,
  FaceSettingsView,
  FixtureView,
  KioskInfo,
  ScanView,
  TechnicianLoginView,
  TechnicianOverview,
  TransactionProgressView,
  VisitView,
} from '../services/views.js';

const none = z.undefined().or(z.object({}).strict()).optional();
const serviceId = z.string().min(1).max(80);

/** The certificate photo report (`visit.photo`): the JPEG as base64 within the size limit, or a decline. */
export const photoReportSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('submit'),
      // Base64 of at most MAX_CERTIFICATE_PHOTO_BYTES; the core re-checks the JPEG and its size.
      jpeg: z.base64().max(Math.ceil(MAX_CERTIFICATE_PHOTO_BYTES / 3) * 4),
    })
    .strict(),
  z.object({ action: z.literal('decline') }).strict(),
]);

/**
 * The KioskApi: every method the renderer may call. Inputs are parsed with these schemas (the renderer is
 * untrusted); results are typed; the renderer's client type is derived from this table.
 */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types -- the table's type IS the contract; it is inferred on purpose.
export function buildApi(deps: ApiDeps) {
  const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
  // Kept as a second guard: the table below leaves these methods out where there is no simulation.
  const sim = <T>(fn: (s: SimulationPort) => ApiResult<T>): ApiResult<T> =>
    deps.simulation ? fn(deps.simulation) : { ok: false, error: apiError('not-simulated') };

  /** The simulation panel's controls: present only where {@link ApiDeps.simulation} is (demonstration kiosks). */
  const simulationMethods = {
    'sim.fixtures': method(none, async (): Promise<ApiResult<readonly FixtureView[]>> =>
      sim((s) => ok(s.fixtures())),
    ),
    'sim.placeCard': method(
      z.object({ fixture: z.string().min(1).max(64) }).strict(),
      async ({ fixture }): Promise<ApiResult<null>> => sim((s) => s.placeCard(fixture)),
    ),
    'sim.removeCard': method(none, async (): Promise<ApiResult<null>> => sim((s) => s.removeCard())),
    'sim.setPaper': method(
      z.object({ state: z.enum(['ok', 'near-end', 'out']) }).strict(),
      async ({ state }): Promise<ApiResult<null>> => sim((s) => s.setPaper(state)),
    ),
    'sim.scan': method(
      z.object({ text: z.string().min(1).max(4096) }).strict(),
      async ({ text }): Promise<ApiResult<null>> => sim((s) => s.scan(text)),
    ),
  };

  return {
    'kiosk.info': method(none, async (): Promise<ApiResult<KioskInfo>> => ok(deps.info())),
    'kiosk.shown': method(
      z
        .object({
          screen: z.enum(['attract', 'out-of-service']),
          navigationMs: z.number().finite().nonnegative().max(3_600_000),
        })
        .strict(),
      async (report): Promise<ApiResult<null>> => {
        deps.screenShown(report);
        return ok(null);
      },
    ),
    'catalog.get': method(none, async (): Promise<ApiResult<Catalog>> => {
      const catalog = deps.catalog();
      return catalog ? ok(catalog) : { ok: false, error: apiError('out-of-service') };
    }),
    'devices.status': method(none, async (): Promise<ApiResult<readonly DeviceStatusView[]>> =>
      ok(deps.devices()),
    ),

    'visit.start': method(
      z.object({ serviceIds: z.array(serviceId).min(1).max(MAX_SERVICES_PER_VISIT) }).strict(),
      async ({ serviceIds }): Promise<ApiResult<VisitView>> =>
        deps.catalog() ? deps.visits.start(serviceIds) : { ok: false, error: apiError('out-of-service') },
    ),
    'visit.get': method(none, async (): Promise<ApiResult<VisitView | null>> => ok(deps.visits.current())),
    'visit.touch': method(none, async (): Promise<ApiResult<null>> => {
      deps.visits.touch();
      return ok(null);
    }),
    'visit.proceed': method(none, async (): Promise<ApiResult<VisitView>> => deps.visits.proceed()),
    'visit.back': method(none, async (): Promise<ApiResult<VisitView | null>> => deps.visits.back()),
    'visit.submit': method(
      z
        .object({
          locale: z.enum(['zh-CN', 'zh-HK', 'en']),
          forms: z.record(
            serviceId,
            z.record(z.string().min(1).max(64), z.union([z.string().max(4000), z.boolean()])),
          ),
        })
        .strict(),
      async ({ locale, forms }): Promise<ApiResult<VisitView>> => deps.visits.submit(locale, forms),
    ),
    'visit.face': method(
      z.discriminatedUnion('action', [
        z
          .object({ action: z.literal('attempt'), score: z.number().min(0).max(1), liveness: z.boolean() })
          .strict(),
        z.object({ action: z.literal('decline') }).strict(),
        z
          .object({ action: z.literal('unavailable'), reason: z.enum(['no-camera', 'no-photo', 'engine']) })
          .strict(),
      ]),
      async (report): Promise<ApiResult<VisitView>> => deps.visits.reportFace(report),
    ),
    'visit.photo': method(photoReportSchema, async (report): Promise<ApiResult<VisitView>> =>
      deps.visits.reportPhoto(report),
    ),
    'face.settings': method(none, async (): Promise<ApiResult<FaceSettingsView>> => ok(deps.faceSettings())),
    // Any screen reports (the cameras' rows must follow a plug or unplug while citizens use the kiosk).
    'devices.cameras': method(
      z
        .object({
          cameras: z
            .array(z.object({ deviceId: z.string().max(256), label: z.string().max(256) }).strict())
            .max(32),
          labelsKnown: z.boolean(),
        })
        .strict(),
      async (report): Promise<ApiResult<null>> => {
        deps.camerasReported(report);
        return ok(null);
      },
    ),
    'visit.finish': method(
      z
        .undefined()
        .or(z.object({ acceptUndelivered: z.boolean().optional() }).strict())
        .optional(),
      async (params): Promise<ApiResult<null>> =>
        deps.visits.finish(params?.acceptUndelivered ? { acceptUndelivered: true } : {}),
    ),
    'visit.cancel': method(none, async (): Promise<ApiResult<null>> => deps.visits.cancel()),

    // A receipt's QR code (scanned) or its transaction number (typed): this kiosk's own record of it.
    'progress.lookup': method(
      z.object({ code: z.string().min(1).max(4096) }).strict(),
      async ({ code }): Promise<ApiResult<TransactionProgressView>> => deps.progress(code),
    ),

    'scanner.wedgeScan': method(
      z.object({ text: z.string().min(1).max(4096) }).strict(),
      async ({ text }): Promise<ApiResult<ScanView>> => deps.wedgeScan(text),
    ),

    'technician.login': method(
      z.object({ pin: z.string().min(1).max(32) }).strict(),
      async ({ pin }, ctx): Promise<ApiResult<TechnicianLoginView>> => {
        const r = await deps.technician.login(ctx.connectionId, pin);
        // A refusal is a result, not an error: it carries the attempts left and the lockout's end.
        return ok(
          r.ok
            ? { signedIn: true, expiresAt: r.value.expiresAt }
            : {
                signedIn: false,
                reason: r.error.code,
                messageKey: `technician.${r.error.code}`,
                attemptsLeft: r.error.attemptsLeft,
                lockedUntil: r.error.lockedUntil,
              },
        );
      },
    ),
    'technician.logout': method(none, async (_p, ctx): Promise<ApiResult<null>> => {
      await deps.technician.logout(ctx.connectionId);
      return ok(null);
    }),
    'technician.overview': method(none, async (_p, ctx): Promise<ApiResult<TechnicianOverview>> =>
      deps.technician.isSignedIn(ctx.connectionId)
        ? ok(await deps.technician.overview())
        : { ok: false, error: apiError('unauthorized', 'sign in first') },
    ),
    'technician.checkCatalog': method(none, async (_p, ctx): Promise<ApiResult<string>> =>
      deps.technician.isSignedIn(ctx.connectionId)
        ? ok(await deps.technician.checkCatalog())
        : { ok: false, error: apiError('unauthorized', 'sign in first') },
    ),

    'technician.printTestPage': method(
      none,
      async (_p, ctx): Promise<ApiResult<{ outcome: string; reason: string | null }>> =>
        deps.technician.isSignedIn(ctx.connectionId)
          ? ok(await deps.technician.printTestPage())
          : { ok: false, error: apiError('unauthorized', 'sign in first') },
    ),
    'technician.readCard': method(none, async (_p, ctx): Promise<ApiResult<CardCheckView>> =>
      deps.technician.isSignedIn(ctx.connectionId)
        ? ok(await deps.technician.readCard(15_000))
        : { ok: false, error: apiError('unauthorized', 'sign in first') },
    ),

    ...technicianMethods(deps),

    // Demonstration kiosks only: elsewhere these names are not in the table at all (unknown-method).
    ...(deps.simulation ? simulationMethods : ({} as typeof simulationMethods)),
  };
}

/** The KioskApi method table, derived from the implementation. */
export type KioskApiTable = ReturnType<typeof buildApi>;
/** The renderer's typed view of the KioskApi. */
export type KioskApi = ClientOf<KioskApiTable>;
