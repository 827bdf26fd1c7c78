/**
 * The service promises a citizen sees after sending (e.g. the chief's mailbox: signed for within 10 minutes,
 * answered within 30 minutes, first feedback within 48 hours), with the time each one falls due. Pure (no Node):
 * the renderer uses it on the final screen.
 *
 * A clock runs from the moment the central system has the transaction (its acknowledgement), not from the
 * moment the kiosk saved it: before that, no due time is given. Promises counted in working days (`processed`,
 * e.g. "within 3 working days") get no due time either: minutes since acknowledgement would misstate them.
 */
import type { PromiseClockView } from '../views.js';
import type { CatalogPromise, CatalogService, PromiseKind } from '../../../contract/catalog/schema.js';

/** Promise kinds that run on the clock (minutes since the central system received the transaction). */
export const CLOCK_PROMISE_KINDS: readonly PromiseKind[] = ['signed', 'answered', 'first-feedback'];

/** The promises of the chosen services, in catalog order, with due times once `acknowledgedAt` is known. */
export function promiseClocks(
  services: readonly Pick<CatalogService, 'id' | 'promises'>[],
  acknowledgedAt: string | null,
): PromiseClockView[] {
  const from = acknowledgedAt === null ? Number.NaN : Date.parse(acknowledgedAt);
  return services.flatMap((service) =>
    service.promises.map((promise: CatalogPromise) => ({
      serviceId: service.id,
      kind: promise.kind,
      text: promise.text,
      withinMinutes: promise.withinMinutes,
      dueAt:
        Number.isFinite(from) && CLOCK_PROMISE_KINDS.includes(promise.kind)
          ? new Date(from + promise.withinMinutes * 60_000).toISOString()
          : null,
    })),
  );
}
