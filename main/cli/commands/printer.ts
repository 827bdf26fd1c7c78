/**
 * `booth printer status|test|preview` and `booth simulate printer`: the technician's receipt-printer tools.
 * The printer is reached over a serial port (or PTY), raw TCP (port 9100) or the Linux USB printer node; its
 * profile (paper width, speed, confirmation) decides how long a job takes before it may be called printed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { PrinterCondition } from '../../../drivers/printer/status.js';
import { conditionToDeviceStatus } from '../../../drivers/printer/status.js';
import type { PrintJobReport, PrintUnknownReason } from '../../../drivers/printer/printer.js';
import { EscPosPrinter } from '../../../drivers/printer/printer.js';
import type { PrinterProfile } from '../../../drivers/printer/profile.js';
import {
  describePrinterProfile,
  profileForWidth,
  resolvePrinterProfile,
} from '../../../drivers/printer/profile.js';
import { renderPaper } from '../../../drivers/printer/render.js';
import { testPage } from '../../../drivers/printer/test-page.js';
import type { SimulatorEndpoint } from '../../../drivers/printer/serve.js';
import { serveSimulatorOn, serveSimulatorTcp } from '../../../drivers/printer/serve.js';
import type { PrintedJob, SimulatorScenario } from '../../../drivers/printer/simulator.js';
import { PrinterSimulator, SIMULATOR_SCENARIOS } from '../../../drivers/printer/simulator.js';
import { FileTransport } from '../../../drivers/transport/file.js';
import { SerialTransport } from '../../../drivers/transport/serial.js';
import { TcpTransport, parseHostPort } from '../../../drivers/transport/tcp.js';
import type { ByteTransport } from '../../../drivers/transport/types.js';
import { toTransportError } from '../../../drivers/transport/types.js';
import { encodeReceipt } from '../../services/documents/receipt-escpos.js';
import { receiptDataSchema } from '../../../domain/documents/receipt-data.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';

const intOption = (name: string, min: number, max: number): z.ZodType<number> =>
  z
    .string()
    .regex(/^\d+$/, `--${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `--${name} must be from ${min} to ${max}`);

const widthOption = z
  .enum(['58', '80'], { error: '--width must be 58 or 80' })
  .default('80')
  .transform((w) => (w === '58' ? 58 : 80) as 58 | 80);

const confirmOption = z.enum(['status', 'gs-r'], { error: '--confirm must be status or gs-r' }).optional();

const ConnectionArgs = z
  .object({
    port: z.string().min(1).optional(),
    baud: intOption('baud', 300, 4_000_000).default(19200),
    tcp: z.string().min(1).optional(),
    device: z.string().min(1).optional(),
    timeout: intOption('timeout', 50, 60_000).default(1500),
    json: z.boolean().default(false),
    width: widthOption,
    speed: intOption('speed', 10, 500).optional(),
    confirm: confirmOption,
  })
  .refine((v) => [v.port, v.tcp, v.device].filter((x) => x !== undefined).length === 1, {
    error: 'give exactly one of --port PATH, --tcp HOST:PORT or --device /dev/usb/lpN',
  });

const PreviewArgs = z.object({
  out: z.string({ error: '--out FILE.png is required' }).min(1, '--out FILE.png is required'),
  width: widthOption,
});

const SimulateArgs = z
  .object({
    port: z.string().min(1).optional(),
    'tcp-listen': intOption('tcp-listen', 0, 65535).optional(),
    baud: intOption('baud', 300, 4_000_000).default(19200),
    scenario: z
      .enum(SIMULATOR_SCENARIOS as [SimulatorScenario, ...SimulatorScenario[]], {
        error: `--scenario must be one of ${SIMULATOR_SCENARIOS.join(', ')}`,
      })
      .default('ok'),
    'out-dir': z.string().min(1).optional(),
    width: widthOption,
    speed: z
      .union([z.literal('instant'), z.string().regex(/^\d+$/)], {
        error: '--speed must be a whole number of mm/s or instant',
      })
      .transform((v) => (v === 'instant' ? v : Number(v)))
      .refine((v) => v === 'instant' || (v >= 10 && v <= 500), '--speed must be from 10 to 500 mm/s')
      .optional(),
  })
  .refine((v) => (v.port === undefined) !== (v['tcp-listen'] === undefined), {
    error: 'give exactly one of --port PATH or --tcp-listen PORT',
  });

/** Parses with zod and turns the first issue into a one-line CliError (exit 2). */
function parse<T extends z.ZodType>(schema: T, values: unknown): z.output<T> {
  const r = schema.safeParse(values);
  if (!r.success) throw new CliError(r.error.issues[0]?.message ?? 'bad arguments', 2);
  return r.data;
}

