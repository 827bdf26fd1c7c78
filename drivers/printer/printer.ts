import { TypedEmitter } from '../common/emitter.js';
import type { Err, Result } from '../../contract/result.js';
import { err, ok } from '../../contract/result.js';
import type { DeviceResult } from '../common/result.js';
import { fail } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import type { ByteTransport } from '../transport/types.js';
import { TransportError, toTransportError } from '../transport/types.js';
import type { PrintConfirmation, PrinterProfile } from './profile.js';
import { PROFILE_80MM } from './profile.js';
import type { PrinterCondition } from './status.js';
import { conditionProblem, conditionToDeviceStatus, isPaperSensorReply, parseCondition } from './status.js';
import type { PrintTimeEstimate } from './timing.js';
import { estimatePrintTime } from './timing.js';

/**
 * The stateful ESC/POS printer facade: one exchange at a time under a lock, a timeout on every wait, status
 * checked before and after every job, and a reconnect loop when the transport goes away. A job is reported
 * printed only once the paper has had time to come out — its physical print time estimated from the job's own
 * bytes at the profile's speed — and the printer then says it is fine (and, with GS r confirmation, has
 * reached the end of the job). See drivers/printer/README.md.
 */

/** Why a job did not print. */
export type PrintFailureReason =
  'paper-end' | 'cover-open' | 'offline' | 'cutter-error' | 'unrecoverable' | 'no-device' | 'io';

/**
 * Why the outcome of a job is not known: the printer stopped answering (`timeout`), the connection dropped
 * after the job started (`connection-lost`), or with GS r confirmation the printer never reached the end of the
 * job although it reported nothing wrong (`not-confirmed`).
 */
export type PrintUnknownReason = 'timeout' | 'connection-lost' | 'not-confirmed';

/**
 * Why a job did not certainly print: `failed` (it did not print, `code` says why) or `unknown` (the bytes may or
 * may not have printed).
 */
export type PrintJobError =
  | { readonly kind: 'failed'; readonly code: PrintFailureReason; readonly message?: string }
  | { readonly kind: 'unknown'; readonly code: PrintUnknownReason; readonly message?: string };

/** The outcome of a job: printed (nothing to carry), or a {@link PrintJobError}. */
export type PrintJobResult = Result<void, PrintJobError>;

/** A job that certainly did not print. */
export function printFailed(code: PrintFailureReason, message?: string): Err<PrintJobError> {
  return err(message === undefined ? { kind: 'failed', code } : { kind: 'failed', code, message });
}

/** A job whose outcome is not known. */
export function printUnknown(code: PrintUnknownReason, message?: string): Err<PrintJobError> {
  return err(message === undefined ? { kind: 'unknown', code } : { kind: 'unknown', code, message });
}

/** A job that printed. */
export const printed: PrintJobResult = ok(undefined);

/** A job's outcome as the screens, the audit log and the CLI name it: `printed`, or the error's kind and code. */
export function printJobOutcome(result: PrintJobResult):
  | { readonly outcome: 'printed'; readonly reason: null }
  | {
      readonly outcome: PrintJobError['kind'];
      readonly reason: PrintJobError['code'];
    } {
  return result.ok
    ? { outcome: 'printed', reason: null }
    : { outcome: result.error.kind, reason: result.error.code };
}

/** What happened to a job that was sent, with its timing (the `job` event), for diagnostics and benchmarks. */
export interface PrintJobReport {
  readonly bytes: number;
  readonly estimate: PrintTimeEstimate;
  /** How completion was confirmed for this job (`status` when the profile asks GS r of a clone). */
  readonly confirmation: PrintConfirmation;
  /** From the first job byte to the last one handed to the transport, in ms. */
  readonly sendMs: number;
  /** From the last byte to the decision, in ms. */
  readonly decisionMs: number;
  readonly result: PrintJobResult;
}

/** Facade options; every wait is bounded. */
export interface EscPosPrinterOptions {
  readonly transport: ByteTransport;
  /** The printer's profile: its paper speed sets how long a job takes (default 80 mm at 150 mm/s). */
  readonly profile?: PrinterProfile;
  /** How long to wait for each DLE EOT reply (default 1000 ms). */
  readonly replyTimeoutMs?: number;
  /** How long one write may take to reach the OS (default 10 s). */
  readonly writeTimeoutMs?: number;
  /** Status poll period while a job prints (default 200 ms), so a stop is noticed before the estimate runs out. */
  readonly pollIntervalMs?: number;
  /**
   * The deciding status check comes at the estimated print time times this (default 1.15): room for a printer
   * a little slower than its profile says.
   */
  readonly settleFactor?: number;
  /**
   * With GS r confirmation: how long beyond twice the estimate to keep waiting for the GS r reply while the
   * printer reports nothing wrong (default 3000 ms); then the outcome is `unknown{not-confirmed}`.
   */
  readonly confirmGraceMs?: number;
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
  job: PrintJobReport;
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

/** GS r 1: "transmit paper sensor status", answered when the printer reaches it in its buffer. */
const GS_R_1 = Uint8Array.of(0x1d, 0x72, 0x01);

/** An ESC/POS receipt printer over any {@link ByteTransport}. */
export class EscPosPrinter {
  private readonly events = new TypedEmitter<EscPosPrinterEvents>();
  private readonly transport: ByteTransport;
  private readonly profile_: PrinterProfile;
  private readonly replyTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly settleFactor: number;
  private readonly confirmGraceMs: number;
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
  /** GS r requests sent and replies received on this connection; replies come back in buffer order. */
  private gsrSent = 0;
  private gsrReceived = 0;
  /** Whether the last status round had standard fixed bits, which is what tells a GS r reply apart. */
  private standardReplies = false;
  /** Woken by a GS r reply or the connection closing, so a waiting job decides at once. */
  private readonly wakers = new Set<() => void>();

