import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { DeviceError } from '../../../drivers/common/result.js';
import type { DeviceStatus } from '../../../drivers/common/status.js';
import { SCANNER_ENCODINGS } from '../../../drivers/scanner/encoding.js';
import { GS, formatGs1, parseGs1ElementString, toGs1ElementString } from '../../../drivers/scanner/gs1.js';
import { HidPosScanner, HID_POS_LAYOUTS } from '../../../drivers/scanner/hid-pos.js';
import { SerialScanner } from '../../../drivers/scanner/serial-scanner.js';
import { SerialScannerSimulator, type LineTerminator } from '../../../drivers/scanner/simulator.js';
import { aimIdentifierFor } from '../../../drivers/scanner/symbology.js';
import type { ScannedCode, Scanner } from '../../../drivers/scanner/types.js';
import { HidTransport, parseVidPid, type HidTarget } from '../../../drivers/transport/hid.js';
import { SerialTransport } from '../../../drivers/transport/serial.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';

const baudSchema = z.coerce.number().int().min(300).max(4_000_000);

const listenSchema = z
  .object({
    port: z.string().min(1).optional(),
    baud: baudSchema.default(9600),
    hid: z.string().min(1).optional(),
    layout: z.enum(Object.keys(HID_POS_LAYOUTS) as [string, ...string[]]).default('common'),
    encoding: z.enum(SCANNER_ENCODINGS).default('auto'),
    gap: z.coerce.number().int().min(5).max(5000).optional(),
    'progress-host': z.array(z.string().min(1)).default([]),
    json: z.boolean().default(false),
  })
  .refine((o) => (o.port === undefined) !== (o.hid === undefined), {
    message: 'give exactly one of --port PATH or --hid VID:PID',
  })
  .refine((o) => o.gap === undefined || o.port !== undefined, {
    message: '--gap applies to serial scanners (--port) only',
  });

