/**
 * `booth idcard read|sam` (technician tools for a SAM-protocol ID card reader on a serial port) and
 * `booth simulate idcard` (a simulated reader on a port, e.g. one end of a socat PTY pair).
 */
import { z } from 'zod';
import type { DeviceStatus } from '../../../drivers/common/status.js';
import {
  CARD_TYPE_LABELS,
  IdCardSimulator,
  SamIdCardReader,
  checkDigitStatus,
  encodeTextBlock,
  getIdCardFixture,
  isTransientReadError,
  listIdCardFixtures,
  makeSimulatedFingerprint,
  makeSimulatedWlt,
  maskIdNumber,
  type AnyIdCardFixtureId,
  type IdCardData,
} from '../../../drivers/id-card/index.js';
import { SerialTransport } from '../../../drivers/transport/serial.js';
import type { ByteTransport } from '../../../drivers/transport/types.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';

const intOption = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `--${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `--${name} must be between ${min} and ${max}`);

const ReadArgs = z.object({
  port: z.string({ error: '--port PATH is required' }).min(1, '--port PATH is required'),
  baud: intOption('baud', 300, 4_000_000).default(115200),
  timeout: intOption('timeout', 100, 3_600_000).default(20_000),
  'timeout-extra': intOption('timeout-extra', 0, 60_000).default(0),
  attempts: intOption('attempts', 1, 10).default(3),
  fingerprint: z.boolean().default(false),
  json: z.boolean().default(false),
  unmasked: z.boolean().default(false),
});

const SamArgs = z.object({
  port: z.string({ error: '--port PATH is required' }).min(1, '--port PATH is required'),
  baud: intOption('baud', 300, 4_000_000).default(115200),
  json: z.boolean().default(false),
});

const SimulateArgs = z.object({
  port: z.string({ error: '--port PATH is required' }).min(1, '--port PATH is required'),
  baud: intOption('baud', 300, 4_000_000).default(115200),
  'read-delay': intOption('read-delay', 0, 60_000).default(0),
  fingerprint: z.boolean().default(false),
  card: z
    .string()
    .refine((id) => getIdCardFixture(id) !== null, {
      error: `--card must be one of ${listIdCardFixtures()
        .map((f) => f.id)
        .join(', ')}`,
    })
    .optional(),
});

/** Parses with zod and turns the first issue into a one-line CliError (exit 2). */
function parse<T extends z.ZodType>(schema: T, values: unknown): z.output<T> {
  const r = schema.safeParse(values);
  if (!r.success) throw new CliError(r.error.issues[0]?.message ?? 'bad arguments', 2);
  return r.data;
}

function describeStatus(status: DeviceStatus): string {
  switch (status.state) {
    case 'no-device':
      return `no reader on the port${status.reason ? ` (${status.reason})` : ''}`;
    case 'error':
      return `${status.code}: ${status.message ?? status.recovery}`;
    case 'offline':
      return `reader not answering${status.reason ? ` (${status.reason})` : ''}`;
    default:
      return status.state;
  }
}

/** How `booth idcard read` talks to the reader. */
export interface ReadOneCardOptions {
  readonly transport: ByteTransport;
  readonly baudRate: number;
  /** Overall wait for a card, ms. */
  readonly timeoutMs: number;
  /** Added to every derived command timeout. */
  readonly extraTimeoutMs: number;
  /** Read attempts for transient failures before giving up. */
  readonly attempts: number;
  readonly readFingerprint: boolean;
  readonly signal: AbortSignal;
  /** Where retry notices go (standard error). */
  readonly notice: (line: string) => void;
}

function isFramingError(code: string): boolean {
  return code.startsWith('frame-');
}

/**
 * Waits for one card (or a reason to give up). Transient failures (framing errors, a read that timed out, a
 * SAM answer that says try again) are retried like the kiosk's polling facade does, up to `attempts`; a
 * persistent one ends the command with its code and reason.
 */
export async function readOneCard(options: ReadOneCardOptions): Promise<IdCardData> {
  const { attempts, signal, timeoutMs } = options;
  const reader = new SamIdCardReader({
    transport: options.transport,
    baudRate: options.baudRate,
    extraTimeoutMs: options.extraTimeoutMs,
    readFingerprint: options.readFingerprint,
    // Only to say how many bytes came; the command never prints or keeps them.
    keepFingerprint: options.readFingerprint,
    maxReadAttempts: attempts,
  });
  const unsubscribe: (() => void)[] = [];
  try {
    return await new Promise<IdCardData>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new CliError(
            reader.status.state === 'offline'
              ? `no answer from the reader within ${timeoutMs} ms (timeout)`
              : `no card presented within ${timeoutMs} ms (timeout)`,
          ),
        );
      }, timeoutMs);
      unsubscribe.push(() => clearTimeout(timer));
      const onAbort = (): void => reject(new CliError('interrupted', 130));
      signal.addEventListener('abort', onAbort, { once: true });
      unsubscribe.push(() => signal.removeEventListener('abort', onAbort));
      unsubscribe.push(reader.on('card-read', resolve));
      let readFailures = 0;
      unsubscribe.push(reader.on('card-removed', () => (readFailures = 0)));
      unsubscribe.push(
        reader.on('read-error', (e) => {
          readFailures += 1;
          if (isTransientReadError(e) && readFailures < attempts) {
            options.notice(`read attempt ${readFailures}/${attempts} failed (${e.code}); retrying`);
            return;
          }
          const after = readFailures > 1 ? ` after ${readFailures} attempts` : '';
          reject(new CliError(`card could not be read${after}: ${e.code}: ${e.message}`));
        }),
      );
      // A garbled answer to find is as transient as a garbled read; anything else wrong with the reader (a
      // missing port, a SAM fault) ends a one-shot command rather than waiting for recovery.
      let linkFailures = 0;
      const onStatus = (s: DeviceStatus): void => {
        if (s.state === 'online') linkFailures = 0;
        if (s.state === 'error' && isFramingError(s.code)) {
          linkFailures += 1;
          if (linkFailures < attempts) {
            options.notice(`garbled answer from the reader (${s.code}); retrying`);
            return;
          }
          reject(new CliError(`reader answers garbled after ${linkFailures} attempts: ${describeStatus(s)}`));
          return;
        }
        if (s.state === 'no-device' || s.state === 'error') reject(new CliError(describeStatus(s)));
      };
      unsubscribe.push(reader.on('status', onStatus));
      void reader.start().then(() => onStatus(reader.status));
    });
  } finally {
    for (const u of unsubscribe) u();
    await reader.stop();
  }
}

/** The JSON form of a card; the ID number is masked unless asked otherwise. */
export function cardToJson(card: IdCardData, unmasked: boolean): Record<string, unknown> {
  return {
    cardType: card.cardType,
    name: card.name,
    englishName: card.englishName,
    sex: card.sex,
    birthDate: card.birthDate,
    idNumber: unmasked ? card.idNumber : maskIdNumber(card.idNumber),
    idNumberValid: card.idNumberValid,
    checkDigit: checkDigitStatus(card.idNumber),
    ethnicity: card.ethnicity,
    address: card.address,
    issuer: card.issuer,
    validFrom: card.validFrom,
    validTo: card.validTo,
    nationality: card.nationality,
    passNumber: card.passNumber,
    issueCount: card.issueCount,
    photoBytes: card.photoWlt.length,
    fingerprintBytes: card.fingerprint?.length ?? 0,
  };
}

function cardToText(card: IdCardData, unmasked: boolean): string {
  const label = CARD_TYPE_LABELS[card.cardType];
  const rows: [string, string | number | null][] = [
    ['Card type', `${label.en} (${label.zh})`],
    ['Name', card.name],
    ['English name', card.englishName],
    ['Sex', card.sex],
    ['Ethnicity', card.ethnicity],
    ['Birth date', card.birthDate],
    [
      'ID number',
      // Only 18-character ID numbers carry a check character; the old foreigner permit's 15 do not.
      `${unmasked ? card.idNumber : maskIdNumber(card.idNumber)}${checkDigitStatus(card.idNumber) === 'invalid' ? '  (check digit INVALID)' : ''}`,
    ],
    ['Nationality', card.nationality],
    ['Pass number', card.passNumber],
    ['Issue count', card.issueCount],
    ['Address', card.address],
    ['Issuer', card.issuer],
    ['Valid from', card.validFrom],
    ['Valid to', card.validTo ?? '长期 (no expiry)'],
    ['Photo', `${card.photoWlt.length} bytes WLT`],
    ['Fingerprint', card.fingerprint ? `${card.fingerprint.length} bytes (not shown, not kept)` : null],
  ];
  return rows
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${`${k}:`.padEnd(14)}${String(v)}`)
    .join('\n');
}

