/**
 * Structured logs: one JSON object a line (`{"level":"info","at":"…","event":"…",…fields}`), written by pino.
 * Callers pass an event name and non-personal fields only — codes, counts and device descriptions, never names,
 * ID numbers, phone numbers, addresses, form values or tokens. Because a caller can get that wrong, every field
 * is scrubbed here before it is written (see {@link scrubFields}): a log is copied onto USB drives in
 * diagnostics bundles, so it must hold nothing personal even when a caller slips.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';

/** Field values a log line may carry. */
export type LogFields = Record<string, string | number | boolean | null>;

/** A structured logger. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** Where finished lines go (one JSON object each, without the newline). */
export type LogSink = (line: string) => void;

/**
 * Personal-data-shaped values, replaced wherever they appear inside a value. Order matters: the longer ID
 * forms go before phone numbers so an ID number is not half-matched as a phone number.
 */
const VALUE_PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Resident ID numbers: 18 characters (17 digits and a check digit) and the old 15-digit form.
  [/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, '[redacted-id]'],
  [/(?<![\dA-Za-z])\d{15}(?![\dA-Za-z])/g, '[redacted-id]'],
  // Hong Kong identity card (A123456(7)) and mainland travel permits for HK/Macao residents (H12345678).
  [/(?<![A-Za-z\d])[A-Z]{1,2}\d{6}\(?[\dA]\)?(?![A-Za-z\d])/g, '[redacted-id]'],
  [/(?<![A-Za-z\d])[HM]\d{8,10}(?![A-Za-z\d])/g, '[redacted-id]'],
  // Mainland mobile numbers (optionally +86) and landlines with an area code.
  [/(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)/g, '[redacted-phone]'],
  [/(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g, '[redacted-phone]'],
  // Bearer credentials and long opaque strings (tokens, keys, signatures): 32+ characters of token alphabet.
  [/\bBearer\s+\S+/gi, '[redacted-token]'],
  // Names as cards print them in Latin letters: two or more capitalised words (ZHANG SANFENG, LI LEI).
  [/\b[A-Z]{2,}(?:[ ,]+[A-Z]{2,})+\b/g, '[redacted-name]'],
];

/**
 * Opaque strings of 32+ characters of a token alphabet (base64, base64url, hex) with both letters and digits:
 * tokens, keys and signatures. Paths and words rarely mix digits into 32 characters without a slash or a dot.
 */
const OPAQUE = /[A-Za-z0-9+_=-]{32,}/g;
const hasLetterAndDigit = (text: string): boolean => /[A-Za-z]/.test(text) && /\d/.test(text);

/**
 * Han characters in a log value are names or addresses (event names, codes and device descriptions are ASCII),
 * so a value holding any is dropped whole.
 */
const HAN = /\p{Script=Han}/u;

/** Field names whose values are personal or secret whatever they look like. */
const SECRET_KEY =
  /(name|idnumber|id_number|identity|phone|mobile|tel|address|birth|token|secret|password|passcode|pin|authorization|cookie|key|signature|form|answer|text|photo|fingerprint|card)$/i;
/** Field names matching {@link SECRET_KEY} that are known to be harmless codes. */
const SAFE_KEYS = new Set(['event', 'role', 'kind', 'cardType', 'keyId', 'messageKey', 'code']);

/** Redacts personal-data-shaped substrings from a text (ID numbers, phone numbers, tokens, Han text). */
export function redact(text: string): string {
  if (HAN.test(text)) return '[redacted-text]';
  let out = text;
  for (const [pattern, replacement] of VALUE_PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(OPAQUE, (run) => (hasLetterAndDigit(run) ? '[redacted-token]' : run));
}

/**
 * The fields as they may be written: secret-named fields replaced, strings redacted, anything that is not a
 * string, number, boolean or null (a caller casting an object in) dropped — an object could carry anything.
 */
export function scrubFields(fields: Readonly<Record<string, unknown>>): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    const safeKey = redact(key);
    if (SECRET_KEY.test(key) && !SAFE_KEYS.has(key)) {
      clean[safeKey] = value === null || value === undefined ? null : '[redacted]';
    } else if (typeof value === 'string') clean[safeKey] = redact(value);
    // A phone or ID number passed as a number is as personal as one passed as text.
    else if (typeof value === 'number')
      clean[safeKey] = redact(String(value)) === String(value) ? value : '[redacted]';
    else if (typeof value === 'boolean' || value === null) clean[safeKey] = value;
    else if (value !== undefined) clean[safeKey] = '[dropped]';
  }
  return clean;
}

