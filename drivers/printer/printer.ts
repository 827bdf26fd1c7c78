import { TypedEmitter } from '../common/emitter.js';
import type { DeviceResult } from '../common/result.js';
import { fail } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import type { ByteTransport, TransportError } from '../transport/types.js';
import { toTransportError } from '../transport/types.js';
import type { PrinterCondition } from './status.js';
import { conditionProblem, conditionToDeviceStatus, parseCondition } from './status.js';

/**
 * The stateful ESC/POS printer facade: one exchange at a time under a lock, a timeout on every wait, status
 * checked before and after every job, and a reconnect loop when the transport goes away. It never reports a
 * receipt as printed without the printer saying it is fine after the job.
 */

/** Why a job did not print. */
export type PrintFailureReason =
  'paper-end' | 'cover-open' | 'offline' | 'cutter-error' | 'unrecoverable' | 'no-device' | 'io';

/** The outcome of a job; `unknown` means the bytes may or may not have printed (the printer stopped answering). */
export type PrintJobResult =
  | { readonly outcome: 'printed' }
  | { readonly outcome: 'failed'; readonly reason: PrintFailureReason; readonly message?: string }
  | { readonly outcome: 'unknown'; readonly reason: 'timeout'; readonly message?: string };

/** Facade options; every wait is bounded. */
export interface EscPosPrinterOptions {
  readonly transport: ByteTransport;
  /** How long to wait for each DLE EOT reply (default 1000 ms). */
  readonly replyTimeoutMs?: number;
  /** How long one write may take to reach the OS (default 10 s). */
  readonly writeTimeoutMs?: number;
  /** Status poll period while a job drains (default 200 ms). */
  readonly pollIntervalMs?: number;
  /**
   * How long a job of n bytes takes to print, i.e. how long to keep polling status after writing it. The default
   * assumes ≈ 8 kB/s of ESC/POS at least 300 ms: text prints at ≈ 150 mm/s, a raster logo slower per byte.
   */
  readonly drainMs?: (byteLength: number) => number;
  /** Delay between reopen attempts after the transport vanished (default 1000 ms). */
  readonly reconnectIntervalMs?: number;
  /** When > 0, polls status this often while idle, so `status` events follow the printer (default off). */
  readonly monitorIntervalMs?: number;
  /** Bytes per write (default 4096), so a pulled cable is noticed mid-job rather than after a huge write. */
  readonly chunkSize?: number;
}

/** Facade events. */
export interface EscPosPrinterEvents extends Record<string, unknown> {
  status: DeviceStatus;
  condition: PrinterCondition;
}

type ReadError = 'timeout' | 'closed';

const REASON_FOR: Record<NonNullable<ReturnType<typeof conditionProblem>>['code'], PrintFailureReason> = {
  'cover-open': 'cover-open',
  'paper-end': 'paper-end',
  'cutter-error': 'cutter-error',
  unrecoverable: 'unrecoverable',
  // A recoverable error takes the printer offline until it clears itself or someone presses a button.
  error: 'offline',
  offline: 'offline',
};

/** An ESC/POS receipt printer over any {@link ByteTransport}. */
export class EscPosPrinter {
  private readonly events = new TypedEmitter<EscPosPrinterEvents>();
  private readonly transport: ByteTransport;
  private readonly replyTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly drainMs: (n: number) => number;
  private readonly reconnectIntervalMs: number;
  private readonly monitorIntervalMs: number;
  private readonly chunkSize: number;

  private status_: DeviceStatus = { state: 'no-device', reason: 'not started' };
  private condition_: PrinterCondition | null = null;
  private started = false;
  private lockTail: Promise<unknown> = Promise.resolve();
  private readonly rx: number[] = [];
  private waiter: ((b: number | ReadError) => void) | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private monitorTimer: NodeJS.Timeout | null = null;
  private unsubscribe: Array<() => void> = [];

  constructor(options: EscPosPrinterOptions) {
    this.transport = options.transport;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 1000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.drainMs = options.drainMs ?? ((n) => Math.min(30_000, Math.max(300, n / 8)));
    this.reconnectIntervalMs = options.reconnectIntervalMs ?? 1000;
    this.monitorIntervalMs = options.monitorIntervalMs ?? 0;
    this.chunkSize = options.chunkSize ?? 4096;
  }

  /** The current status (`busy` while a job prints). */
  get status(): DeviceStatus {
    return this.status_;
  }

