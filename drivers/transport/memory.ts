import type { ByteTransport } from './types.js';
import { TransportError } from './types.js';
import { TransportListeners } from './listeners.js';

/** One end of an in-memory pipe; what one end writes, the other end receives (asynchronously, in order). */
export class MemoryTransport extends TransportListeners implements ByteTransport {
  private peer: MemoryTransport | null = null;
  private open_ = false;
  /** When set, the next `open()` fails as if the device were absent. */
  unplugged = false;

  constructor(readonly description: string) {
    super();
  }

  /** Creates two connected ends, e.g. host side and device (simulator) side. */
  static pair(name = 'memory'): [MemoryTransport, MemoryTransport] {
    const a = new MemoryTransport(`${name}:host`);
    const b = new MemoryTransport(`${name}:device`);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  get isOpen(): boolean {
    return this.open_;
  }

  async open(): Promise<void> {
    if (this.unplugged) throw new TransportError('not-found', `${this.description}: no such device`);
    this.open_ = true;
  }

  async close(): Promise<void> {
    if (!this.open_) return;
    this.open_ = false;
    this.emitClose(null);
  }

  /** Simulates the device vanishing: closes this end with a `closed` error and fails re-opening until replugged. */
  unplug(): void {
    this.unplugged = true;
    if (!this.open_) return;
    this.open_ = false;
    const reason = new TransportError('closed', `${this.description}: device disappeared`);
    this.emitClose(reason);
  }

  /** Makes the device available again. */
  replug(): void {
    this.unplugged = false;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.open_) throw new TransportError('closed', `${this.description}: not open`);
    const peer = this.peer;
    const copy = Uint8Array.from(bytes);
    // Deliver asynchronously, like a real port, so callers never re-enter their own handlers.
    queueMicrotask(() => {
      if (peer?.open_) peer.emit(copy);
    });
  }

  private emit(chunk: Uint8Array): void {
    this.emitData(chunk);
  }
}