const connectionOptions = {
  port: { type: 'string' },
  baud: { type: 'string' },
  tcp: { type: 'string' },
  device: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  width: { type: 'string' },
  speed: { type: 'string' },
  confirm: { type: 'string' },
} as const;

/** The printer profile the options describe: the width's defaults, with --speed and --confirm. */
function profileOf(opts: z.output<typeof ConnectionArgs>): PrinterProfile {
  return resolvePrinterProfile({
    width: opts.width,
    ...(opts.speed !== undefined ? { speed: opts.speed } : {}),
    ...(opts.confirm !== undefined ? { confirm: opts.confirm } : {}),
  });
}

function transportFor(opts: z.output<typeof ConnectionArgs>): ByteTransport {
  if (opts.port) return new SerialTransport({ path: opts.port, baudRate: opts.baud });
  if (opts.device) return new FileTransport({ path: opts.device });
  const hp = parseHostPort(opts.tcp ?? '');
  if (!hp) throw new CliError(`--tcp must be HOST:PORT, got '${opts.tcp ?? ''}'`, 2);
  return new TcpTransport({ host: hp.host, port: hp.port, connectTimeoutMs: opts.timeout * 2 });
}

/** Opens the printer once (no background reconnect): a clear one-line error when it cannot. */
async function withPrinter<T>(
  opts: z.output<typeof ConnectionArgs>,
  fn: (printer: EscPosPrinter) => Promise<T>,
): Promise<T> {
  const transport = transportFor(opts);
  try {
    await transport.open();
  } catch (error) {
    const e = toTransportError(error);
    throw new CliError(`cannot open ${transport.description}: ${e.kind}: ${e.message}`);
  }
  const printer = new EscPosPrinter({
    transport,
    profile: profileOf(opts),
    replyTimeoutMs: opts.timeout,
    reconnectIntervalMs: 60_000,
  });
  try {
    await printer.start();
    return await fn(printer);
  } finally {
    await printer.stop();
  }
}

function conditionJson(c: PrinterCondition): Record<string, unknown> {
  return {
    online: c.online,
    coverOpen: c.coverOpen,
    paperEnd: c.paperEnd,
    paperNearEnd: c.paperNearEnd,
    error: c.error,
    status: conditionToDeviceStatus(c),
    nonStandardFixedBits: c.nonStandardFixedBits,
    details: c.details,
  };
}

function conditionText(c: PrinterCondition): string {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const s = conditionToDeviceStatus(c);
  const lines = [
    `online:      ${yes(c.online)}`,
    `cover open:  ${yes(c.coverOpen)}`,
    `paper:       ${c.paperEnd ? 'OUT' : c.paperNearEnd ? 'near end' : 'ok'}`,
    `error:       ${yes(c.error)}${c.details.autocutterError ? ' (autocutter)' : ''}${c.details.unrecoverableError ? ' (unrecoverable)' : ''}`,
    `status:      ${s.state === 'error' ? `${s.code} — ${s.recovery}` : s.state}`,
  ];
  if (c.nonStandardFixedBits)
    lines.push('warning:     status reply with non-standard fixed bits (read by its meaningful bits)');
  return lines.join('\n') + '\n';
}

const status: CliCommand = {
  path: ['printer', 'status'],
  summary: 'Ask a receipt printer for its status (DLE EOT 1–4): online, cover, paper, errors.',
  usage:
    'booth printer status (--port PATH [--baud N] | --tcp HOST:PORT | --device /dev/usb/lpN) [--timeout MS] [--json]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, connectionOptions);
    const opts = parse(ConnectionArgs, values);
    return withPrinter(opts, async (printer) => {
      const r = await printer.queryCondition();
      if (!r.ok) throw new CliError(`printer did not answer: ${r.error.message}`);
      io.stdout(opts.json ? JSON.stringify(conditionJson(r.value)) + '\n' : conditionText(r.value));
      return 0;
    });
  },
};

