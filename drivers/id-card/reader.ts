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
import type { SamCommandTimeouts } from './timing.js';
import { DEFAULT_SAM_BAUD_RATE, deriveSamTimeouts, quietGapMs } from './timing.js';
import type { IdCardData, IdCardReader, IdCardReaderEvents } from './types.js';

/** Facade options. */
export interface SamIdCardReaderOptions {
  readonly transport: ByteTransport;
  /**
   * The line speed, for the timing model (timing.ts): timeouts and the quiet gap follow it. Default 115200.
   * It does not configure the port; the transport does that.
   */
  readonly baudRate?: number;
  /** Added to every derived timeout (configuration widening them for a slow reader); default 0. */
  readonly extraTimeoutMs?: number;
  /** Explicit per-command timeouts, replacing the derived ones (tests, diagnostics). */
  readonly timeouts?: Partial<SamCommandTimeouts>;
  /** Pause between polls (default 300 ms). */
  readonly pollIntervalMs?: number;
  /** Pause between attempts to reopen a vanished port (default 500 ms). */
  readonly reconnectIntervalMs?: number;
  /** Read with 30 10 (text + photo + fingerprint) instead of 30 01. */
  readonly readFingerprint?: boolean;
  /**
   * Whether `card-read` carries the fingerprint bytes (default false). The kiosk never keeps them: by default
   * they are zeroed as soon as the frame is decoded and `fingerprint` is null; only diagnostics ask for them.
   */
  readonly keepFingerprint?: boolean;
  /** Poll for cards (default true); false keeps the port open for diagnostics only. */
  readonly polling?: boolean;
  /** Read attempts per card presence before waiting for the card to leave (default 3). */
  readonly maxReadAttempts?: number;
}

/**
 * Whether a failed read is worth another attempt with the card still on the reader: framing errors (checksum,
 * truncation, lengths), a read that timed out, and SAM answers whose recovery is to retry or re-present the
 * card. An unknown card type, a SAM that needs maintenance or a misconfigured reader fail the same way again.
 */
export function isTransientReadError(error: DeviceError): boolean {
  if (error.code.startsWith('frame-') || error.code === 'timeout') return true;
  return error.recovery === 'retry' || error.recovery === 'reinsert-card';
}

type CardState = 'absent' | 'present' | 'read' | 'failed';

interface Pending {
  /** Frames and framing errors the parser found while this exchange waits. */
  onEvents(events: readonly ParserEvent[]): void;
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
  private readonly quietGapMs: number;
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
    const baudRate = options.baudRate ?? DEFAULT_SAM_BAUD_RATE;
    this.timeouts = {
      ...deriveSamTimeouts({
        baudRate,
        readFingerprint: options.readFingerprint ?? false,
        extraMs: options.extraTimeoutMs ?? 0,
      }),
      ...options.timeouts,
    };
    this.quietGapMs = quietGapMs(baudRate);
    this.pollIntervalMs = options.pollIntervalMs ?? 300;
    this.reconnectIntervalMs = options.reconnectIntervalMs ?? 500;
    this.transport.onData((chunk) => this.onData(chunk));
    this.transport.onClose((reason) => this.onClose(reason));
  }

  get status(): DeviceStatus {
    return this.status_;
  }

  /** The per-command timeouts in force (derived from the line speed, or given). */
  get commandTimeouts(): SamCommandTimeouts {
    return this.timeouts;
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
    // Only waits for the last command: its caller got its result or error.
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
    // With nothing pending, a frame is a late answer to an exchange that timed out: drop it.
    this.pending?.onEvents(events);
  }

  /** Runs one command under the lock: write the frame, wait for one answer or the timeout. */
  private exchange(command: HostCommand, timeoutMs: number): Promise<DeviceResult<SamResponse>> {
    const run = this.lock.then(() => this.exchangeUnlocked(command, timeoutMs));
    // Only the lock's chain: the caller of `run` gets its error as a result below.
    this.lock = run.catch(() => undefined);
    return run.catch((error: unknown) => fail('internal', 'reset-device', String(error)));
  }

  /**
   * Writes the command and waits for its answer. A framing error does not settle the exchange at once: a valid
   * frame may follow in the same burst (after a false preamble, or a stale partial frame), so the error is
   * kept and reported only when the line then stays quiet for the quiet gap with no frame half-received, or
   * when the deadline passes. A valid frame always wins.
   */
  private exchangeUnlocked(command: HostCommand, timeoutMs: number): Promise<DeviceResult<SamResponse>> {
    if (!this.transport.isOpen) return Promise.resolve(fail('no-device', 'check-cable', 'port not open'));
    // Bytes left from an earlier, abandoned exchange must not be taken for this answer.
    this.parser.reset();
    return new Promise((resolve) => {
      let done = false;
      let firstError: DeviceError | null = null;
      let quietTimer: ReturnType<typeof setTimeout> | null = null;
      const settle = (result: DeviceResult<SamResponse>): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (quietTimer) clearTimeout(quietTimer);
        if (this.pending === pending) this.pending = null;
        resolve(result);
      };
      const armQuietTimer = (): void => {
        if (quietTimer) clearTimeout(quietTimer);
        quietTimer = null;
        const error = firstError;
        if (!error || this.parser.hasPartialFrame) return;
        quietTimer = setTimeout(() => settle({ ok: false, error }), this.quietGapMs);
      };
      const pending: Pending = {
        onEvents: (events) => {
          for (const event of events) {
            if (event.type === 'frame') {
              settle(decodeResponse(event.body));
              return;
            }
            firstError ??= event.error;
          }
          // Any byte restarts the quiet gap: the device is still talking.
          armQuietTimer();
        },
        settle,
      };
      const timer = setTimeout(() => {
        const leftovers = this.parser.flush();
        const frame = leftovers.find((e) => e.type === 'frame');
        if (frame?.type === 'frame') {
          settle(decodeResponse(frame.body));
          return;
        }
        const flushed = leftovers.find((e) => e.type === 'error');
        const error = firstError ?? (flushed?.type === 'error' ? flushed.error : null);
        settle(
          error
            ? { ok: false, error }
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
    // The parts are copies now: wipe the frame, the only other place the fingerprint bytes sat.
    read.value.data.fill(0);
    if (!payload.ok) return payload;
    const keep = this.options.keepFingerprint ?? false;
    const fingerprint = keep ? payload.value.fingerprint : null;
    if (!keep) payload.value.fingerprint?.fill(0);
    const text = decodeTextBlock(payload.value.text);
    payload.value.text.fill(0);
    if (!text.ok) {
      payload.value.photo.fill(0);
      fingerprint?.fill(0);
      return text;
    }
    return ok({ ...text.value, photoWlt: payload.value.photo, fingerprint });
  }
}
