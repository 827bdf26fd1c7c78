import type { RpcChannel } from './channel.js';
import { REPLACED_CLOSE, SESSION_REPLACED_EVENT } from './channel.js';
import type { CallContext, MethodTable } from './define.js';
import type { ApiError, ResponseFrame } from './protocol.js';
import { MAX_REQUEST_BYTES, apiError, requestFrameSchema } from './protocol.js';

/** Logs RPC problems without personal data (method names and error codes only). */
export type RpcLogger = (event: string, fields: Record<string, string | number | boolean>) => void;

/**
 * How many calls one connection may have running at once. The renderer rarely has more than a handful in
 * flight; anything far beyond that is a loop gone wrong or a hostile client, and is answered `busy` at once
 * instead of queueing work (and memory) in the core.
 */
export const DEFAULT_MAX_IN_FLIGHT = 32;

/** Options of {@link RpcServer}. */
export interface RpcServerOptions {
  /** Calls one connection may have running at once; more are answered `busy`. */
  readonly maxInFlight?: number;
}

/** The one connected renderer session. */
interface Session {
  readonly id: number;
  readonly channel: RpcChannel;
  /** Stops serving the channel (listeners removed, no more frames sent to it). */
  retire(): void;
}

const failWith = (id: number | null, error: ApiError): ResponseFrame => ({ id, ok: false, error });

/** The request id of a frame, if it has a readable one (for answering a call that is refused unread). */
function requestIdOf(text: string): number | null {
  if (typeof text !== 'string' || text.length > MAX_REQUEST_BYTES) return null;
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
  } catch {
    // Not JSON: there is no id to answer with; the error reply goes without one.
    return null;
  }
}

/**
 * Serves a method table to ONE renderer session at a time and sends it the events. A newer connection
 * replaces the older one, which gets a final `session.replaced` event and is closed with {@link REPLACED_CLOSE}:
 * whoever holds the launch token can take the kiosk's session, but never listen beside it unseen.
 * Every request is size-checked, parsed, and its params parsed by the method's schema; a handler that throws
 * becomes an `internal` error (logged by name only) — the core never crashes and stack traces never cross.
 */
export class RpcServer {
  private active: Session | null = null;
  private nextConnectionId = 1;
  private readonly maxInFlight: number;

  constructor(
    private readonly methods: MethodTable,
    private readonly log: RpcLogger = () => undefined,
    options: RpcServerOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  /**
   * Serves one channel until it closes or a newer one replaces it; returns a function that disconnects it.
   * Callers hand in authenticated channels only (the browser host checks the launch token first; Electron's
   * ports come from the main process).
   */
  connect(channel: RpcChannel): () => void {
    const connectionId = this.nextConnectionId++;
    const ctx: CallContext = { connectionId };
    let live = true;
    let inFlight = 0;
    let busyLogged = false;
    let offClose: () => void = () => undefined;
    const send = (frame: ResponseFrame): void => {
      // A retired session gets nothing more, not even answers to calls it made before it was replaced.
      if (live) channel.send(JSON.stringify(frame));
    };
    const offMessage = channel.onMessage((text) => {
      if (!live) return;
      if (inFlight >= this.maxInFlight) {
        if (!busyLogged) {
          busyLogged = true;
          this.log('rpc.busy', { inFlight });
        }
        try {
          send(failWith(requestIdOf(text), apiError('busy', `at most ${this.maxInFlight} calls at once`)));
        } catch {
          // A channel closing under us is not an error.
        }
        return;
      }
      inFlight += 1;
      const settled = (): void => {
        inFlight -= 1;
        if (inFlight === 0) busyLogged = false;
      };
      // One reaction per call (this is the hot path of every round trip).
      void this.handle(text, ctx).then((response) => {
        settled();
        try {
          send(response);
        } catch {
          // A channel torn down under us (a closing port) must not become an unhandled rejection.
        }
      }, settled);
    });
    const session: Session = {
      id: connectionId,
      channel,
      retire: () => {
        live = false;
        offMessage();
        offClose();
        if (this.active === session) this.active = null;
      },
    };
    offClose = channel.onClose(session.retire);

    const previous = this.active;
    this.active = session;
    if (previous) {
      previous.retire();
      this.log('rpc.session-replaced', { replaced: previous.id, by: connectionId });
      try {
        previous.channel.send(
          JSON.stringify({ event: SESSION_REPLACED_EVENT, payload: { reason: REPLACED_CLOSE.reason } }),
        );
        previous.channel.close(REPLACED_CLOSE);
      } catch {
        // Already closing: it is gone either way.
      }
    }
    return session.retire;
  }

  /** Sends an event to the connected renderer session, if any. */
  broadcast(event: string, payload: unknown): void {
    const session = this.active;
    if (!session) return;
    try {
      session.channel.send(JSON.stringify({ event, payload }));
    } catch {
      // A channel closing under us is not an error.
    }
  }

  /** How many renderer sessions are connected (0 or 1). */
  get connectionCount(): number {
    return this.active ? 1 : 0;
  }

  /** Handles one request text and returns the response frame (exported for tests and benchmarks). */
  async handle(text: string, ctx: CallContext): Promise<ResponseFrame> {
    if (typeof text !== 'string') return failWith(null, apiError('bad-request', 'frames are JSON text'));
    if (Buffer.byteLength(text, 'utf8') > MAX_REQUEST_BYTES) {
      this.log('rpc.too-large', { bytes: Buffer.byteLength(text, 'utf8') });
      return failWith(null, apiError('too-large', `requests are limited to ${MAX_REQUEST_BYTES} bytes`));
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return failWith(null, apiError('bad-request', 'malformed JSON'));
    }
    const frame = requestFrameSchema.safeParse(raw);
    if (!frame.success) {
      const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : null;
      return failWith(id, apiError('bad-request', 'a request is {id, method, params}'));
    }
    const { id, method: name, params } = frame.data;
    const def = Object.prototype.hasOwnProperty.call(this.methods, name) ? this.methods[name] : undefined;
    if (!def) return failWith(id, apiError('unknown-method', name.slice(0, 100)));
    const parsed = def.input.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(params)'}: ${issue.message}` : 'invalid';
      return failWith(id, apiError('invalid-params', where));
    }
    try {
      const result = await def.handler(parsed.data, ctx);
      return result.ok ? { id, ok: true, value: result.value } : { id, ok: false, error: result.error };
    } catch (error) {
      this.log('rpc.handler-failed', {
        method: name,
        error: error instanceof Error ? error.name : 'unknown',
      });
      return failWith(id, apiError('internal'));
    }
  }
}
