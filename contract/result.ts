/**
 * The one result type of the project (docs/ARCHITECTURE.md, "Errors"). An operation that can fail in an expected
 * way — a card pulled, a printer out of paper, the central server unreachable, a catalog that does not validate —
 * returns a `Result` instead of throwing, so the caller's type says it must look at the failure. The failure is a
 * typed error whose `code` is a union of string literals: callers switch on it, and the renderer localizes it.
 *
 * It lives in contract/ because both the kiosk (main/, drivers/, renderer/) and the central server import it.
 */

/** Anything a `Result` may fail with: a stable, machine-readable `code` (a string literal union in practice). */
export interface CodedError {
  readonly code: string;
}

/** A success carrying `value`. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failure carrying a typed `error`. */
export interface Err<E extends CodedError> {
  readonly ok: false;
  readonly error: E;
}

/** Success with a `T`, or failure with an `E` whose `code` says why. */
export type Result<T, E extends CodedError> = Ok<T> | Err<E>;

/** Builds a success. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** Builds a failure. */
export function err<E extends CodedError>(error: E): Err<E> {
  return { ok: false, error };
}