const UNKNOWN_TEXT: Readonly<Record<PrintUnknownReason, string>> = {
  timeout: 'the printer stopped answering',
  'connection-lost': 'the connection dropped during the job',
  'not-confirmed': 'the printer reported no problem but never reached the end of the job',
};

const test: CliCommand = {
  path: ['printer', 'test'],
  summary:
    'Print a test page (Simplified and Traditional Chinese, English, a QR code, a cut); printed only once the paper has come out.',
  usage:
    'booth printer test (--port PATH [--baud N] | --tcp HOST:PORT | --device /dev/usb/lpN) [--width 58|80] [--speed MM_PER_S] [--confirm status|gs-r] [--timeout MS]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, connectionOptions);
    const opts = parse(ConnectionArgs, values);
    const profile = profileOf(opts);
    const bytes = testPage(profile);
    return withPrinter(opts, async (printer) => {
      let report: PrintJobReport | null = null;
      printer.on('job', (j) => (report = j));
      const r = await printer.print(bytes);
      if (r.ok) {
        const j = report as PrintJobReport | null;
        const how = j
          ? `, ${j.estimate.paperMm.toFixed(1)} mm of paper, confirmed by ${j.confirmation} ${((j.sendMs + j.decisionMs) / 1000).toFixed(2)} s after sending`
          : '';
        io.stdout(`test page printed (${bytes.length} bytes, ${describePrinterProfile(profile)}${how})\n`);
        return 0;
      }
      const e = r.error;
      if (e.kind === 'failed')
        throw new CliError(`not printed: ${e.code}${e.message ? ` (${e.message})` : ''}`);
      throw new CliError(
        `outcome unknown (${e.code}): ${UNKNOWN_TEXT[e.code]}${e.message ? ` (${e.message})` : ''}; check the paper`,
      );
    });
  },
};

/** `services.0.name` style path of a zod issue. */
function issuePath(p: readonly PropertyKey[]): string {
  return p.length === 0
    ? '(root)'
    : p
        .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
        .join('')
        .replace(/^\./, '');
}

const preview: CliCommand = {
  path: ['printer', 'preview'],
  summary: 'Render a receipt (RECEIPT.json, validated) to a PNG as the printer would print it.',
  usage: 'booth printer preview RECEIPT.json --out FILE.png [--width 58|80]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseOptions(
      args,
      { out: { type: 'string' }, width: { type: 'string' } },
      true,
    );
    if (positionals.length !== 1 || !positionals[0])
      throw new CliError('expected exactly one RECEIPT.json', 2);
    const file = positionals[0];
    const opts = parse(PreviewArgs, values);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CliError(
        `${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const r = receiptDataSchema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new CliError(
        `${file}: ${issue ? `${issuePath(issue.path)}: ${issue.message}` : 'invalid receipt'}`,
      );
    }
    const encoded = encodeReceipt(r.data, profileForWidth(opts.width));
    const sim = new PrinterSimulator({ width: opts.width });
    sim.receive(encoded.bytes);
    let png: Uint8Array;
    try {
      png = renderPaper(sim.paper, { width: opts.width });
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
    try {
      await writeFile(opts.out, png);
    } catch (error) {
      throw new CliError(
        `cannot write ${opts.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    if (encoded.replacements.length > 0) {
      const chars = [
        ...new Set(
          encoded.replacements.map((x) => `U+${x.codePoint.toString(16).toUpperCase().padStart(4, '0')}`),
        ),
      ];
      io.stdout(
        `note: ${encoded.replacements.length} character(s) the printer cannot print were replaced by □ (${chars.join(', ')})\n`,
      );
    }
    io.stdout(`wrote ${opts.out} (${opts.width} mm, ${encoded.bytes.length} ESC/POS bytes)\n`);
    return 0;
  },
};

