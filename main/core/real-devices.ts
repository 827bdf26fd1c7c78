/**
 * The kiosk's real peripherals (`BOOTH_SIMULATE=0`): the same production facades the simulated set uses, over
 * the transports named by the device configuration. A role that is not configured gets an absent device that
 * says so and never pretends to work.
 */
import type { DeviceStatus } from '../../drivers/common/status.js';
import { SamIdCardReader } from '../../drivers/id-card/reader.js';
import { DEFAULT_SAM_BAUD_RATE } from '../../drivers/id-card/timing.js';
import type { IdCardReader } from '../../drivers/id-card/types.js';
import { EscPosPrinter, printFailed, type PrintJobResult } from '../../drivers/printer/printer.js';
import { PROFILE_80MM, resolvePrinterProfile, type PrinterProfile } from '../../drivers/printer/profile.js';
import { HidPosScanner } from '../../drivers/scanner/hid-pos.js';
import { SerialScanner } from '../../drivers/scanner/serial-scanner.js';
import type { Scanner } from '../../drivers/scanner/types.js';
import { FileTransport } from '../../drivers/transport/file.js';
import { HidTransport, nodeHidBackend, type HidBackend } from '../../drivers/transport/hid.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { TcpTransport } from '../../drivers/transport/tcp.js';
import type { ByteTransport } from '../../drivers/transport/types.js';
import type { DeviceConfig, DeviceConfigReader, DeviceRole, ResolvedDeviceConfig } from './device-config.js';
import { DEVICE_ROLES, effectiveConfig, resolveDeviceConfig } from './device-config.js';
import type { DeviceSet, PrinterStatusSource } from './devices.js';
import type { Logger } from './log.js';

/** Tuning and injection points for {@link createRealDevices}; the defaults are the production values. */
export interface RealDevicesOptions {
  /** Printer status poll while idle, so paper-out shows before a citizen needs a receipt (default 2000 ms). */
  readonly monitorIntervalMs?: number;
  /** Pause between reopen attempts of a vanished port, for every device (facade defaults when unset). */
  readonly reconnectIntervalMs?: number;
  /** ID card poll period (default 300 ms). */
  readonly idCardPollIntervalMs?: number;
  /** Where HID devices are opened (node-hid by default; tests inject one). */
  readonly hidBackend?: HidBackend;
  /** Per role, why its configuration is unusable: the role reports `error{device-misconfigured}`. */
  readonly problems?: Partial<Record<DeviceRole, string>>;
}

/** The connection text of a role nobody configured. */
export const NOT_CONFIGURED = 'not configured';
/** The connection text of a role whose configuration is unusable. */
export const MISCONFIGURED = 'invalid configuration';

/**
 * A peripheral that is not there: a constant status (`no-device`, or `error` when its configuration is bad),
 * no events, and printing that fails with `no-device` — honest, never a pretend success.
 */
export class AbsentDevice implements IdCardReader, Scanner, PrinterStatusSource {
  readonly status: DeviceStatus;
  readonly profile: PrinterProfile = PROFILE_80MM;

  constructor(problem?: string) {
    this.status = problem
      ? { state: 'error', code: 'device-misconfigured', recovery: 'check-configuration', message: problem }
      : { state: 'no-device', reason: NOT_CONFIGURED };
  }

  async start(): Promise<void> {
    // Nothing to open.
  }

  async stop(): Promise<void> {
    // Nothing to close.
  }

  /** The status never changes and nothing is ever read, so there is nothing to listen to. */
  on(): () => void {
    return () => undefined;
  }

  async print(): Promise<PrintJobResult> {
    return printFailed(
      'no-device',
      this.status.state === 'error' ? 'printer misconfigured' : 'no printer configured',
    );
  }
}

function serial(spec: { path: string; baudRate?: number | undefined }): SerialTransport {
  return new SerialTransport(
    spec.baudRate === undefined ? { path: spec.path } : { path: spec.path, baudRate: spec.baudRate },
  );
}

function printerTransport(spec: NonNullable<DeviceConfig['printer']>): ByteTransport {
  switch (spec.kind) {
    case 'serial':
      return serial(spec);
    case 'tcp':
      return new TcpTransport({ host: spec.host, port: spec.port });
    case 'file':
      return new FileTransport({ path: spec.path });
  }
}

function scannerTransport(spec: NonNullable<DeviceConfig['scanner']>, backend: HidBackend): ByteTransport {
  switch (spec.kind) {
    case 'serial':
      return serial(spec);
    case 'hid':
      return new HidTransport({ vendorId: spec.vendorId, productId: spec.productId }, backend);
    case 'hid-path':
      return new HidTransport({ path: spec.path }, backend);
  }
}

function printerSource(printer: EscPosPrinter): PrinterStatusSource {
  return {
    get status(): DeviceStatus {
      return printer.status;
    },
    profile: printer.profile,
    start: () => printer.start(),
    stop: () => printer.stop(),
    on: (event, listener) => printer.on(event, listener),
    print: (job) => printer.print(job),
    get paperLow(): boolean {
      return printer.condition?.paperNearEnd ?? false;
    },
    get condition() {
      return printer.condition;
    },
    onCondition: (listener) => printer.on('condition', () => listener()),
  };
}

