/**
 * The SAM (security access module) serial protocol of resident ID card readers: frame encoders for both
 * directions, an incremental frame parser, and the SW3 result-code table. Pure: no I/O, no timers.
 *
 * Frame: `AA AA AA 96 69 | LEN_H LEN_L | body | CHK`, where LEN counts every byte after itself (body + CHK)
 * and CHK is the XOR of LEN_H..last body byte. A host body is `CMD PARA [data]`; a reader body is
 * `SW1 SW2 SW3 [data]`.
 */
import type { DeviceError, DeviceResult, RecoveryHint, SamStatusCode } from '../common/result.js';
import { fail, ok } from '../common/result.js';

/** The five-byte preamble that starts every frame in both directions. */
export const PREAMBLE: readonly number[] = [0xaa, 0xaa, 0xaa, 0x96, 0x69];

/** Bytes before the body: preamble + two length bytes. */
export const HEADER_LENGTH = 7;

/**
 * The largest LEN a reader sends: 30 10 with a full fingerprint is 3 SW + 6 length bytes + 256 text + 1024
 * photo + 1024 fingerprint + CHK = 2314; leave head-room for vendor extras but refuse anything absurd.
 */
export const MAX_FRAME_LENGTH_FIELD = 4096;

/** A host command. */
export type HostCommand =
  | { readonly kind: 'reset-sam' }
  | { readonly kind: 'sam-status' }
  | { readonly kind: 'sam-id' }
  | { readonly kind: 'find-card' }
  | { readonly kind: 'select-card' }
  | { readonly kind: 'read-card' }
  | { readonly kind: 'read-card-fingerprint' }
  | { readonly kind: 'read-appended-address' }
  | { readonly kind: 'set-max-rf-frame'; readonly size: number };

/** The kinds of host command. */
export type HostCommandKind = HostCommand['kind'];

const COMMAND_BYTES: Readonly<
  Record<Exclude<HostCommandKind, 'set-max-rf-frame'>, readonly [number, number]>
> = {
  'reset-sam': [0x10, 0xff],
  'sam-status': [0x11, 0xff],
  'sam-id': [0x12, 0xff],
  'find-card': [0x20, 0x01],
  'select-card': [0x20, 0x02],
  'read-card': [0x30, 0x01],
  'read-card-fingerprint': [0x30, 0x10],
  'read-appended-address': [0x30, 0x03],
};

/** The SW3 a command answers with when it succeeds (find answers 9F, everything else 90). */
export function successSw3(kind: HostCommandKind): number {
  return kind === 'find-card' ? 0x9f : 0x90;
}

/** XOR of `bytes[from..to)`. */
export function xorChecksum(bytes: Uint8Array, from: number, to: number): number {
  let chk = 0;
  for (let i = from; i < to; i++) chk ^= bytes[i] ?? 0;
  return chk;
}

/** Wraps a body into a complete frame (preamble, length, body, checksum). */
export function encodeFrame(body: Uint8Array): Uint8Array {
  const len = body.length + 1;
  if (len > 0xffff) throw new RangeError(`frame body too long: ${body.length} bytes`);
  const frame = new Uint8Array(HEADER_LENGTH + len);
  frame.set(PREAMBLE, 0);
  frame[5] = len >> 8;
  frame[6] = len & 0xff;
  frame.set(body, HEADER_LENGTH);
  frame[frame.length - 1] = xorChecksum(frame, 5, frame.length - 1);
  return frame;
}

/** Encodes a host command frame, e.g. find card → `AA AA AA 96 69 00 03 20 01 22`. */
export function encodeCommand(command: HostCommand): Uint8Array {
  if (command.kind === 'set-max-rf-frame') {
    if (!Number.isInteger(command.size) || command.size < 0 || command.size > 0xff) {
      throw new RangeError(`max RF frame size must be 0..255, got ${command.size}`);
    }
    return encodeFrame(Uint8Array.of(0x61, 0xff, command.size));
  }
  const [cmd, para] = COMMAND_BYTES[command.kind];
  return encodeFrame(Uint8Array.of(cmd, para));
}