  /** The last condition read from the printer, if any. */
  get condition(): PrinterCondition | null {
    return this.condition_;
  }

  /** Subscribes to `status` or `condition`; returns the unsubscribe function. */
  on<K extends keyof EscPosPrinterEvents>(
    event: K,
    listener: (payload: EscPosPrinterEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  /** Opens the transport and reads the condition; if the device is absent, keeps retrying in the background. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = [
      this.transport.onData((chunk) => this.onData(chunk)),
      this.transport.onClose((reason) => this.onTransportClose(reason)),
    ];
    await this.connect();
    if (this.monitorIntervalMs > 0) this.scheduleMonitor();
  }

  /** Stops monitoring and reconnecting and closes the transport. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.monitorTimer) clearTimeout(this.monitorTimer);
    this.reconnectTimer = null;
    this.monitorTimer = null;
    this.resolveWaiter('closed');
    await this.lockTail.catch(() => undefined);
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    await this.transport.close().catch(() => undefined);
    this.setStatus({ state: 'no-device', reason: 'stopped' });
  }

  /** Asks DLE EOT 1–4 under the lock and updates `status`. */
  async queryCondition(): Promise<DeviceResult<PrinterCondition>> {
    if (!this.transport.isOpen)
      return fail('no-device', 'check-cable', `${this.transport.description}: not connected`);
    return this.locked(async () => {
      const r = await this.readCondition();
      this.afterRead(r);
      return r;
    });
  }

  /**
   * Prints a job. Refuses (nothing sent) when the printer reports paper out, cover open, offline or an error;
   * after sending, polls status while the job drains and reports `failed` if the printer stopped, `unknown`
   * if it stopped answering, and `printed` only when it answered fine after the job.
   */
  async print(job: Uint8Array | { readonly bytes: Uint8Array }): Promise<PrintJobResult> {
    const bytes = job instanceof Uint8Array ? job : job.bytes;
    if (!this.started || !this.transport.isOpen)
      return { outcome: 'failed', reason: 'no-device', message: 'printer not connected' };
    return this.locked(async (): Promise<PrintJobResult> => {
      if (!this.transport.isOpen)
        return { outcome: 'failed', reason: 'no-device', message: 'printer not connected' };
      const before = await this.readCondition();
      this.afterRead(before);
      if (!before.ok) {
        // Nothing was sent, so the receipt certainly did not print.
        if (before.error.code === 'closed')
          return { outcome: 'failed', reason: 'no-device', message: before.error.message };
        if (before.error.code === 'timeout')
          return {
            outcome: 'failed',
            reason: 'offline',
            message: 'printer did not answer the status request',
          };
        return { outcome: 'failed', reason: 'io', message: before.error.message };
      }
      const problem = conditionProblem(before.value);
      if (problem) return { outcome: 'failed', reason: REASON_FOR[problem.code], message: problem.message };

      this.setStatus({ state: 'busy' });
      for (let off = 0; off < bytes.length; off += this.chunkSize) {
        const w = await this.writeBounded(bytes.subarray(off, off + this.chunkSize));
        if (w === 'timeout') return this.finishUnknown('write did not complete in time');
        if (w !== null) {
          // Part of the job may be on paper, but not all of it: a failed job, to be reprinted.
          this.setStatus({ state: 'no-device', reason: w.message });
          return {
            outcome: 'failed',
            reason: w.kind === 'closed' || w.kind === 'not-found' ? 'no-device' : 'io',
            message: w.message,
          };
        }
      }

      // The printer answers DLE EOT in real time while it still works through its buffer, so keep asking until
      // the job has had time to print; a stop at any point means the receipt is incomplete.
      const deadline = Date.now() + this.drainMs(bytes.length);
      for (;;) {
        const remaining = deadline - Date.now();
        if (remaining > 0) await sleep(Math.min(this.pollIntervalMs, remaining));
        const after = await this.readCondition();
        this.afterRead(after);
        if (!after.ok) {
          if (after.error.code === 'invalid-status-byte')
            return { outcome: 'failed', reason: 'io', message: after.error.message };
          return this.finishUnknown(after.error.message);
        }
        const p = conditionProblem(after.value);
        if (p) return { outcome: 'failed', reason: REASON_FOR[p.code], message: p.message };
        if (Date.now() >= deadline) return { outcome: 'printed' };
      }
    });
  }

  private finishUnknown(message: string): PrintJobResult {
    if (this.transport.isOpen) this.setStatus({ state: 'offline', reason: 'printer stopped answering' });
    return { outcome: 'unknown', reason: 'timeout', message };
  }

  private async connect(): Promise<void> {
    try {
      await this.transport.open();
    } catch (error) {
      const e = toTransportError(error);
      this.setStatus({ state: 'no-device', reason: e.message });
      this.scheduleReconnect();
      return;
    }
    if (!this.started) return;
    const r = await this.queryCondition();
    if (!r.ok && r.error.code === 'timeout')
      this.setStatus({ state: 'offline', reason: 'printer does not answer status requests' });
  }

  private scheduleReconnect(): void {
    if (!this.started || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.started || this.transport.isOpen) return;
      void this.connect();
    }, this.reconnectIntervalMs);
  }

