import type { RpcChannel } from './channel.js';
import type { CallContext, MethodTable } from './define.js';
import type { ApiError, ResponseFrame } from './protocol.js';
import { MAX_REQUEST_BYTES, apiError, requestFrameSchema } from './protocol.js';

/** Logs RPC problems without personal data (method names and error codes only). */
export type RpcLogger = (event: string, fields: Record<string, string | number | boolean>) => void;

/**
 * Serves a method table over any number of channels and broadcasts events to all of them.
 * Every request is size-checked, parsed, and its params parsed by the method's schema; a handler that throws
 * becomes an `internal` error (logged by name only) — the core never crashes and stack traces never cross.
 */
export class RpcServer {
  private readonly channels = new Map<number, RpcChannel>();
  private nextConnectionId = 1;

  constructor(
    private readonly methods: MethodTable,
    private readonly log: RpcLogger = () => undefined,
  ) {}

  /** Serves one channel until it closes; returns a function that disconnects it. */
  connect(channel: RpcChannel): () => void {
    const connectionId = this.nextConnectionId++;
    this.channels.set(connectionId, channel);
    const ctx: CallContext = { connectionId };
    const offMessage = channel.onMessage((text) => {
      void this.handle(text, ctx)
        .then((response) => channel.send(JSON.stringify(response)))
        // A channel torn down under us (a closing port) must not become an unhandled rejection.
        .catch(() => undefined);
    });
    const disconnect = (): void => {
      offMessage();
      offClose();
      this.channels.delete(connectionId);
    };
    const offClose = channel.onClose(disconnect);
    return disconnect;
  }

  /** Sends an event to every connected channel. */
  broadcast(event: string, payload: unknown): void {
    const text = JSON.stringify({ event, payload });
    for (const channel of this.channels.values()) {
      try {
        channel.send(text);
      } catch {
        // A channel closing under us is not an error for the others.
      }
    }
  }

  /** How many channels are connected. */
  get connectionCount(): number {
    return this.channels.size;
  }

  /** Handles one request text and returns the response frame (exported for tests and benchmarks). */
  async handle(text: string, ctx: CallContext): Promise<ResponseFrame> {
    const failWith = (id: number | null, error: ApiError): ResponseFrame => ({ id, ok: false, error });
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