/** Decodes a host frame body (reader side); null for a command this protocol does not know. */
export function decodeCommand(body: Uint8Array): HostCommand | null {
  const cmd = body[0];
  const para = body[1];
  if (cmd === undefined || para === undefined) return null;
  if (cmd === 0x61 && para === 0xff) {
    const size = body[2];
    return size === undefined || body.length !== 3 ? null : { kind: 'set-max-rf-frame', size };
  }
  if (body.length !== 2) return null;
  for (const [kind, bytes] of Object.entries(COMMAND_BYTES)) {
    if (bytes[0] === cmd && bytes[1] === para) return { kind } as HostCommand;
  }
  return null;
}

/** Encodes a reader response frame: `SW1=00 SW2=00 SW3 [data]` (the simulator's side). */
export function encodeResponse(sw3: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(3 + data.length);
  body[2] = sw3 & 0xff;
  body.set(data, 3);
  return encodeFrame(body);
}

/** A reader response split into its status words and data. */
export interface SamResponse {
  readonly sw1: number;
  readonly sw2: number;
  readonly sw3: number;
  readonly data: Uint8Array;
}

/** Splits a reader frame body; a body shorter than the three status words is a length error. */
export function decodeResponse(body: Uint8Array): DeviceResult<SamResponse> {
  if (body.length < 3) {
    return fail(
      'frame-length',
      'retry',
      `response body has ${body.length} bytes, fewer than the 3 status words`,
    );
  }
  return ok({ sw1: body[0] ?? 0, sw2: body[1] ?? 0, sw3: body[2] ?? 0, data: body.subarray(3) });
}

// ---------------------------------------------------------------------------------------------------------
// SW3 result codes

/** What an SW3 code means, and what to do about it. */
export interface Sw3Info {
  readonly sw3: number;
  /** Stable code name, used as the DeviceError code of the failures. */
  readonly name: 'ok' | 'card-found' | SamStatusCode;
  readonly meaning: string;
  readonly recovery: RecoveryHint;
  /** Whether the code reports success (90, or 9F for find). */
  readonly success: boolean;
}

const SW3_TABLE: ReadonlyArray<readonly [number, Sw3Info['name'], string, RecoveryHint, boolean]> = [
  [0x90, 'ok', 'operation succeeded', 'retry', true],
  [0x9f, 'card-found', 'card found', 'retry', true],
  [0x91, 'no-content', 'the card holds no content for this item', 'retry', false],
  [0x10, 'host-checksum-error', 'the reader received a frame with a wrong checksum', 'retry', false],
  [0x11, 'host-length-error', 'the reader received a frame with a wrong length', 'retry', false],
  [0x21, 'bad-command', 'the reader rejected the command or its parameter', 'check-configuration', false],
  [0x23, 'unauthorised', 'the operation is not authorised', 'check-configuration', false],
  [0x24, 'unrecognised-error', 'the reader reported an unrecognised error', 'reset-device', false],
  [0x31, 'card-auth-sam-failed', 'the card failed to authenticate the SAM', 'reinsert-card', false],
  [0x32, 'sam-auth-card-failed', 'the SAM failed to authenticate the card', 'reinsert-card', false],
  [0x33, 'info-check-failed', 'the card information check failed', 'reinsert-card', false],
  [0x40, 'unknown-card-type', 'the reader does not know this card type', 'unsupported', false],
  [0x41, 'card-read-failed', 'reading the card failed', 'reinsert-card', false],
  [0x47, 'random-number-failed', 'taking a random number from the card failed', 'reinsert-card', false],
  [0x60, 'sam-self-test-failed', 'the SAM self-test failed', 'needs-maintenance', false],
  [0x66, 'sam-not-authorised', 'the SAM is not authorised', 'needs-maintenance', false],
  [0x80, 'no-card', 'no card in the field (find failed)', 'retry', false],
  [0x81, 'select-failed', 'selecting the card failed', 'reinsert-card', false],
  [0xff, 'communication-fault', 'communication fault between the reader and its SAM', 'reset-device', false],
];

/** Every SW3 code the protocol defines, keyed by value. */
export const SW3_CODES: ReadonlyMap<number, Sw3Info> = new Map(
  SW3_TABLE.map(([sw3, name, meaning, recovery, success]) => [
    sw3,
    { sw3, name, meaning, recovery, success },
  ]),
);