  constructor(options: EscPosPrinterOptions) {
    this.transport = options.transport;
    this.profile_ = options.profile ?? PROFILE_80MM;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 1000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.settleFactor = options.settleFactor ?? 1.15;
    this.confirmGraceMs = options.confirmGraceMs ?? 3000;
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

  /** The printer's profile (paper width, speed, code page, confirmation). */
  get profile(): PrinterProfile {
    return this.profile_;
  }

  /** Subscribes to `status`, `condition` or `job`; returns the unsubscribe function. */
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
    // Only waits for the last job: its caller got its result.
    await this.lockTail.catch(() => undefined);
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    // Stopping: a transport that fails to close is gone either way.
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
   * Prints a job. Refuses (nothing sent) when the printer reports paper out, cover open, offline or an error.
   * After sending, polls status while the paper comes out and decides once the estimated print time (times the
   * settle factor) has passed — or, with GS r confirmation, once the printer has reached the end of the job —
   * and the printer says it is fine: `printed`. A stop on the way is `failed{reason}`; silence is
   * `unknown{timeout}`, a dropped connection `unknown{connection-lost}`.
   */
  async print(job: Uint8Array | { readonly bytes: Uint8Array }): Promise<PrintJobResult> {
    const bytes = job instanceof Uint8Array ? job : job.bytes;
    if (!this.started || !this.transport.isOpen) return printFailed('no-device', 'printer not connected');
    return this.locked(async (): Promise<PrintJobResult> => {
      if (!this.transport.isOpen) return printFailed('no-device', 'printer not connected');
      const before = await this.readCondition();
      this.afterRead(before);
      if (!before.ok) {
        // Nothing was sent, so the receipt certainly did not print.
        if (before.error.code === 'closed') return printFailed('no-device', before.error.message);
        if (before.error.code === 'timeout')
          return printFailed('offline', 'printer did not answer the status request');
        return printFailed('io', before.error.message);
      }
      const problem = conditionProblem(before.value);
      if (problem) return printFailed(REASON_FOR[problem.code], problem.message);

      // A GS r reply is told apart from DLE EOT replies by its fixed bits, so a clone gets status confirmation.
      const confirmation: PrintConfirmation =
        this.profile_.confirm === 'gs-r' && !before.value.nonStandardFixedBits ? 'gs-r' : 'status';
      const estimate = estimatePrintTime(bytes, this.profile_);
      this.setStatus(this.busyStatus());
      const t0 = performance.now();
      const sent = await this.send(confirmation === 'gs-r' ? concat(bytes, GS_R_1) : bytes);
      const tSent = performance.now();
      let result: PrintJobResult;
      if (sent !== null) result = sent;
      else {
        const seq = confirmation === 'gs-r' ? ++this.gsrSent : 0;
        const settleAt = Math.max(
          t0 + estimate.ms * this.settleFactor,
          tSent + estimate.tailMs * this.settleFactor,
        );
        result = await this.confirm({ confirmation, seq, settleAt, giveUpAt: settleAt + estimate.ms });
      }
      if (this.status_.state === 'busy' && this.condition_)
        this.setStatus(conditionToDeviceStatus(this.condition_));
      this.events.emit('job', {
        bytes: bytes.length,
        estimate,
        confirmation,
        sendMs: tSent - t0,
        decisionMs: performance.now() - tSent,
        result,
      });
      return result;
    });
  }

  /** Writes a job in chunks; null when all of it reached the transport, else the outcome. */
  private async send(bytes: Uint8Array): Promise<PrintJobResult | null> {
    for (let off = 0; off < bytes.length; off += this.chunkSize) {
      if (off === 0 && !this.transport.isOpen) return printFailed('no-device', 'printer not connected');
      const w = await this.writeBounded(bytes.subarray(off, off + this.chunkSize));
      if (w === 'timeout') return this.finishUnknown('timeout', 'write did not complete in time');
      // Part of the job may be on paper: whether the receipt came out is not known.
      if (w !== null) return this.finishUnknown('connection-lost', w.message);
    }
    return null;
  }

  /**
   * Waits for the job to come out: polls DLE EOT every poll interval (a stop is reported at once), then decides
   * at `settleAt` (status confirmation) or when the GS r reply numbered `seq` has arrived (GS r confirmation).
   */
  private async confirm(job: {
    readonly confirmation: PrintConfirmation;
    readonly seq: number;
    readonly settleAt: number;
    readonly giveUpAt: number;
  }): Promise<PrintJobResult> {
    const gsr = job.confirmation === 'gs-r';
    const due = (): boolean => (gsr ? this.gsrReceived >= job.seq : performance.now() >= job.settleAt);
    // Cleared when a poll went unanswered while the printer was busy taking data; the decision then waits.
    let answering = true;
    for (;;) {
      let final = due();
      if (!final) {
        const untilSettle = job.settleAt - performance.now();
        await this.pause(untilSettle > 0 ? Math.min(this.pollIntervalMs, untilSettle) : this.pollIntervalMs);
        final = due();
        if (!final && !answering && performance.now() < job.settleAt) continue;
      }
      // Late replies to an unanswered round must not be read as this round's.
      if (!answering) await sleep(this.replyTimeoutMs);
      const r = await this.readCondition();
      this.afterRead(r, !final);
      if (!r.ok) {
        if (r.error.code === 'closed') return this.finishUnknown('connection-lost', r.error.message);
        if (r.error.code === 'invalid-status-byte') return printFailed('io', r.error.message);
        // A printer whose input buffer is full takes DLE EOT only when there is room: not yet a verdict.
        if (!final && performance.now() < job.settleAt) {
          answering = false;
          continue;
        }
        return this.finishUnknown('timeout', r.error.message);
      }
      answering = true;
      const p = conditionProblem(r.value);
      if (p) return printFailed(REASON_FOR[p.code], p.message);
      if (final) return printed;
      if (gsr && performance.now() >= job.giveUpAt + this.confirmGraceMs)
        return printUnknown(
          'not-confirmed',
          'the printer reports no problem but did not reach the end of the job',
        );
    }
  }

  /** Sleeps up to `ms`, waking early on a GS r reply or the connection closing. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wakers.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }

  private busyStatus(): DeviceStatus {
    const warning = this.status_.warning;
    return warning === undefined ? { state: 'busy' } : { state: 'busy', warning };
  }

  private finishUnknown(reason: PrintUnknownReason, message: string): PrintJobResult {
    if (reason === 'timeout' && this.transport.isOpen)
      this.setStatus({ state: 'offline', reason: 'printer stopped answering' });
    return printUnknown(reason, message);
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
        // The status poll's failure is what the status shows; the next poll is scheduled either way.
        .catch(() => undefined)
        .finally(() => this.scheduleMonitor());
    }, this.monitorIntervalMs);
  }

  /**
   * The port refused a write (EIO from a device that vanished) yet never reported closing — a serial port's close
   * is only noticed by its read loop, which can miss a hang-up. Treated as unplugged: closed, shown as no-device,
   * reopened on the reconnect schedule.
   */
  private dropConnection(message: string): void {
    void this.transport
      .close()
      // The port is gone either way; its own close error adds nothing to `message`.
      .catch(() => undefined)
      .finally(() => {
        // Closing may already have reported it (the transport's close event, without the cause): then only the
        // reason is added.
        if (this.status_.state !== 'no-device') this.onTransportClose(new TransportError('closed', message));
        else if (this.started) this.setStatus({ state: 'no-device', reason: message });
      });
  }

  private onTransportClose(reason: TransportError | null): void {
    this.resolveWaiter('closed');
    // Replies to GS r sent on this connection will not come on the next one.
    this.gsrReceived = this.gsrSent;
    this.wake();
    if (!this.started) return;
    this.setStatus({ state: 'no-device', reason: reason?.message ?? 'connection closed' });
    this.scheduleReconnect();
  }

  private onData(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (this.gsrReceived < this.gsrSent && this.standardReplies && isPaperSensorReply(b)) {
        this.gsrReceived += 1;
        this.wake();
        continue;
      }
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

  /** Records a status round; `busy` keeps a fine printer shown as busy while a job prints. */
  private afterRead(r: DeviceResult<PrinterCondition>, busy = false): void {
    if (!r.ok) {
      if (r.error.code === 'closed' && this.transport.isOpen) this.dropConnection(r.error.message);
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
    this.standardReplies = !r.value.nonStandardFixedBits;
    this.events.emit('condition', r.value);
    const status = conditionToDeviceStatus(r.value);
    this.setStatus(busy && status.state === 'online' ? { ...status, state: 'busy' } : status);
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
    // Only the lock's chain: the caller of `run` gets its error.
    this.lockTail = run.catch(() => undefined);
    return run;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
