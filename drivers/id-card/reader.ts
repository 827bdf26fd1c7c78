/**
 * The ID card reader facade: polls find → select → read over an injected ByteTransport, one exchange at a
 * time, with a timeout on every command, typed status and events, and reconnection when the port vanishes.
 */
import { TypedEmitter } from '../common/emitter.js';
import type { DeviceError, DeviceResult } from '../common/result.js';
import { fail, ok } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';
import type { ByteTransport, TransportError } from '../transport/types.js';
import { toTransportError } from '../transport/types.js';
import type { HostCommand, ParserEvent, SamId, SamResponse, Sw3Info } from './codec.js';
import {
  FrameParser,
  decodeReadPayload,
  decodeResponse,
  decodeSamId,
  encodeCommand,
  interpretSw3,
  sw3Error,
} from './codec.js';
import { decodeTextBlock } from './text-block.js';
import type { IdCardData, IdCardReader, IdCardReaderEvents } from './types.js';

/** Per-command timeouts in milliseconds. */
export interface SamCommandTimeouts {
  readonly find: number;
  readonly select: number;
  readonly read: number;
  /** SAM status, SAM ID and reset. */
  readonly sam: number;
}

/** Defaults from the reader facts: find ≈ 1 s, select ≈ 0.3 s, read up to 2 s. */
export const DEFAULT_TIMEOUTS: SamCommandTimeouts = { find: 1000, select: 300, read: 2000, sam: 1000 };

/** Facade options. */
export interface SamIdCardReaderOptions {
  readonly transport: ByteTransport;
  /** Pause between polls (default 300 ms). */
  readonly pollIntervalMs?: number;
  readonly timeouts?: Partial<SamCommandTimeouts>;
  /** Pause between attempts to reopen a vanished port (default 500 ms). */
  readonly reconnectIntervalMs?: number;
  /** Read with 30 10 (text + photo + fingerprint) instead of 30 01. */
  readonly readFingerprint?: boolean;
  /** Poll for cards (default true); false keeps the port open for diagnostics only. */
  readonly polling?: boolean;
  /** Read attempts per card presence before waiting for the card to leave (default 3). */
  readonly maxReadAttempts?: number;
}

type CardState = 'absent' | 'present' | 'read' | 'failed';

interface Pending {
  settle(result: DeviceResult<SamResponse>): void;
}

/**
 * SAM-protocol ID card reader. Never throws and never blocks: bad frames, SAM errors, unknown card types and
 * silence become typed results, `read-error` events and status changes.
 */
export class SamIdCardReader implements IdCardReader {
  private readonly emitter = new TypedEmitter<IdCardReaderEvents>();
  private readonly transport: ByteTransport;
  private readonly parser = new FrameParser({ minLength: 4 });
  private readonly timeouts: SamCommandTimeouts;
  private readonly pollIntervalMs: number;
  private readonly reconnectIntervalMs: number;
  private readonly options: SamIdCardReaderOptions;
  private status_: DeviceStatus = { state: 'offline', reason: 'not started' };
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private pending: Pending | null = null;
  private cardState: CardState = 'absent';
  private readAttempts = 0;

  constructor(options: SamIdCardReaderOptions) {
    this.options = options;
    this.transport = options.transport;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.pollIntervalMs = options.pollIntervalMs ?? 300;
    this.reconnectIntervalMs = options.reconnectIntervalMs ?? 500;
    this.transport.onData((chunk) => this.onData(chunk));
    this.transport.onClose((reason) => this.onClose(reason));
  }

  get status(): DeviceStatus {
    return this.status_;
  }

