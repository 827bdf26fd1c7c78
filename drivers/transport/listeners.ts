import type { TransportError } from './types.js';

/**
 * The listener bookkeeping every transport shares: `onData`/`onClose` subscriptions and emitting to a copy of
 * the set, so a listener may unsubscribe while being called.
 */
export abstract class TransportListeners {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(reason: TransportError | null) => void>();

  /** Subscribes to received bytes; returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** Subscribes to the transport closing or vanishing; returns an unsubscribe function. */
  onClose(listener: (reason: TransportError | null) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  protected emitData(chunk: Uint8Array): void {
    for (const l of [...this.dataListeners]) l(chunk);
  }

  protected emitClose(reason: TransportError | null): void {
    for (const l of [...this.closeListeners]) l(reason);
  }
}
