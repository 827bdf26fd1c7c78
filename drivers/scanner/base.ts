import { TypedEmitter } from '../common/emitter.js';
import type { DeviceError } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import type { ByteTransport, TransportError } from '../transport/types.js';
import { toTransportError } from '../transport/types.js';
import { classifyCode, type ClassifyOptions } from './classify.js';
import { decodePayload, type ScannerEncoding } from './encoding.js';
import { gs1ElementsOf } from './gs1.js';
import type { ScanSource, Scanner, ScannerEvents } from './types.js';

/** Options every transport-backed scanner facade accepts. */
export interface ScannerFacadeOptions {
  /** How long to wait between attempts to (re)open the device, ms. Default 1000. */
  readonly reconnectIntervalMs?: number;
  /** Passed to {@link classifyCode} (the kiosk's progress hosts). */
  readonly classify?: ClassifyOptions;
  /**
   * How payload bytes are decoded: `auto` (default: UTF-8, else GB18030), `utf-8` or `gb18030`. Bytes that do
   * not decode become a `scanner-bad-encoding` scan error, never replacement characters.
   */
  readonly encoding?: ScannerEncoding;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Maps a transport failure to the status a facade reports. */
export function statusForTransportError(error: TransportError): DeviceStatus {
  switch (error.kind) {
    case 'not-found':
    case 'closed':
      return { state: 'no-device', reason: error.message };
    case 'permission':
      return {
        state: 'error',
        code: 'scanner-permission-denied',
        recovery: 'check-configuration',
        message: error.message,
      };
    case 'busy':
      return {
        state: 'error',
        code: 'scanner-port-busy',
        recovery: 'check-configuration',
        message: error.message,
      };
    default:
      return { state: 'offline', reason: error.message };
  }
}

/**
 * The stateful half every scanner shares: opens the transport, reports status, reconnects after an unplug, and
 * turns decoded codes into classified `scanned` events. Subclasses only frame bytes into codes.
 * A scanner only listens (no request/reply exchanges), so there is no exchange lock.
 */
export abstract class TransportScanner implements Scanner {
  protected readonly emitter = new TypedEmitter<ScannerEvents>();
  protected readonly now: () => number;
  private status_: DeviceStatus = { state: 'offline', reason: 'not started' };
  private running = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: Array<() => void> = [];
  private readonly reconnectIntervalMs: number;
  private readonly encoding: ScannerEncoding;

  protected constructor(
    protected readonly transport: ByteTransport,
    private readonly source: ScanSource,
    private readonly facadeOptions: ScannerFacadeOptions,
  ) {
    this.now = facadeOptions.now ?? Date.now;
    this.reconnectIntervalMs = facadeOptions.reconnectIntervalMs ?? 1000;
    this.encoding = facadeOptions.encoding ?? 'auto';
  }

  /** The current status. */
  get status(): DeviceStatus {
    return this.status_;
  }

  /** Opens the device; never rejects (a missing device becomes `no-device` and is retried). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = [
      this.transport.onData((chunk) => {
        if (this.running) this.handleChunk(chunk);
      }),
      this.transport.onClose((reason) => this.handleClose(reason)),
    ];
    await this.connect();
  }

  /** Stops listening and closes the device; safe to call twice. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.resetFraming();
    try {
      await this.transport.close();
    } catch {
      // Closing a vanished port can fail; it is closed either way.
    }
    this.setStatus({ state: 'offline', reason: 'stopped' });
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ScannerEvents>(event: K, listener: (payload: ScannerEvents[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  /** Feeds received bytes (one HID report, or any slice of a serial stream) to the framer. */
  protected abstract handleChunk(chunk: Uint8Array): void;

  /** Drops any half-received code (the device went away, or the facade stopped). */
  protected abstract resetFraming(): void;

  /**
   * Decodes, sanitises and classifies a complete code (its payload: no AIM identifier), then emits `scanned`,
   * or `scan-error` when it is empty or its bytes do not decode.
   */
  protected emitCode(bytes: Uint8Array, symbology: string | null): void {
    const decoded = decodePayload(bytes, this.encoding);
    if (!decoded.ok) {
      this.emitError(decoded.error);
      return;
    }
    const classification = classifyCode(decoded.value.text, this.facadeOptions.classify);
    if (classification.text === '') {
      this.emitError({
        code: 'scanner-empty-code',
        recovery: 'retry',
        message: 'a code arrived with no printable characters',
      });
      return;
    }
    this.emitter.emit('scanned', {
      text: classification.text,
      symbology,
      kind: classification.kind,
      reference: classification.reference,
      gs1: gs1ElementsOf(classification.text, symbology),
      encoding: decoded.value.encoding,
      source: this.source,
      at: this.now(),
    });
  }

  /** Emits a typed scan error (never with scanned data in the message). */
  protected emitError(error: DeviceError): void {
    this.emitter.emit('scan-error', error);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.reconnectTimer = null;
    try {
      await this.transport.open();
    } catch (error) {
      this.setStatus(statusForTransportError(toTransportError(error)));
      this.scheduleReconnect();
      return;
    }
    if (!this.running) {
      // Stopped while opening: a transport that fails to close is gone either way.
      await this.transport.close().catch(() => undefined);
      return;
    }
    this.resetFraming();
    this.setStatus({ state: 'online' });
  }

  private handleClose(reason: TransportError | null): void {
    this.resetFraming();
    if (!this.running) return;
    this.setStatus(
      reason ? statusForTransportError(reason) : { state: 'no-device', reason: 'device closed' },
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectIntervalMs);
  }

  private setStatus(status: DeviceStatus): void {
    // Only a change of state (or error code) is news; a retry failing with a reworded reason is not.
    const code = (s: DeviceStatus): string => s.state + (s.state === 'error' ? `:${s.code}` : '');
    if (code(status) === code(this.status_)) return;
    this.status_ = status;
    this.emitter.emit('status', status);
  }
}
