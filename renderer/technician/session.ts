/**
 * The technician screen's state changes, as pure functions: a sign-in answer, a device status pushed between
 * overview refreshes, a refused catalog in one line. Tested without a DOM (session.test.ts).
 */
import type { CatalogRejectionView, DeviceStatusView, TechnicianLoginView } from '../../main/api/views.js';

/** Why the last sign-in was refused: the reason's message key, attempts left, and a lockout's end. */
export type SignInProblem = Pick<
  Extract<TechnicianLoginView, { signedIn: false }>,
  'messageKey' | 'attemptsLeft' | 'lockedUntil'
>;

/** A sign-in answer: signed in, or the problem to show (a failed request has no attempts count to show). */
export function signInOutcome(
  r: { ok: true; value: TechnicianLoginView } | { ok: false; error: { messageKey: string } },
): { readonly signedIn: true } | { readonly signedIn: false; readonly problem: SignInProblem } {
  if (!r.ok)
    return {
      signedIn: false,
      problem: { messageKey: r.error.messageKey, attemptsLeft: 0, lockedUntil: null },
    };
  if (r.value.signedIn) return { signedIn: true };
  const { messageKey, attemptsLeft, lockedUntil } = r.value;
  return { signedIn: false, problem: { messageKey, attemptsLeft, lockedUntil } };
}

/** The device list with one device's new status: replaced in place, or added when it was not listed. */
export function withDeviceStatus(
  devices: readonly DeviceStatusView[],
  view: DeviceStatusView,
): readonly DeviceStatusView[] {
  return devices.some((d) => d.kind === view.kind)
    ? devices.map((d) => (d.kind === view.kind ? view : d))
    : [...devices, view];
}

/** The last refused catalog in one line: version, reason, message, where it came from and when. */
export function rejectionText(rejection: CatalogRejectionView | null): string {
  if (!rejection) return '—';
  const version = rejection.version !== undefined ? `v${rejection.version} ` : '';
  return `${version}${rejection.reason}: ${rejection.message} (${rejection.source}, ${rejection.at})`;
}
