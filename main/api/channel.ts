/**
 * One connection between a renderer and the core, whatever carries it: a WebSocket (browser host) or a
 * MessagePort (Electron). Frames are JSON text (see protocol.ts).
 */
export interface RpcChannel {
  send(text: string): void;
  onMessage(listener: (text: string) => void): () => void;
  onClose(listener: () => void): () => void;
  /** Closes the channel; `reason` reaches the other end where the transport can carry it (a WebSocket close). */
  close(reason?: CloseReason): void;
}

/** Why the core closed a channel, as a WebSocket close code (4000–4999: application codes) and a short text. */
export interface CloseReason {
  readonly code: number;
  readonly reason: string;
}

/**
 * The core serves one renderer session at a time: a newer connection replaces the older, which is closed with
 * this code. A renderer closed this way must say so and stay closed — reconnecting would take the session back
 * from the newer window, and the two would fight over it.
 */
export const REPLACED_CLOSE: CloseReason = { code: 4001, reason: 'replaced by another window' };

/** The last frame a replaced session receives before it is closed (for transports without close codes). */
export const SESSION_REPLACED_EVENT = 'session.replaced';

/** Two connected in-memory channels (for tests and benchmarks). */
export function channelPair(): [RpcChannel, RpcChannel] {
  type End = { msg: Set<(t: string) => void>; close: Set<() => void>; closed: boolean; peer?: End };
  const mk = (): End => ({ msg: new Set(), close: new Set(), closed: false });
  const a = mk();
  const b = mk();
  a.peer = b;
  b.peer = a;
  const wrap = (end: End): RpcChannel => ({
    send(text) {
      const peer = end.peer;
      if (end.closed || !peer || peer.closed) return;
      queueMicrotask(() => {
        if (!peer.closed) for (const l of [...peer.msg]) l(text);
      });
    },
    onMessage(listener) {
      end.msg.add(listener);
      return () => end.msg.delete(listener);
    },
    onClose(listener) {
      end.close.add(listener);
      return () => end.close.delete(listener);
    },
    close() {
      for (const e of [end, end.peer]) {
        if (!e || e.closed) continue;
        e.closed = true;
        for (const l of [...e.close]) l();
      }
    },
  });
  return [wrap(a), wrap(b)];
}