const simulateSchema = z.object({
  port: z.string().min(1, 'give --port PATH'),
  baud: baudSchema.default(9600),
  code: z.array(z.string()).default([]),
  interval: z.coerce.number().int().min(0).max(600_000).default(200),
  terminator: z.enum(['cr', 'crlf', 'lf', 'none']).default('cr'),
  encoding: z.enum(['utf-8', 'gb18030']).default('utf-8'),
  gs1: z.boolean().default(false),
  symbology: z
    .string()
    .refine((s) => aimIdentifierFor(s) !== null, { message: 'unknown symbology (try QR, Code128, EAN-13)' })
    .optional(),
});

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'bad arguments';
  const where = issue.path.length > 0 ? `--${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

function hidTarget(text: string): HidTarget {
  if (text.includes('/')) return { path: text };
  const ids = parseVidPid(text);
  if (!ids)
    throw new CliError(`--hid wants VID:PID in hex (e.g. 0c2e:0b61) or a hidraw path, not '${text}'`, 2);
  return ids;
}

function describeStatus(s: DeviceStatus): string {
  switch (s.state) {
    case 'error':
      return `error ${s.code} (${s.recovery})${s.message ? `: ${s.message}` : ''}`;
    case 'offline':
    case 'no-device':
      return s.reason ? `${s.state}: ${s.reason}` : s.state;
    default:
      return s.state;
  }
}

/** Resolves when the signal aborts (at once if it already has). */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Waits ms, or less if the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One scanned code as a line: JSON, or time, kind, symbology, text (GS shown as ␝) and any GS1 fields. */
export function formatCode(code: ScannedCode, json: boolean): string {
  if (json) return JSON.stringify(code);
  // GS is data but invisible (and a control character on a terminal): show it as its picture.
  const text = code.text.replaceAll(GS, '\u241d');
  const encoding = code.encoding === 'utf-8' ? '' : `  [${code.encoding}]`;
  const gs1 = code.gs1 ? `  GS1 ${formatGs1(code.gs1)}` : '';
  return `${new Date(code.at).toISOString()}  ${code.kind.padEnd(11)}  ${(code.symbology ?? '-').padEnd(8)}  ${text}${encoding}${gs1}`;
}

async function listen(args: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(args, {
    port: { type: 'string' },
    baud: { type: 'string' },
    hid: { type: 'string' },
    layout: { type: 'string' },
    encoding: { type: 'string' },
    gap: { type: 'string' },
    'progress-host': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  const parsed = listenSchema.safeParse(values);
  if (!parsed.success) throw new CliError(zodMessage(parsed.error), 2);
  const o = parsed.data;
  const classify = { progressHosts: o['progress-host'] };
  let scanner: Scanner;
  let description: string;
  if (o.port !== undefined) {
    const transport = new SerialTransport({ path: o.port, baudRate: o.baud });
    description = transport.description;
    scanner = new SerialScanner(transport, {
      classify,
      encoding: o.encoding,
      ...(o.gap !== undefined ? { codeGapMs: o.gap } : {}),
    });
  } else {
    const transport = new HidTransport(hidTarget(o.hid ?? ''));
    description = transport.description;
    scanner = new HidPosScanner(transport, {
      classify,
      encoding: o.encoding,
      layout: HID_POS_LAYOUTS[o.layout],
    });
  }
  scanner.on('scanned', (code) => io.stdout(formatCode(code, o.json) + '\n'));
  scanner.on('scan-error', (e: DeviceError) => io.stderr(`scan error: ${e.code}: ${e.message}\n`));
  await scanner.start();
  if (scanner.status.state !== 'online') {
    // A typo in --port should fail now, not wait forever; after going online, unplugs are waited out.
    const status = describeStatus(scanner.status);
    await scanner.stop();
    throw new CliError(`cannot open ${description}: ${status}`);
  }
  scanner.on('status', (s) => io.stderr(`status: ${describeStatus(s)}\n`));
  io.stderr(`listening on ${description} (Ctrl-C to stop)\n`);
  await aborted(io.signal);
  await scanner.stop();
  return 0;
}

/** Lines typed on standard input, for `simulate scanner` without --code. */
async function* stdinLines(signal: AbortSignal): AsyncIterable<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  // Closing readline on Ctrl-C ends the iteration below, and releases stdin so the process can exit.
  const close = (): void => rl.close();
  signal.addEventListener('abort', close, { once: true });
  try {
    for await (const line of rl) yield line;
  } finally {
    signal.removeEventListener('abort', close);
    rl.close();
    process.stdin.pause();
  }
}

async function simulate(
  args: readonly string[],
  io: CliIO,
  input: (signal: AbortSignal) => AsyncIterable<string>,
): Promise<number> {
  const { values } = parseOptions(args, {
    port: { type: 'string' },
    baud: { type: 'string' },
    code: { type: 'string', multiple: true },
    interval: { type: 'string' },
    terminator: { type: 'string' },
    symbology: { type: 'string' },
    encoding: { type: 'string' },
    gs1: { type: 'boolean' },
  });
  const parsed = simulateSchema.safeParse(values);
  if (!parsed.success) throw new CliError(zodMessage(parsed.error), 2);
  const o = parsed.data;
  const transport = new SerialTransport({ path: o.port, baudRate: o.baud });
  const sim = new SerialScannerSimulator(transport);
  try {
    await sim.open();
  } catch (error) {
    throw new CliError(
      `cannot open ${transport.description}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const options = {
    terminator: o.terminator as LineTerminator,
    encoding: o.encoding,
    ...(o.symbology ? { symbology: o.symbology } : {}),
  };
  let sent = 0;
  const send = async (typed: string): Promise<void> => {
    let text = typed;
    if (o.gs1) {
      // Typed in the human-readable form; sent as the scanner would, with GS after variable-length fields.
      const parsed = parseGs1ElementString(typed);
      if (!parsed.ok)
        throw new CliError(`--gs1: '${typed}' is not a GS1 element string: ${parsed.reason}`, 2);
      text = toGs1ElementString(parsed.elements);
    }
    try {
      await sim.scan(text, options);
    } catch (error) {
      throw new CliError(
        `write failed on ${transport.description}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    sent++;
  };
  try {
    if (o.code.length > 0) {
      for (const [i, text] of o.code.entries()) {
        if (io.signal.aborted) break;
        if (i > 0) await pause(o.interval, io.signal);
        if (io.signal.aborted) break;
        await send(text);
      }
    } else {
      io.stderr(`type codes, one per line; Ctrl-D or Ctrl-C to stop\n`);
      for await (const line of input(io.signal)) {
        if (io.signal.aborted) break;
        if (line.length > 0) await send(line);
      }
    }
  } finally {
    await sim.close();
  }
  io.stderr(`sent ${sent} code${sent === 1 ? '' : 's'} on ${transport.description}\n`);
  return 0;
}

/** Builds the scanner commands; `input` supplies stdin lines (tests inject their own). */
export function createScannerCommands(
  input: (signal: AbortSignal) => AsyncIterable<string> = stdinLines,
): CliCommand[] {
  return [
    {
      path: ['scanner', 'listen'],
      summary: 'Print each code a serial or HID POS scanner reads, one line per code, until Ctrl-C',
      usage:
        'booth scanner listen (--port PATH [--baud N] [--gap MS] | --hid VID:PID|PATH [--layout common]) [--encoding auto|utf-8|gb18030] [--progress-host HOST ...] [--json]',
      run: listen,
    },
    {
      path: ['simulate', 'scanner'],
      summary: 'Act as a serial scanner on a port: send the given codes, or lines read from stdin',
      usage:
        'booth simulate scanner --port PATH [--baud N] [--code TEXT ...] [--interval MS] [--terminator cr|crlf|lf|none] [--symbology NAME] [--encoding utf-8|gb18030] [--gs1]',
      run: (args, io) => simulate(args, io, input),
    },
  ];
}

/** `booth scanner …` and `booth simulate scanner`. */
export const commands: CliCommand[] = createScannerCommands();