  private scheduleMonitor(): void {
    if (!this.started) return;
    this.monitorTimer = setTimeout(() => {
      this.monitorTimer = null;
      const run = this.transport.isOpen ? this.queryCondition() : Promise.resolve(null);
      run
        .then((r) => {
          if (r && !r.ok && r.error.code === 'timeout')
            this.setStatus({ state: 'offline', reason: 'printer does not answer status requests' });
        })
        .catch(() => undefined)
        .finally(() => this.scheduleMonitor());
    }, this.monitorIntervalMs);
  }

  private onTransportClose(reason: TransportError | null): void {
    this.resolveWaiter('closed');
    if (!this.started) return;
    this.setStatus({ state: 'no-device', reason: reason?.message ?? 'connection closed' });
    this.scheduleReconnect();
  }

  private onData(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(b);
      } else if (this.rx.length < 64) this.rx.push(b);
    }
  }

  private resolveWaiter(value: ReadError): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(value);
  }

  private readByte(timeoutMs: number): Promise<number | ReadError> {
    const queued = this.rx.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (!this.transport.isOpen) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiter === done) this.waiter = null;
        resolve('timeout');
      }, timeoutMs);
      const done = (b: number | ReadError): void => {
        clearTimeout(timer);
        resolve(b);
      };
      this.waiter = done;
    });
  }

  /** One DLE EOT 1–4 round; the caller holds the lock. */
  private async readCondition(): Promise<DeviceResult<PrinterCondition>> {
    // Bytes nobody asked for (a late reply from a slow printer) must not be taken as this round's answers.
    this.rx.length = 0;
    const replies: number[] = [];
    for (const n of [1, 2, 3, 4] as const) {
      const w = await this.writeBounded(Uint8Array.of(0x10, 0x04, n));
      if (w === 'timeout') return fail('timeout', 'check-cable', 'status request could not be sent in time');
      if (w !== null) return fail('closed', 'check-cable', w.message);
      const b = await this.readByte(this.replyTimeoutMs);
      if (b === 'timeout')
        return fail('timeout', 'check-cable', `no reply to DLE EOT ${n} within ${this.replyTimeoutMs} ms`);
      if (b === 'closed')
        return fail('closed', 'check-cable', `${this.transport.description}: connection lost`);
      replies.push(b);
    }
    return parseCondition(replies as [number, number, number, number]);
  }

  private afterRead(r: DeviceResult<PrinterCondition>): void {
    if (!r.ok) {
      if (r.error.code === 'invalid-status-byte') {
        this.setStatus({
          state: 'error',
          code: r.error.code,
          recovery: r.error.recovery,
          message: r.error.message,
        });
      }
      return;
    }
    this.condition_ = r.value;
    this.events.emit('condition', r.value);
    this.setStatus(conditionToDeviceStatus(r.value));
  }

  /** Writes with a bound; resolves null on success, the transport error, or 'timeout'. */
  private async writeBounded(bytes: Uint8Array): Promise<TransportError | 'timeout' | null> {
    let timer: NodeJS.Timeout | null = null;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.writeTimeoutMs);
    });
    const write = this.transport.write(bytes).then(
      () => null,
      (error: unknown) => toTransportError(error),
    );
    try {
      return await Promise.race([write, timeout]);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private setStatus(s: DeviceStatus): void {
    if (JSON.stringify(s) === JSON.stringify(this.status_)) return;
    this.status_ = s;
    this.events.emit('status', s);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lockTail.then(fn, fn);
    this.lockTail = run.catch(() => undefined);
    return run;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