  on<K extends keyof IdCardReaderEvents>(
    event: K,
    listener: (payload: IdCardReaderEvents[K]) => void,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  /** Opens the port (one attempt, awaited) and starts the poll/reconnect loop. Never rejects. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.cardState = 'absent';
    if (!this.transport.isOpen) await this.tryOpen();
    else this.setStatus({ state: 'online' });
    this.loopDone = this.loop().catch((error: unknown) => {
      // The loop catches per step; reaching here is a bug, reported as a status rather than a crash.
      this.setStatus({ state: 'error', code: 'internal', recovery: 'reset-device', message: String(error) });
    });
  }

  /** Stops polling, abandons any exchange in flight, and closes the port. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.pending?.settle(fail('stopped', 'retry', 'reader stopped'));
    this.wake?.();
    await this.loopDone;
    await this.lock.catch(() => undefined);
    try {
      await this.transport.close();
    } catch {
      // Closing a vanished port may fail; it is closed either way.
    }
    this.setStatus({ state: 'offline', reason: 'stopped' });
  }

  /**
   * Forgets that the card in the field was read (or given up on), so the next poll reads it again: a new visit
   * wants the card that still lies on the reader. Wakes the poll loop. A card the reader halted after its read
   * answers `find` with 80 and is not seen again until it is lifted, whatever this does.
   */
  rescan(): void {
    if (this.cardState === 'read' || this.cardState === 'failed') {
      this.cardState = 'present';
      this.readAttempts = 0;
    }
    this.wake?.();
  }

  /** Reads the SAM ID (12 FF), for diagnostics. */
  async getSamId(): Promise<DeviceResult<SamId>> {
    const r = await this.exchange({ kind: 'sam-id' }, this.timeouts.sam);
    if (!r.ok) return r;
    if (r.value.sw3 !== 0x90) return { ok: false, error: sw3Error(r.value.sw3) };
    return decodeSamId(r.value.data);
  }

  /** Asks the SAM for its status (11 FF), for diagnostics. */
  async samStatus(): Promise<DeviceResult<Sw3Info>> {
    const r = await this.exchange({ kind: 'sam-status' }, this.timeouts.sam);
    if (!r.ok) return r;
    if (r.value.sw3 !== 0x90) return { ok: false, error: sw3Error(r.value.sw3) };
    return ok(interpretSw3(r.value.sw3));
  }

  /**
   * One find → select → read cycle outside the poll loop (diagnostics, benchmarks): ok(null) when no card is
   * in the field. Shares the exchange lock with polling, so it is safe while the reader runs.
   */
  async readOnce(): Promise<DeviceResult<IdCardData | null>> {
    const find = await this.exchange({ kind: 'find-card' }, this.timeouts.find);
    if (!find.ok) return find;
    if (find.value.sw3 === 0x80) return ok(null);
    if (find.value.sw3 !== 0x9f) return { ok: false, error: sw3Error(find.value.sw3) };
    return this.readCard();
  }

  /** Resets the SAM (10 FF). */
  async resetSam(): Promise<DeviceResult<Sw3Info>> {
    const r = await this.exchange({ kind: 'reset-sam' }, this.timeouts.sam);
    if (!r.ok) return r;
    if (r.value.sw3 !== 0x90) return { ok: false, error: sw3Error(r.value.sw3) };
    return ok(interpretSw3(r.value.sw3));
  }

  // -------------------------------------------------------------------------------------------------------

  private setStatus(status: DeviceStatus): void {
    if (JSON.stringify(status) === JSON.stringify(this.status_)) return;
    this.status_ = status;
    this.emitter.emit('status', status);
  }

  private async sleep(ms: number): Promise<void> {
    if (!this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!this.transport.isOpen) {
        if (!(await this.tryOpen())) {
          await this.sleep(this.reconnectIntervalMs);
          continue;
        }
      }
      if (this.options.polling ?? true) await this.pollOnce();
      await this.sleep(this.pollIntervalMs);
    }
  }

  private async tryOpen(): Promise<boolean> {
    try {
      await this.transport.open();
      this.parser.reset();
      this.setStatus({ state: 'online' });
      return true;
    } catch (error) {
      const te = toTransportError(error);
      if (te.kind === 'permission') {
        this.setStatus({
          state: 'error',
          code: 'port-permission',
          recovery: 'check-configuration',
          message: te.message,
        });
      } else if (te.kind === 'busy') {
        this.setStatus({
          state: 'error',
          code: 'port-busy',
          recovery: 'check-configuration',
          message: te.message,
        });
      } else {
        this.setStatus({ state: 'no-device', reason: te.message });
      }
      return false;
    }
  }

  private onClose(reason: TransportError | null): void {
    this.pending?.settle(fail('no-device', 'check-cable', reason?.message ?? 'port closed'));
    if (!this.running) return;
    this.setStatus({ state: 'no-device', reason: reason?.message ?? 'port closed' });
    this.cardGone();
  }

  private onData(chunk: Uint8Array): void {
    const events = this.parser.push(chunk);
    for (const event of events) {
      // With nothing pending, a frame is a late answer to an exchange that timed out: drop it.
      if (!this.pending) return;
      this.pending.settle(this.toResult(event));
    }
  }

  private toResult(event: ParserEvent): DeviceResult<SamResponse> {
    if (event.type === 'error') return { ok: false, error: event.error };
    return decodeResponse(event.body);
  }