/**
 * Builds the real device set from a configuration. Nothing is opened until `start()`, which never rejects:
 * a missing port makes that device `no-device` and its facade keeps reconnecting on its own.
 */
export function createRealDevices(config: DeviceConfig, options: RealDevicesOptions = {}): DeviceSet {
  const reconnect = options.reconnectIntervalMs;
  const absent = (role: DeviceRole): AbsentDevice => new AbsentDevice(options.problems?.[role]);
  const connectionOf = (role: DeviceRole, transport: ByteTransport | null): string =>
    transport ? transport.description : options.problems?.[role] ? MISCONFIGURED : NOT_CONFIGURED;

  let idCard: IdCardReader = absent('idCard');
  let idCardTransport: ByteTransport | null = null;
  if (config.idCard) {
    idCardTransport = serial(config.idCard);
    idCard = new SamIdCardReader({
      transport: idCardTransport,
      // The timing model needs the line speed; the reader's settings may ask for 30 10 and wider timeouts.
      baudRate: config.idCard.baudRate ?? DEFAULT_SAM_BAUD_RATE,
      readFingerprint: config.idCard.readFingerprint ?? false,
      extraTimeoutMs: config.idCard.extraTimeoutMs ?? 0,
      ...(options.idCardPollIntervalMs !== undefined ? { pollIntervalMs: options.idCardPollIntervalMs } : {}),
      ...(reconnect !== undefined ? { reconnectIntervalMs: reconnect } : {}),
    });
  }

  let printer: PrinterStatusSource = absent('printer');
  let printerTransport_: ByteTransport | null = null;
  if (config.printer) {
    printerTransport_ = printerTransport(config.printer);
    printer = printerSource(
      new EscPosPrinter({
        transport: printerTransport_,
        profile: resolvePrinterProfile(config.printer.profile),
        monitorIntervalMs: options.monitorIntervalMs ?? 2000,
        ...(reconnect !== undefined ? { reconnectIntervalMs: reconnect } : {}),
      }),
    );
  }

  let scanner: Scanner = absent('scanner');
  let scannerTransport_: ByteTransport | null = null;
  if (config.scanner) {
    scannerTransport_ = scannerTransport(config.scanner, options.hidBackend ?? nodeHidBackend);
    const facade = {
      ...(reconnect !== undefined ? { reconnectIntervalMs: reconnect } : {}),
      ...(config.scanner.encoding !== undefined ? { encoding: config.scanner.encoding } : {}),
    };
    scanner =
      config.scanner.kind === 'serial'
        ? new SerialScanner(scannerTransport_, {
            ...facade,
            ...(config.scanner.codeGapMs !== undefined ? { codeGapMs: config.scanner.codeGapMs } : {}),
          })
        : new HidPosScanner(scannerTransport_, facade);
  }

  return {
    idCard,
    printer,
    scanner,
    simulation: null,
    connections: {
      'id-card': connectionOf('idCard', idCardTransport),
      printer: connectionOf('printer', printerTransport_),
      scanner: connectionOf('scanner', scannerTransport_),
    },
    async start() {
      await Promise.all([idCard.start(), printer.start(), scanner.start()]);
    },
    async stop() {
      await Promise.all([idCard.stop(), printer.stop(), scanner.stop()]);
    },
  };
}

/** Options for {@link openConfiguredDevices}. */
export interface ConfiguredDevicesOptions extends Omit<RealDevicesOptions, 'problems'> {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The store's device_config (`store.deviceConfig`). */
  readonly stored: DeviceConfigReader | null;
  readonly log?: Logger;
}

/** Logs where each role's setting came from (no personal data: paths and addresses only). */
function logResolved(log: Logger, resolved: ResolvedDeviceConfig, devices: DeviceSet): void {
  const kind = { idCard: 'id-card', printer: 'printer', scanner: 'scanner' } as const;
  for (const role of DEVICE_ROLES) {
    const r = resolved[role];
    if (r.error) log.warn('devices.misconfigured', { role: kind[role], source: r.source, problem: r.error });
    else
      log.info('devices.configured', {
        role: kind[role],
        source: r.source,
        connection: devices.connections[kind[role]],
      });
  }
}

/** Resolves the configuration (environment, then the store) and builds the real device set from it. */
export async function openConfiguredDevices(options: ConfiguredDevicesOptions): Promise<DeviceSet> {
  const { env, stored, log, ...rest } = options;
  const resolved = await resolveDeviceConfig({ env, stored });
  const problems: Partial<Record<DeviceRole, string>> = {};
  for (const role of DEVICE_ROLES) {
    const error = resolved[role].error;
    if (error) problems[role] = error;
  }
  const devices = createRealDevices(effectiveConfig(resolved), { ...rest, problems });
  if (log) logResolved(log, resolved, devices);
  return devices;
}
