/**
 * The reader side of the SAM protocol, over any ByteTransport (a memory pipe, or one end of a PTY pair), with
 * a scenario API to place and remove cards and inject faults. Used by tests, the CLI and the kiosk's
 * simulation panel.
 */
import type { ByteTransport } from '../transport/types.js';
import type { HostCommand, HostCommandKind } from './codec.js';
import {
  FrameParser,
  decodeCommand,
  encodeReadPayload,
  encodeResponse,
  encodeSamId,
  successSw3,
} from './codec.js';
import type { AnyIdCardFixtureId } from './fixtures.js';
import { getIdCardFixture } from './fixtures.js';
import { makeSimulatedWlt } from './photo.js';
import type { IdCardIdentity } from './text-block.js';
import { encodeTextBlock } from './text-block.js';

/** A card given as raw blocks (e.g. an unknown type marker, or a particular photo). */
export interface RawSimulatedCard {
  readonly text: Uint8Array;
  readonly photo?: Uint8Array;
  readonly fingerprint?: Uint8Array | null;
}

/** What can be placed on the simulated reader. */
export type SimulatedCard = AnyIdCardFixtureId | IdCardIdentity | RawSimulatedCard;

/** Which commands a queued failure applies to. */
export type FailTarget = 'find' | 'select' | 'read' | 'any';

/** Simulator options. */
export interface IdCardSimulatorOptions {
  /** When set, paces bytes at this baud rate (10 bits a byte) in both directions, to model wire time. */
  readonly baudRate?: number;
  /**
   * Real readers halt a card once read: find answers 80 until the card leaves the field and comes back.
   * Default true; false keeps answering 9F while the card lies there (handy for repeated CLI reads).
   */
  readonly haltAfterRead?: boolean;
  /** The SAM ID parts reported by 12 FF. */
  readonly samId?: readonly [number, number, number, number, number];
  /**
   * Time the reader takes before answering, per command (the card's radio and the SAM's work), added after the
   * request's wire time; default none. Real readers spend tens of ms on find and select and most of a second
   * on a read.
   */
  readonly processingMs?: Partial<Record<'find' | 'select' | 'read', number>>;
}

/**
 * A fake 1024-byte fingerprint block (two 512-byte templates) for simulated cards: a marker and seeded noise,
 * never a real template. Tests use it to prove the kiosk does not keep what a 30 10 read returns.
 */
