import type { RpcChannel } from './channel.js';
import type { ClientOf, MethodTable } from './define.js';
import type { ApiResult } from './protocol.js';
import { apiError, eventFrameSchema, responseFrameSchema } from './protocol.js';

/** A typed client with its event subscription; works in the renderer (no Node APIs) and in Node. */
export interface RpcClient<T extends MethodTable, E extends Record<string, unknown>> {
  readonly api: ClientOf<T>;
  on<K extends keyof E & string>(event: K, listener: (payload: E[K]) => void): () => void;
  /** Rejects pending calls and stops listening. */
  close(): void;
}

/**
 * Builds a client over a channel. Calls resolve to typed results; a closed channel or a malformed response
 * becomes an `internal` error result rather than a rejection, so UI code handles one shape.
 */
export function createRpcClient<T extends MethodTable, E extends Record<string, unknown>>(
  channel: RpcChannel,
  options: { timeoutMs?: number } = {},
): RpcClient<T, E> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (r: ApiResult<unknown>) => void; timer: ReturnType<typeof setTimeout> }
  >();
  const listeners = new Map<string, Set<(payload: never) => void>>();

  const offMessage = channel.onMessage((text) => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // A message that is not JSON answers no call; the call's timeout covers a lost answer.
      return;
    }
    const event = eventFrameSchema.safeParse(raw);
    if (event.success && !('id' in (raw as object))) {
      for (const l of [...(listeners.get(event.data.event) ?? [])])
        (l as (p: unknown) => void)(event.data.payload);
      return;
    }
    const response = responseFrameSchema.safeParse(raw);
    if (!response.success || response.data.id === null) return;
    const entry = pending.get(response.data.id);
    if (!entry) return;
    pending.delete(response.data.id);
    clearTimeout(entry.timer);
    entry.resolve(
      response.data.ok ? { ok: true, value: response.data.value } : { ok: false, error: response.data.error },
    );
  });
  const failAll = (): void => {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.resolve({ ok: false, error: apiError('internal', 'connection closed') });
      pending.delete(id);
    }
  };
  let closed = false;
  const offClose = channel.onClose(() => {
    closed = true;
    failAll();
  });

  const call = (method: string, params: unknown): Promise<ApiResult<unknown>> =>
    new Promise((resolve) => {
      if (closed) {
        resolve({ ok: false, error: apiError('internal', 'connection closed') });
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ ok: false, error: apiError('internal', 'timed out') });
      }, timeoutMs);
      pending.set(id, { resolve, timer });
      try {
        channel.send(JSON.stringify({ id, method, params }));
      } catch {
        pending.delete(id);
        clearTimeout(timer);
        resolve({ ok: false, error: apiError('internal', 'connection closed') });
      }
    });

  const api = new Proxy({} as ClientOf<T>, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (params?: unknown) => call(prop, params);
    },
  });

  return {
    api,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    close() {
      closed = true;
      offMessage();
      offClose();
      failAll();
    },
  };
}