const read: CliCommand = {
  path: ['idcard', 'read'],
  summary: 'Wait for an ID card on a SAM reader, read it and print it (ID number masked unless --unmasked).',
  usage:
    'booth idcard read --port PATH [--baud N] [--timeout MS] [--timeout-extra MS] [--attempts N] [--fingerprint] [--json] [--unmasked]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, {
      port: { type: 'string' },
      baud: { type: 'string' },
      timeout: { type: 'string' },
      'timeout-extra': { type: 'string' },
      attempts: { type: 'string' },
      fingerprint: { type: 'boolean' },
      json: { type: 'boolean' },
      unmasked: { type: 'boolean' },
    });
    const opts = parse(ReadArgs, values);
    const card = await readOneCard({
      transport: new SerialTransport({ path: opts.port, baudRate: opts.baud }),
      baudRate: opts.baud,
      timeoutMs: opts.timeout,
      extraTimeoutMs: opts['timeout-extra'],
      attempts: opts.attempts,
      readFingerprint: opts.fingerprint,
      signal: io.signal,
      notice: (line) => io.stderr(`${line}\n`),
    });
    try {
      io.stdout(
        opts.json
          ? `${JSON.stringify(cardToJson(card, opts.unmasked), null, 2)}\n`
          : `${cardToText(card, opts.unmasked)}\n`,
      );
    } finally {
      card.fingerprint?.fill(0);
    }
    return 0;
  },
};