export function makeSimulatedFingerprint(seed: string): Uint8Array {
  const out = new Uint8Array(1024);
  const marker = new TextEncoder().encode('BOOTHSIMFP01');
  let x = 0x811c9dc5;
  for (const ch of seed) x = Math.imul(x ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  out.set(marker, 0);
  out.set(marker, 512);
  return out;
}

interface PlacedCard {
  readonly text: Uint8Array;
  readonly photo: Uint8Array;
  readonly fingerprint: Uint8Array | null;
}

function targetOf(kind: HostCommandKind): FailTarget | null {
  if (kind === 'find-card') return 'find';
  if (kind === 'select-card') return 'select';
  if (kind === 'read-card' || kind === 'read-card-fingerprint' || kind === 'read-appended-address')
    return 'read';
  return null;
}

/** The natural command for a failure code: 80 fails find, 81 select, card errors fail read, others any. */
function defaultTarget(sw3: number): FailTarget {
  if (sw3 === 0x80) return 'find';
  if (sw3 === 0x81) return 'select';
  if ([0x91, 0x31, 0x32, 0x33, 0x40, 0x41, 0x47].includes(sw3)) return 'read';
  return 'any';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A simulated ID card reader (SAM) speaking the real protocol. */
export class IdCardSimulator {
  private readonly parser = new FrameParser({ minLength: 3 });
  private card: PlacedCard | null = null;
  private halted = false;
  private selected = false;
  private corruptNext = false;
  private delayMs = 0;
  private silent = false;
  private readonly failures: { sw3: number; target: FailTarget }[] = [];
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private baudRate: number | null;
  /** Commands received, by kind (diagnostics for tests and the panel). */
  readonly received: HostCommandKind[] = [];

  constructor(
    readonly transport: ByteTransport,
    private readonly options: IdCardSimulatorOptions = {},
  ) {
    this.baudRate = options.baudRate ?? null;
  }

  /** Opens the transport (if needed) and starts answering. */
  async start(): Promise<void> {
    if (!this.unsubscribe) {
      this.unsubscribe = this.transport.onData((chunk) => this.onData(chunk));
    }
    if (!this.transport.isOpen) await this.transport.open();
  }

  /** Stops answering and closes the transport. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.queue;
    await this.transport.close();
  }

  /** Places a card (fixture key, identity, or raw blocks); replaces any card already there. */
  placeCard(card: SimulatedCard): void {
    this.card = toPlacedCard(card);
    this.halted = false;
    this.selected = false;
  }

  /** Takes the card away. */
  removeCard(): void {
    this.card = null;
    this.halted = false;
    this.selected = false;
  }

  /** Whether a card lies on the reader. */
  get hasCard(): boolean {
    return this.card !== null;
  }

  /** Sends the next response with a wrong checksum. */
  corruptNextFrame(): void {
    this.corruptNext = true;
  }

  /** Adds a processing delay before every response. */
  setDelay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  /** While on, the reader answers nothing at all. */
  goSilent(on: boolean): void {
    this.silent = on;
  }

  /** Changes the pacing baud rate (null: as fast as the transport goes). */
  setBaudRate(baudRate: number | null): void {
    this.baudRate = baudRate;
  }

  /**
   * Answers the next matching command with `sw3` and no data. Without `target`, 80 fails find, 81 select,
   * card errors (91, 31–33, 40, 41, 47) fail read, anything else the next command of any kind.
   */
  failNext(sw3: number, target: FailTarget = defaultTarget(sw3)): void {
    this.failures.push({ sw3: sw3 & 0xff, target });
  }

  private onData(chunk: Uint8Array): void {
    for (const event of this.parser.push(chunk)) {
      // Serialise: one answer at a time, in order, as a real reader does.
      this.queue = this.queue.then(() => this.answer(event)).catch(() => undefined);
    }
  }

  private async answer(event: ReturnType<FrameParser['push']>[number]): Promise<void> {
    let response: Uint8Array;
    let requestBytes = 0;
    let processingTarget: 'find' | 'select' | 'read' | null = null;
    if (event.type === 'error') {
      const sw3 = event.error.code === 'frame-checksum' ? 0x10 : 0x11;
      response = encodeResponse(sw3);
    } else {
      requestBytes = event.body.length + 8;
      const command = decodeCommand(event.body);
      const target = command ? targetOf(command.kind) : null;
      processingTarget = target === 'any' ? null : target;
      response = command ? this.respond(command) : encodeResponse(0x21);
    }
    if (this.baudRate && requestBytes > 0) await sleep((requestBytes * 10 * 1000) / this.baudRate);
    const processing = processingTarget ? (this.options.processingMs?.[processingTarget] ?? 0) : 0;
    if (processing + this.delayMs > 0) await sleep(processing + this.delayMs);
    if (this.silent) return;
    if (this.corruptNext) {
      this.corruptNext = false;
      response = Uint8Array.from(response);
      response[response.length - 1] = (response[response.length - 1] ?? 0) ^ 0x5a;
    }
    await this.send(response);
  }

  private respond(command: HostCommand): Uint8Array {
    this.received.push(command.kind);
    const target = targetOf(command.kind);
    const failure = this.failures.findIndex((f) => f.target === 'any' || f.target === target);
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      return encodeResponse(f?.sw3 ?? 0xff);
    }
    switch (command.kind) {
      case 'reset-sam':
        this.selected = false;
        return encodeResponse(0x90);
      case 'sam-status':
      case 'set-max-rf-frame':
        return encodeResponse(0x90);
      case 'sam-id':
        return encodeResponse(0x90, encodeSamId(this.options.samId ?? [5, 1, 20260101, 1, 123456789]));
      case 'find-card':
        if (!this.card || this.halted) return encodeResponse(0x80);
        return encodeResponse(successSw3('find-card'), new Uint8Array(4));
      case 'select-card':
        if (!this.card || this.halted) return encodeResponse(0x81);
        this.selected = true;
        return encodeResponse(0x90, new Uint8Array(8));
      case 'read-card':
      case 'read-card-fingerprint': {
        if (!this.card || !this.selected) return encodeResponse(0x41);
        const withFp = command.kind === 'read-card-fingerprint';
        const data = encodeReadPayload(this.card.text, this.card.photo, this.card.fingerprint, withFp);
        this.selected = false;
        if (this.options.haltAfterRead ?? true) this.halted = true;
        return encodeResponse(0x90, data);
      }
      case 'read-appended-address':
        return encodeResponse(this.card && this.selected ? 0x91 : 0x41);
    }
  }

  private async send(frame: Uint8Array): Promise<void> {
    if (!this.transport.isOpen) return;
    if (!this.baudRate) {
      await this.transport.write(frame);
      return;
    }
    // Pace in ~5 ms slices against the start time, so timer jitter does not accumulate; when writes fall
    // behind (a loaded machine), send everything already due at once rather than lag further.
    const bytesPerMs = this.baudRate / 10 / 1000;
    const slice = Math.max(1, Math.round(bytesPerMs * 5));
    const start = performance.now();
    for (let at = 0; at < frame.length;) {
      const dueNow = Math.floor((performance.now() - start) * bytesPerMs);
      const end = Math.min(frame.length, Math.max(at + slice, dueNow));
      const wait = start + end / bytesPerMs - performance.now();
      if (wait > 0) await sleep(wait);
      if (!this.transport.isOpen) return;
      await this.transport.write(frame.subarray(at, end));
      at = end;
    }
  }
}

function toPlacedCard(card: SimulatedCard): PlacedCard {
  if (typeof card === 'string') {
    const fixture = getIdCardFixture(card);
    if (!fixture) throw new RangeError(`unknown ID card fixture ${card}`);
    return identityCard(fixture.identity);
  }
  if ('text' in card) {
    return {
      text: card.text,
      photo: card.photo ?? makeSimulatedWlt('raw'),
      fingerprint: card.fingerprint ?? null,
    };
  }
  return identityCard(card);
}

function identityCard(identity: IdCardIdentity): PlacedCard {
  return {
    text: encodeTextBlock(identity),
    photo: makeSimulatedWlt(`${identity.idNumber}:${identity.name}`),
    fingerprint: null,
  };
}