  /** Runs one command under the lock: write the frame, wait for one answer or the timeout. */
  private exchange(command: HostCommand, timeoutMs: number): Promise<DeviceResult<SamResponse>> {
    const run = this.lock.then(() => this.exchangeUnlocked(command, timeoutMs));
    this.lock = run.catch(() => undefined);
    return run.catch((error: unknown) => fail('internal', 'reset-device', String(error)));
  }

  private exchangeUnlocked(command: HostCommand, timeoutMs: number): Promise<DeviceResult<SamResponse>> {
    if (!this.transport.isOpen) return Promise.resolve(fail('no-device', 'check-cable', 'port not open'));
    // Bytes left from an earlier, abandoned exchange must not be taken for this answer.
    this.parser.reset();
    return new Promise((resolve) => {
      let done = false;
      const settle = (result: DeviceResult<SamResponse>): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (this.pending === pending) this.pending = null;
        resolve(result);
      };
      const pending: Pending = { settle };
      const timer = setTimeout(() => {
        const leftovers = this.parser.flush();
        const first = leftovers[0];
        settle(
          first
            ? this.toResult(first)
            : fail('timeout', 'check-cable', `no answer to ${command.kind} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.pending = pending;
      this.transport.write(encodeCommand(command)).catch((error: unknown) => {
        const te = toTransportError(error);
        settle(
          fail(
            te.kind === 'closed' || te.kind === 'not-found' ? 'no-device' : 'port-io',
            'check-cable',
            te.message,
          ),
        );
      });
    });
  }

  private async pollOnce(): Promise<void> {
    const find = await this.exchange({ kind: 'find-card' }, this.timeouts.find);
    if (!this.running) return;
    if (!find.ok) {
      this.onLinkFailure(find.error);
      return;
    }
    const sw3 = find.value.sw3;
    if (sw3 === 0x80) {
      this.setStatus({ state: 'online' });
      this.cardGone();
      return;
    }
    // 90 is no answer to find: a late answer to an exchange that timed out slipped in. Ignore it.
    if (sw3 === 0x90) return;
    if (sw3 !== 0x9f) {
      const e = sw3Error(sw3);
      this.setStatus({ state: 'error', code: e.code, recovery: e.recovery, message: e.message });
      return;
    }
    this.setStatus({ state: 'online' });
    // Already read (or given up on): wait for the card to leave the field before reading again.
    if (this.cardState === 'read' || this.cardState === 'failed') return;
    if (this.cardState === 'absent') {
      this.cardState = 'present';
      this.readAttempts = 0;
      this.emitter.emit('card-present', undefined);
    }
    this.setStatus({ state: 'busy' });
    const result = await this.readCard();
    if (!this.running) return;
    if (this.status_.state === 'busy') this.setStatus({ state: 'online' });
    if (result.ok) {
      this.cardState = 'read';
      this.emitter.emit('card-read', result.value);
    } else {
      this.readAttempts += 1;
      if (this.readAttempts >= (this.options.maxReadAttempts ?? 3)) this.cardState = 'failed';
      this.emitter.emit('read-error', result.error);
    }
  }

  private onLinkFailure(error: DeviceError): void {
    if (error.code === 'stopped') return;
    if (error.code === 'no-device') this.setStatus({ state: 'no-device', reason: error.message });
    else if (error.code === 'timeout') this.setStatus({ state: 'offline', reason: error.message });
    else
      this.setStatus({ state: 'error', code: error.code, recovery: error.recovery, message: error.message });
  }

  private cardGone(): void {
    if (this.cardState === 'absent') return;
    this.cardState = 'absent';
    this.emitter.emit('card-removed', undefined);
  }

  private async readCard(): Promise<DeviceResult<IdCardData>> {
    const select = await this.exchange({ kind: 'select-card' }, this.timeouts.select);
    if (!select.ok) return select;
    if (select.value.sw3 !== 0x90) return { ok: false, error: sw3Error(select.value.sw3) };
    const withFingerprint = this.options.readFingerprint ?? false;
    const read = await this.exchange(
      { kind: withFingerprint ? 'read-card-fingerprint' : 'read-card' },
      this.timeouts.read,
    );
    if (!read.ok) return read;
    if (read.value.sw3 !== 0x90) return { ok: false, error: sw3Error(read.value.sw3) };
    const payload = decodeReadPayload(read.value.data, withFingerprint);
    if (!payload.ok) return payload;
    const text = decodeTextBlock(payload.value.text);
    if (!text.ok) return text;
    return ok({ ...text.value, photoWlt: payload.value.photo, fingerprint: payload.value.fingerprint });
  }
}
