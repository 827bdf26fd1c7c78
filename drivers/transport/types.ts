/**
 * A byte transport: the one interface every driver facade talks through, so the same facade runs against a
 * serial port, a HID device, a TCP socket, a device file, a simulator on a PTY, or an in-memory pipe.
 */
export interface ByteTransport {
  /** A short description for diagnostics, e.g. `serial:/dev/ttyUSB0@115200`. Never personal data. */
  readonly description: string;
  /** Opens the underlying port. Rejects with a {@link TransportError} when it cannot. */
  open(): Promise<void>;
  /** Closes it; safe to call twice. */
  close(): Promise<void>;
  /** Writes all bytes (resolves once handed to the OS). Rejects with a {@link TransportError}. */
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribes to received bytes; returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Subscribes to the port closing or vanishing (unplug); returns an unsubscribe function. */
  onClose(listener: (reason: TransportError | null) => void): () => void;
  /** Whether the transport is open right now. */
  readonly isOpen: boolean;
}

/** Why a transport failed, so facades can map it to `no-device`, `offline` or `error`. */
export type TransportErrorKind = 'not-found' | 'permission' | 'busy' | 'closed' | 'io' | 'timeout';

/** An error raised by a transport, classified for the facade. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Wraps any thrown value into a {@link TransportError} (unknown errors become `io`). */
export function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT|No such file|cannot find|not found/i.test(message))
    return new TransportError('not-found', message);
  if (/EACCES|EPERM|permission/i.test(message)) return new TransportError('permission', message);
  if (/EBUSY|locked|in use/i.test(message)) return new TransportError('busy', message);
  return new TransportError('io', message);
}
