import type { z } from 'zod';
import type { ApiResult } from './protocol.js';

/** Who is calling: the connection's host kind, for audit and for methods only a host may call. */
export interface CallContext {
  readonly connectionId: number;
}

/** One KioskApi method: its input schema and its handler. Handlers return typed results, never throw on purpose. */
export interface MethodDef<S extends z.ZodType, R> {
  readonly input: S;
  readonly handler: (params: z.output<S>, ctx: CallContext) => Promise<ApiResult<R>>;
}

/** Declares a method; the result type is inferred from the handler. */
export function method<S extends z.ZodType, R>(
  input: S,
  handler: (params: z.output<S>, ctx: CallContext) => Promise<ApiResult<R>>,
): MethodDef<S, R> {
  return { input, handler };
}

/** Any method table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table of heterogeneous methods; each entry keeps its own precise type.
export type MethodTable = Record<string, MethodDef<any, any>>;

/** The renderer's view of a method table: `api['visit.start'](params)` → `Promise<ApiResult<R>>`. */
export type ClientOf<T extends MethodTable> = {
  readonly [K in keyof T]: T[K] extends MethodDef<infer S, infer R>
    ? undefined extends z.input<S>
      ? (params?: z.input<S>) => Promise<ApiResult<R>>
      : (params: z.input<S>) => Promise<ApiResult<R>>
    : never;
};

/** The value type a method resolves to on success. */
export type ResultOf<T extends MethodTable, K extends keyof T> =
  T[K] extends MethodDef<z.ZodType, infer R> ? R : never;