/** Interprets any SW3 byte; codes outside the table map to `unknown-sw3-XX`. */
export function interpretSw3(sw3: number): Sw3Info {
  return (
    SW3_CODES.get(sw3) ?? {
      sw3,
      name: `unknown-sw3-${hex(sw3)}`,
      meaning: `the reader answered with an undocumented status 0x${hex(sw3)}`,
      recovery: 'reset-device',
      success: false,
    }
  );
}

/**
 * The DeviceError for an SW3 other than the one a command expects. A success code where another was due (90
 * answering a find, which succeeds with 9F) is `unexpected-sam-status`, never an error coded `ok`.
 */
export function sw3Error(sw3: number): DeviceError {
  const info = interpretSw3(sw3);
  const code = info.name === 'ok' || info.name === 'card-found' ? 'unexpected-sam-status' : info.name;
  return { code, recovery: info.recovery, message: `SAM status 0x${hex(sw3)}: ${info.meaning}` };
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------------------
// Response payloads

/** The parts of a read (30 01 / 30 10) response. */
export interface CardReadPayload {
  readonly text: Uint8Array;
  readonly photo: Uint8Array;
  readonly fingerprint: Uint8Array | null;
}

/**
 * Splits the data of a successful read response. `withFingerprint` selects the 30 10 layout (three lengths);
 * declared lengths that disagree with the data are a typed `read-payload-length` error.
 */
export function decodeReadPayload(data: Uint8Array, withFingerprint: boolean): DeviceResult<CardReadPayload> {
  const lengths = withFingerprint ? 3 : 2;
  if (data.length < lengths * 2) {
    return fail(
      'read-payload-length',
      'retry',
      `read response has ${data.length} data bytes, too few for lengths`,
    );
  }
  const u16 = (i: number): number => ((data[i] ?? 0) << 8) | (data[i + 1] ?? 0);
  const textLen = u16(0);
  const photoLen = u16(2);
  const fpLen = withFingerprint ? u16(4) : 0;
  const start = lengths * 2;
  if (textLen !== 256) return fail('read-payload-length', 'retry', `text length ${textLen}, expected 256`);
  if (photoLen > 1024) return fail('read-payload-length', 'retry', `photo length ${photoLen}, above 1024`);
  if (fpLen > 1024) return fail('read-payload-length', 'retry', `fingerprint length ${fpLen}, above 1024`);
  if (start + textLen + photoLen + fpLen !== data.length) {
    return fail(
      'read-payload-length',
      'retry',
      `read response declares ${textLen}+${photoLen}+${fpLen} bytes but carries ${data.length - start}`,
    );
  }
  const text = data.slice(start, start + textLen);
  const photo = data.slice(start + textLen, start + textLen + photoLen);
  const fingerprint = withFingerprint && fpLen > 0 ? data.slice(start + textLen + photoLen) : null;
  return ok({ text, photo, fingerprint });
}

/** Builds the data of a read response (the simulator's side). */
export function encodeReadPayload(
  text: Uint8Array,
  photo: Uint8Array,
  fingerprint: Uint8Array | null,
  withFingerprint: boolean,
): Uint8Array {
  const fp = withFingerprint ? (fingerprint ?? new Uint8Array(0)) : new Uint8Array(0);
  const lengths = withFingerprint ? [text.length, photo.length, fp.length] : [text.length, photo.length];
  const out = new Uint8Array(lengths.length * 2 + text.length + photo.length + fp.length);
  lengths.forEach((n, i) => {
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  let at = lengths.length * 2;
  out.set(text, at);
  at += text.length;
  out.set(photo, at);
  at += photo.length;
  out.set(fp, at);
  return out;
}

/** The SAM's identity: the five little-endian numbers of 12 FF, and the usual printed form. */
export interface SamId {
  readonly parts: readonly [number, number, number, number, number];
  /** e.g. `05.01-20101020-0000000001-0123456789`. */
  readonly text: string;
}

/** Decodes the 16 data bytes of a SAM ID response. */
export function decodeSamId(data: Uint8Array): DeviceResult<SamId> {
  if (data.length !== 16)
    return fail('sam-id-length', 'retry', `SAM ID has ${data.length} bytes, expected 16`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const parts = [
    view.getUint16(0, true),
    view.getUint16(2, true),
    view.getUint32(4, true),
    view.getUint32(8, true),
    view.getUint32(12, true),
  ] as const;
  const [a, b, c, d, e] = parts;
  const text = `${pad(a, 2)}.${pad(b, 2)}-${pad(c, 8)}-${pad(d, 10)}-${pad(e, 10)}`;
  return ok({ parts, text });
}

/** Encodes a SAM ID (the simulator's side). */
export function encodeSamId(parts: readonly [number, number, number, number, number]): Uint8Array {
  const data = new Uint8Array(16);
  const view = new DataView(data.buffer);
  view.setUint16(0, parts[0], true);
  view.setUint16(2, parts[1], true);
  view.setUint32(4, parts[2], true);
  view.setUint32(8, parts[3], true);
  view.setUint32(12, parts[4], true);
  return data;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------------------
// Incremental parser

/** Why bytes were thrown away. */
export type FrameErrorCode = 'frame-checksum' | 'frame-length' | 'frame-oversized' | 'frame-truncated';

/** One thing the parser found: a checked frame body, or a typed framing error. */
export type ParserEvent =
  | { readonly type: 'frame'; readonly body: Uint8Array }
  | { readonly type: 'error'; readonly error: DeviceError & { readonly code: FrameErrorCode } };

/** Parser limits. */
export interface FrameParserOptions {
  /** The smallest acceptable LEN (body + CHK): 4 for responses (SW1 SW2 SW3 CHK), 3 for commands. */
  readonly minLength?: number;
  /** The largest acceptable LEN; anything above is treated as a corrupted header. */
  readonly maxLength?: number;
}

function frameError(code: FrameErrorCode, message: string): ParserEvent {
  return { type: 'error', error: { code, recovery: 'retry', message } };
}

/**
 * Incremental frame parser. Feed it whatever the port delivers (split frames, several frames, noise); it
 * returns checked frame bodies and typed errors.
 *
 * Resynchronisation: after a bad frame (wrong checksum, impossible length) it drops only the first byte of
 * the false preamble and scans again, so a good frame hidden inside the bytes a corrupt header swallowed is
 * still found. An unfinished frame (a stale partial frame, or a false preamble whose length points far ahead)
 * is abandoned as `frame-truncated` as soon as a complete, checked frame starts after it, so the answer that
 * followed it in the same burst is not held back until a timeout. The buffer never exceeds one maximal frame:
 * noise without a preamble is dropped as it comes.
 */
export class FrameParser {
  private buffer: Uint8Array = new Uint8Array(0);
  private readonly minLength: number;
  private readonly maxLength: number;
  /** Bytes thrown away because they were not part of any frame (noise, resynchronisation). */
  discardedBytes = 0;

  constructor(options: FrameParserOptions = {}) {
    this.minLength = options.minLength ?? 4;
    this.maxLength = options.maxLength ?? MAX_FRAME_LENGTH_FIELD;
  }

  /** The largest number of bytes the parser may hold between calls. */
  get capacity(): number {
    return HEADER_LENGTH + this.maxLength;
  }

  /** Bytes currently held (an incomplete frame, or a possible preamble prefix). */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  /** Whether a frame has started but not finished (a header, or part of one, is buffered). */
  get hasPartialFrame(): boolean {
    return this.buffer.length > 0 && this.buffer[0] === PREAMBLE[0] && this.buffer.length >= PREAMBLE.length;
  }

  /** Adds received bytes; returns the frames and errors they complete, in order. */
  push(chunk: Uint8Array): ParserEvent[] {
    const events: ParserEvent[] = [];
    if (chunk.length === 0) return events;
    let buf: Uint8Array;
    if (this.buffer.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.buffer.length + chunk.length);
      buf.set(this.buffer, 0);
      buf.set(chunk, this.buffer.length);
    }
    const pos = this.scan(buf, 0, events);
    // Copy the remainder so we never pin a caller's (possibly huge) chunk.
    const rest = buf.slice(pos);
    // The joined buffer is ours: wipe it, so card data (fingerprints above all) does not linger in freed memory.
    if (buf !== chunk) buf.fill(0);
    this.buffer.fill(0);
    this.buffer = rest;
    return events;
  }

  /**
   * Declares the buffered bytes dead (the caller's timeout expired). An incomplete frame is reported as
   * `frame-truncated`; any complete frame hidden behind a truncated header is still recovered.
   */
  flush(): ParserEvent[] {
    const events: ParserEvent[] = [];
    const held = this.buffer;
    let buf = held;
    this.buffer = new Uint8Array(0);
    while (buf.length > 0) {
      const pos = this.scan(buf, 0, events);
      if (pos >= buf.length) break;
      // What is left is an incomplete frame (or preamble prefix): report it, then look past its first byte.
      if (buf.length - pos >= PREAMBLE.length) {
        events.push(
          frameError('frame-truncated', `frame cut short: ${buf.length - pos} bytes of an unfinished frame`),
        );
      }
      this.discardedBytes += 1;
      buf = buf.subarray(pos + 1);
    }
    held.fill(0);
    return events;
  }

  /** Forgets everything buffered, silently. */
  reset(): void {
    this.discardedBytes += this.buffer.length;
    this.buffer.fill(0);
    this.buffer = new Uint8Array(0);
  }

  /** Scans from `pos`; returns the offset of the first byte that must be kept (an unfinished frame). */
  private scan(buf: Uint8Array, pos: number, events: ParserEvent[]): number {
    const n = buf.length;
    while (pos < n) {
      const start = this.findPreamble(buf, pos);
      if (start < 0) {
        // Keep a tail that could be the beginning of a preamble split across reads.
        const keep = this.preamblePrefixLength(buf, pos);
        this.discardedBytes += n - pos - keep;
        return n - keep;
      }
      this.discardedBytes += start - pos;
      pos = start;
      if (n - pos < HEADER_LENGTH) return pos;
      const len = ((buf[pos + 5] ?? 0) << 8) | (buf[pos + 6] ?? 0);
      if (len < this.minLength) {
        events.push(frameError('frame-length', `impossible frame length ${len} (minimum ${this.minLength})`));
        this.discardedBytes += 1;
        pos += 1;
        continue;
      }
      if (len > this.maxLength) {
        events.push(frameError('frame-oversized', `frame length ${len} above the maximum ${this.maxLength}`));
        this.discardedBytes += 1;
        pos += 1;
        continue;
      }
      const end = pos + HEADER_LENGTH + len;
      if (end > n) {
        const next = this.findCompleteFrame(buf, pos + 1);
        if (next < 0) return pos;
        events.push(
          frameError(
            'frame-truncated',
            `an unfinished frame (${next - pos} of ${end - pos} bytes) was followed by a complete one; dropped`,
          ),
        );
        this.discardedBytes += next - pos;
        pos = next;
        continue;
      }
      const chk = xorChecksum(buf, pos + 5, end - 1);
      if (chk !== buf[end - 1]) {
        events.push(
          frameError('frame-checksum', `checksum 0x${hex(buf[end - 1] ?? 0)}, expected 0x${hex(chk)}`),
        );
        this.discardedBytes += 1;
        pos += 1;
        continue;
      }
      events.push({ type: 'frame', body: buf.slice(pos + HEADER_LENGTH, end - 1) });
      pos = end;
    }
    return pos;
  }

  /** Offset of the first complete frame with a good checksum that starts at or after `from`, or -1. */
  private findCompleteFrame(buf: Uint8Array, from: number): number {
    for (let at = this.findPreamble(buf, from); at >= 0; at = this.findPreamble(buf, at + 1)) {
      if (buf.length - at < HEADER_LENGTH) return -1;
      const len = ((buf[at + 5] ?? 0) << 8) | (buf[at + 6] ?? 0);
      if (len < this.minLength || len > this.maxLength) continue;
      const end = at + HEADER_LENGTH + len;
      if (end <= buf.length && xorChecksum(buf, at + 5, end - 1) === buf[end - 1]) return at;
    }
    return -1;
  }

  private findPreamble(buf: Uint8Array, from: number): number {
    const last = buf.length - PREAMBLE.length;
    outer: for (let i = from; i <= last; i++) {
      if (buf[i] !== 0xaa) continue;
      for (let j = 1; j < PREAMBLE.length; j++) if (buf[i + j] !== PREAMBLE[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** Length of the longest buffer suffix (after `from`) that is a proper prefix of the preamble. */
  private preamblePrefixLength(buf: Uint8Array, from: number): number {
    for (let k = Math.min(PREAMBLE.length - 1, buf.length - from); k > 0; k--) {
      let match = true;
      for (let j = 0; j < k; j++) {
        if (buf[buf.length - k + j] !== PREAMBLE[j]) {
          match = false;
          break;
        }
      }
      if (match) return k;
    }
    return 0;
  }
}