const simulate: CliCommand = {
  path: ['simulate', 'printer'],
  summary:
    'Run a simulated ESC/POS receipt printer on a serial port/PTY or a local TCP port until Ctrl-C; PNG per cut job.',
  usage: `booth simulate printer (--port PATH [--baud N] | --tcp-listen PORT) [--scenario ${SIMULATOR_SCENARIOS.join('|')}] [--width 58|80] [--speed MM_PER_S|instant] [--out-dir DIR]`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, {
      port: { type: 'string' },
      baud: { type: 'string' },
      'tcp-listen': { type: 'string' },
      scenario: { type: 'string' },
      'out-dir': { type: 'string' },
      width: { type: 'string' },
      speed: { type: 'string' },
    });
    const opts = parse(SimulateArgs, values);
    // The mechanism prints at the width's profile speed unless told otherwise, so jobs take physical time.
    const profile = profileForWidth(opts.width);
    const speed = opts.speed ?? profile.speedMmPerSec;
    const outDir = opts['out-dir'] ? path.resolve(opts['out-dir']) : null;
    if (outDir) await mkdir(outDir, { recursive: true });
    const simulator = new PrinterSimulator({
      scenario: opts.scenario,
      width: opts.width,
      speedMmPerSec: speed,
      cutMs: profile.cutMs,
    });
    let jobNo = 0;
    const pending: Array<{ n: number; items: PrintedJob['items'] }> = [];
    let writing = Promise.resolve();
    let idleTimer: NodeJS.Timeout | null = null;
    // Rendering is CPU-bound and blocks status replies, so it waits until the host has stopped talking
    // (a printer that answered late would make the host report the job as unknown).
    const renderPending = (): void => {
      if (!outDir) return;
      for (const { n, items } of pending.splice(0)) {
        const file = path.join(outDir, `job-${String(n).padStart(4, '0')}.png`);
        writing = writing
          .then(() => writeFile(file, renderPaper(items, { width: opts.width })))
          .then(() => io.stdout(`job ${n}: wrote ${file}\n`))
          .catch((error: unknown) =>
            io.stderr(
              `job ${n}: preview failed: ${error instanceof Error ? error.message : String(error)}\n`,
            ),
          );
      }
    };
    const flushWhenIdle = (): void => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      if (pending.length === 0 || !outDir) return;
      idleTimer = setTimeout(() => {
        idleTimer = null;
        renderPending();
      }, 500);
    };
    simulator.on('data', () => flushWhenIdle());
    simulator.on('cut', (job) => {
      jobNo += 1;
      io.stdout(`job ${jobNo}: ${job.items.filter((i) => i.kind === 'text').length} lines printed and cut\n`);
      pending.push({ n: jobNo, items: job.items });
      flushWhenIdle();
    });
    if (outDir) {
      // Parse the preview font now rather than in the middle of the first job.
      try {
        renderPaper([], { width: opts.width });
      } catch (error) {
        throw new CliError(error instanceof Error ? error.message : String(error));
      }
    }
    let endpoint: SimulatorEndpoint;
    let where: string;
    try {
      if (opts.port) {
        endpoint = await serveSimulatorOn(
          simulator,
          new SerialTransport({ path: opts.port, baudRate: opts.baud }),
        );
        where = opts.port;
      } else {
        endpoint = await serveSimulatorTcp(simulator, { port: opts['tcp-listen'] ?? 0 });
        where = `127.0.0.1:${endpoint.port ?? ''}`;
      }
    } catch (error) {
      throw new CliError(
        `cannot listen on ${opts.port ?? `port ${opts['tcp-listen'] ?? ''}`}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    io.stdout(
      `simulating a ${opts.width} mm receipt printer at ${speed === 'instant' ? 'instant speed' : `${speed} mm/s`} on ${where} (scenario: ${opts.scenario}); Ctrl-C to stop\n`,
    );
    if (!io.signal.aborted) {
      await new Promise<void>((resolve) =>
        io.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    await endpoint.close();
    simulator.dispose();
    if (idleTimer) clearTimeout(idleTimer);
    renderPending();
    await writing;
    io.stdout('simulator stopped\n');
    return 0;
  },
};

/** The `printer` and `simulate printer` commands. */
export const commands: CliCommand[] = [status, test, preview, simulate];