/** Writes to stderr, one line each. */
const stderrSink: LogSink = (line) => {
  process.stderr.write(line + '\n');
};

/**
 * A pino logger writing synchronously to a sink (stderr by default). Synchronous on purpose: a core that
 * crashes must still have written its last lines, and a line costs microseconds (see bench/log.bench.ts).
 */
export function createLogger(sink: LogSink = stderrSink): Logger {
  const destination = {
    write(chunk: string): void {
      sink(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk);
    },
  };
  const base = pino(
    {
      base: undefined,
      messageKey: 'event',
      // `at` as an ISO time, as every reader of these logs (and the diagnostics bundle) expects.
      timestamp: () => `,"at":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const write =
    (level: 'info' | 'warn' | 'error') =>
    (event: string, fields: LogFields = {}): void => {
      base[level](scrubFields(fields), redact(event));
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Writes every line to each logger. */
export function teeLogger(...loggers: readonly Logger[]): Logger {
  return {
    info: (event, fields) => loggers.forEach((l) => l.info(event, fields)),
    warn: (event, fields) => loggers.forEach((l) => l.warn(event, fields)),
    error: (event, fields) => loggers.forEach((l) => l.error(event, fields)),
  };
}

/** Options of {@link RotatingFile}. */
export interface RotatingFileOptions {
  /** The live file, e.g. `<data dir>/logs/booth.log`; older ones are `booth.log.1` … `booth.log.<keep>`. */
  readonly file: string;
  /** Size at which the live file is rotated (bytes; default 5 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the live one (default 4): the logs never take more than (keep+1) × maxBytes. */
  readonly keep?: number;
}

/** Default size cap of one log file. */
export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;
/** Default number of rotated files kept. */
export const DEFAULT_LOG_KEEP = 4;

/**
 * An append-only log file with a size cap: when a line would take the live file past `maxBytes`, it is renamed
 * to `.1` (older ones shift up, the oldest is deleted) and a new one started. Writes are synchronous (see
 * {@link createLogger}); a write that fails (disk full) is dropped rather than crashing the kiosk.
 */
export class RotatingFile {
  private fd: number | null = null;
  private size = 0;
  private ended = false;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(private readonly options: RotatingFileOptions) {
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
    this.keep = Math.max(1, options.keep ?? DEFAULT_LOG_KEEP);
  }

  /** Every file this log may have, newest first (the live one, then `.1` …). */
  files(): string[] {
    return [
      this.options.file,
      ...Array.from({ length: this.keep }, (_, i) => `${this.options.file}.${i + 1}`),
    ];
  }

  /** Appends one line (a newline is added). */
  writeLine(line: string): void {
    if (this.ended) return;
    const bytes = Buffer.from(line + '\n', 'utf8');
    try {
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
      if (this.fd === null) return;
      writeSync(this.fd, bytes);
      this.size += bytes.length;
    } catch {
      // A full or read-only disk must not stop the kiosk; the health snapshot reports the free space.
      this.close();
    }
  }

  /** Closes the file for good: later lines are dropped (a core shutting down must not recreate its folder). */
  end(): void {
    this.ended = true;
    this.close();
  }

  /** Closes the live file (it is opened again by the next line). */
  close(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed.
      }
    }
    this.fd = null;
  }

  private open(): void {
    mkdirSync(path.dirname(this.options.file), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.options.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    const [live, ...rotated] = this.files();
    rmSync(rotated[rotated.length - 1] as string, { force: true });
    for (let i = rotated.length - 1; i > 0; i--) {
      try {
        renameSync(rotated[i - 1] as string, rotated[i] as string);
      } catch {
        // Not there yet.
      }
    }
    renameSync(live as string, rotated[0] as string);
    this.open();
  }
}

/** Where a kiosk's log files live in its data directory. */
export function logDir(dataDir: string): string {
  return path.join(dataDir, 'logs');
}

/** The live log file of a kiosk. */
export function logFile(dataDir: string): string {
  return path.join(logDir(dataDir), 'booth.log');
}

/** A logger writing to the kiosk's rotating log file, and the file (closed by the caller on shutdown). */
export function createFileLogger(
  dataDir: string,
  options: Omit<RotatingFileOptions, 'file'> = {},
): { readonly log: Logger; readonly file: RotatingFile } {
  const file = new RotatingFile({ ...options, file: logFile(dataDir) });
  return { log: createLogger((line) => file.writeLine(line)), file };
}