const sam: CliCommand = {
  path: ['idcard', 'sam'],
  summary: 'Print the SAM ID and SAM status of an ID card reader.',
  usage: 'booth idcard sam --port PATH [--baud N] [--json]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, {
      port: { type: 'string' },
      baud: { type: 'string' },
      json: { type: 'boolean' },
    });
    const opts = parse(SamArgs, values);
    const reader = new SamIdCardReader({
      transport: new SerialTransport({ path: opts.port, baudRate: opts.baud }),
      baudRate: opts.baud,
      polling: false,
    });
    try {
      await reader.start();
      if (reader.status.state !== 'online') throw new CliError(describeStatus(reader.status));
      const status = await reader.samStatus();
      if (!status.ok) throw new CliError(`SAM status failed: ${status.error.code}: ${status.error.message}`);
      const id = await reader.getSamId();
      if (!id.ok) throw new CliError(`SAM ID failed: ${id.error.code}: ${id.error.message}`);
      io.stdout(
        opts.json
          ? `${JSON.stringify({ samId: id.value.text, samIdParts: id.value.parts, status: status.value.name }, null, 2)}\n`
          : `SAM ID:     ${id.value.text}\nSAM status: ${status.value.name} (0x${status.value.sw3.toString(16).toUpperCase()})\n`,
      );
      return 0;
    } finally {
      await reader.stop();
    }
  },
};

const simulate: CliCommand = {
  path: ['simulate', 'idcard'],
  summary: `Run a simulated ID card reader on a serial port until Ctrl-C (cards: ${listIdCardFixtures()
    .map((f) => f.id)
    .join(', ')}).`,
  usage: 'booth simulate idcard --port PATH [--card FIXTURE] [--fingerprint] [--baud N] [--read-delay MS]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, {
      port: { type: 'string' },
      card: { type: 'string' },
      baud: { type: 'string' },
      'read-delay': { type: 'string' },
      fingerprint: { type: 'boolean' },
    });
    const opts = parse(SimulateArgs, values);
    // haltAfterRead off: the card stays readable, so one simulator serves repeated `booth idcard read` runs.
    const simulator = new IdCardSimulator(new SerialTransport({ path: opts.port, baudRate: opts.baud }), {
      baudRate: opts.baud,
      haltAfterRead: false,
      processingMs: { read: opts['read-delay'] },
    });
    try {
      await simulator.start();
    } catch (error) {
      throw new CliError(
        `cannot open ${opts.port}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const fixture = opts.card ? getIdCardFixture(opts.card) : null;
    if (fixture) {
      const identity = fixture.identity;
      simulator.placeCard(
        opts.fingerprint
          ? {
              text: encodeTextBlock(identity),
              photo: makeSimulatedWlt(`${identity.idNumber}:${identity.name}`),
              fingerprint: makeSimulatedFingerprint(opts.card ?? ''),
            }
          : (opts.card as AnyIdCardFixtureId),
      );
    }
    io.stdout(
      `simulating an ID card reader on ${opts.port} (card: ${opts.card ?? 'none'}); Ctrl-C to stop\n`,
    );
    if (!io.signal.aborted) {
      await new Promise<void>((resolve) =>
        io.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    await simulator.stop();
    io.stdout('simulator stopped\n');
    return 0;
  },
};

/** The `idcard` and `simulate idcard` commands. */
export const commands: CliCommand[] = [read, sam, simulate];
