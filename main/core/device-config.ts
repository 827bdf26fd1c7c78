/**
 * Which real peripheral sits where: the ID card reader, the receipt printer and the scanner, each on a
 * transport or not installed. Read from BOOTH_IDCARD / BOOTH_PRINTER / BOOTH_SCANNER first, then the store's
 * device_config table (set by `booth config set-device`), else not configured.
 */
import { z } from 'zod';
import {
  formatPrinterProfile,
  parsePrinterProfile,
  PrinterProfileError,
  printerProfileSettingSchema,
} from '../../drivers/printer/profile.js';
import { DEFAULT_PRINTER_PORT, parseHostPort } from '../../drivers/transport/tcp.js';
import { formatVidPid, parseVidPid } from '../../drivers/transport/hid.js';

const path = z.string().trim().min(1, 'the path is empty');
const baudRate = z
  .number()
  .int('the baud rate must be a whole number')
  .min(50, 'the baud rate must be 50 to 4000000')
  .max(4_000_000, 'the baud rate must be 50 to 4000000');

/** A serial or USB-serial port (`/dev/ttyUSB0`, `COM3`); the baud rate defaults to 115200. */
export const serialSpecSchema = z.strictObject({
  kind: z.literal('serial'),
  path,
  baudRate: baudRate.optional(),
});
/** A network printer's raw port. */
export const tcpSpecSchema = z.strictObject({
  kind: z.literal('tcp'),
  host: z.string().trim().min(1, 'the host is empty'),
  port: z.number().int().min(1).max(65535).default(DEFAULT_PRINTER_PORT),
});
/** A device node written as a file (the Linux USB printer class node `/dev/usb/lp0`). */
export const fileSpecSchema = z.strictObject({ kind: z.literal('file'), path });
/** A HID device by USB vendor and product id. */
export const hidSpecSchema = z.strictObject({
  kind: z.literal('hid'),
  vendorId: z.number().int().min(0).max(0xffff),
  productId: z.number().int().min(0).max(0xffff),
});
/** A HID device by its OS path (`/dev/hidraw3`), for two identical scanners. */
export const hidPathSpecSchema = z.strictObject({ kind: z.literal('hid-path'), path });

/** Where the ID card reader is; null = not installed. */
export const idCardSpecSchema = serialSpecSchema.nullable();
/** A printer's profile (paper width, speed, code page, confirmation); absent = the 80 mm default. */
const printerProfile = { profile: printerProfileSettingSchema.optional() };
/** Where the receipt printer is, and which printer profile it has; null = not installed. */
export const printerSpecSchema = z
  .discriminatedUnion('kind', [
    serialSpecSchema.extend(printerProfile),
    tcpSpecSchema.extend(printerProfile),
    fileSpecSchema.extend(printerProfile),
  ])
  .nullable();
/** Where the scanner is; null = not installed. */
export const scannerSpecSchema = z
  .discriminatedUnion('kind', [serialSpecSchema, hidSpecSchema, hidPathSpecSchema])
  .nullable();

/** The peripherals of one kiosk. */
export const deviceConfigSchema = z.strictObject({
  idCard: idCardSpecSchema,
  printer: printerSpecSchema,
  scanner: scannerSpecSchema,
});

/** The peripherals of one kiosk (null = not installed). */
export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
/** One role's setting. */
export type DeviceSpec = NonNullable<DeviceConfig[DeviceRole]>;

/** The configurable roles, as keys of {@link DeviceConfig}. */
export const DEVICE_ROLES = ['idCard', 'printer', 'scanner'] as const;
/** A configurable role. */
export type DeviceRole = (typeof DEVICE_ROLES)[number];

/** The environment variable of each role. */
export const DEVICE_ENV: Readonly<Record<DeviceRole, string>> = {
  idCard: 'BOOTH_IDCARD',
  printer: 'BOOTH_PRINTER',
  scanner: 'BOOTH_SCANNER',
};

/** The device_config row of each role (the DeviceKind names used everywhere else). */
export const DEVICE_STORE_ROLE: Readonly<Record<DeviceRole, 'id-card' | 'printer' | 'scanner'>> = {
  idCard: 'id-card',
  printer: 'printer',
  scanner: 'scanner',
};

const FORMS: Readonly<Record<DeviceRole, string>> = {
  idCard: 'serial:PATH[@BAUD] or none',
  printer:
    'tcp:HOST[:PORT], serial:PATH[@BAUD] or file:PATH, each with an optional ;58mm|80mm[,speed=MM_PER_S][,codepage=gb18030|ascii][,confirm=status|gs-r], or none',
  scanner: 'serial:PATH[@BAUD], hid:VID:PID, hid-path:PATH or none',
};

const ROLE_LABEL: Readonly<Record<DeviceRole, string>> = {
  idCard: 'ID card reader',
  printer: 'printer',
  scanner: 'scanner',
};

const ROLE_SCHEMA = {
  idCard: idCardSpecSchema,
  printer: printerSpecSchema,
  scanner: scannerSpecSchema,
} as const;

/** A configuration that cannot be used; the message is one line naming where it came from. */
export class DeviceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceConfigError';
  }
}

/** Parses a role name as typed by a technician: `id-card`, `idcard`, `idCard`, `printer`, `scanner`. */
export function parseDeviceRole(text: string): DeviceRole | null {
  const t = text.trim().toLowerCase().replace(/[-_]/g, '');
  if (t === 'idcard') return 'idCard';
  if (t === 'printer' || t === 'scanner') return t;
  return null;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

function parseSerial(rest: string): unknown {
  // A path may itself contain '@' in principle, so only a trailing @digits is a baud rate.
  const at = rest.lastIndexOf('@');
  if (at < 0) return { kind: 'serial', path: rest };
  const baud = rest.slice(at + 1);
  if (!/^\d+$/.test(baud)) throw new DeviceConfigError(`baud rate '${baud}' is not a number`);
  return { kind: 'serial', path: rest.slice(0, at), baudRate: Number(baud) };
}

function parseForm(text: string): unknown {
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  switch (scheme.toLowerCase()) {
    case 'serial':
      return parseSerial(rest);
    case 'tcp': {
      const hp = parseHostPort(rest, DEFAULT_PRINTER_PORT);
      if (!hp) throw new DeviceConfigError(`'${rest}' is not HOST or HOST:PORT (port 1-65535)`);
      return { kind: 'tcp', host: hp.host, port: hp.port };
    }
    case 'file':
      return { kind: 'file', path: rest };
    case 'hid': {
      if (rest.startsWith('/')) return { kind: 'hid-path', path: rest };
      const ids = parseVidPid(rest);
      if (!ids) throw new DeviceConfigError(`'${rest}' is not VID:PID in hex (e.g. 0c2e:0b61)`);
      return { kind: 'hid', ...ids };
    }
    case 'hid-path':
      return { kind: 'hid-path', path: rest };
    default:
      throw new DeviceConfigError(`unknown device kind '${scheme}'`);
  }
}

/**
 * Parses a spec string (`serial:/dev/ttyUSB0@115200`, `tcp:192.0.2.10:9100`, `file:/dev/usb/lp0`,
 * `hid:0c2e:0b61`, `hid-path:/dev/hidraw3`, `none`) for a role. `source` names where it came from (e.g. the
 * variable) and starts the one-line error message.
 */
export function parseDeviceSpec(role: DeviceRole, text: string, source: string): DeviceSpec | null {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return null;
  const expected = `expected ${FORMS[role]}`;
  let raw: unknown;
  try {
    // A printer's profile follows its device after the last ';' (`tcp:192.0.2.10:9100;58mm,speed=90`).
    const cut = role === 'printer' ? trimmed.lastIndexOf(';') : -1;
    raw = parseForm(cut < 0 ? trimmed : trimmed.slice(0, cut).trim());
    if (cut >= 0) raw = { ...(raw as object), profile: parsePrinterProfile(trimmed.slice(cut + 1)) };
  } catch (error) {
    if (error instanceof PrinterProfileError)
      throw new DeviceConfigError(
        `${source}: printer profile: ${error.message} in '${trimmed}' (${expected})`,
      );
    if (error instanceof DeviceConfigError)
      throw new DeviceConfigError(`${source}: ${error.message} in '${trimmed}' (${expected})`);
    throw error;
  }
  const kind = (raw as { kind: string }).kind;
  const parsed = ROLE_SCHEMA[role].safeParse(raw);
  if (!parsed.success) {
    const wrongKind = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === 'kind');
    const reason = wrongKind
      ? `a ${kind} device cannot be the ${ROLE_LABEL[role]}`
      : firstIssue(parsed.error);
    throw new DeviceConfigError(`${source}: ${reason} in '${trimmed}' (${expected})`);
  }
  return parsed.data;
}

/** The spec string of a setting (the inverse of {@link parseDeviceSpec}). */
export function formatDeviceSpec(spec: DeviceSpec | null): string {
  if (spec === null) return 'none';
  const device = formatDevice(spec);
  return 'profile' in spec && spec.profile ? `${device};${formatPrinterProfile(spec.profile)}` : device;
}

function formatDevice(spec: DeviceSpec): string {
  switch (spec.kind) {
    case 'serial':
      return `serial:${spec.path}${spec.baudRate === undefined ? '' : `@${spec.baudRate}`}`;
    case 'tcp':
      return `tcp:${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
    case 'file':
      return `file:${spec.path}`;
    case 'hid':
      return `hid:${formatVidPid(spec.vendorId, spec.productId)}`;
    case 'hid-path':
      return `hid-path:${spec.path}`;
  }
}

/** Validates a stored role value (JSON from device_config); throws a one-line {@link DeviceConfigError}. */
export function parseStoredSpec(role: DeviceRole, value: unknown): DeviceSpec | null {
  const parsed = ROLE_SCHEMA[role].safeParse(value);
  if (!parsed.success)
    throw new DeviceConfigError(
      `stored ${DEVICE_STORE_ROLE[role]} configuration: ${firstIssue(parsed.error)} (set it again with booth config set-device)`,
    );
  return parsed.data;
}

/** Where a role's setting came from. */
export type DeviceConfigSource = 'env' | 'stored' | 'none';

/** One role's effective setting. */
export interface ResolvedRole {
  readonly spec: DeviceSpec | null;
  readonly source: DeviceConfigSource;
  /** Set when the setting at `source` is unusable; `spec` is then null. */
  readonly error?: string;
}

/** The effective configuration of every role. */
export type ResolvedDeviceConfig = Readonly<Record<DeviceRole, ResolvedRole>>;

/** What {@link resolveDeviceConfig} reads stored settings from (`store.deviceConfig`). */
export interface DeviceConfigReader {
  all(): Promise<Record<string, unknown>>;
}

/**
 * The effective configuration: per role, the environment variable if set and non-empty, else the stored row,
 * else not configured. A stored null (`booth config set-device ROLE none`) counts as not configured. Bad
 * settings do not throw: the role carries the one-line error, so the kiosk still starts and says why.
 */
export async function resolveDeviceConfig(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stored?: DeviceConfigReader | null;
}): Promise<ResolvedDeviceConfig> {
  let stored: Record<string, unknown> = {};
  let storeProblem: string | null = null;
  try {
    stored = options.stored ? await options.stored.all() : {};
  } catch (error) {
    // An unreadable table must not keep the kiosk from starting; the roles it would have set say why.
    storeProblem = `stored device configuration unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
  const resolve = (role: DeviceRole): ResolvedRole => {
    const variable = DEVICE_ENV[role];
    const fromEnv = options.env[variable];
    try {
      if (fromEnv !== undefined && fromEnv.trim() !== '')
        return { spec: parseDeviceSpec(role, fromEnv, variable), source: 'env' };
      if (storeProblem) throw new DeviceConfigError(storeProblem);
      const row = stored[DEVICE_STORE_ROLE[role]];
      if (row === undefined || row === null) return { spec: null, source: 'none' };
      return { spec: parseStoredSpec(role, row), source: 'stored' };
    } catch (error) {
      if (!(error instanceof DeviceConfigError)) throw error;
      return {
        spec: null,
        source: fromEnv !== undefined && fromEnv.trim() !== '' ? 'env' : 'stored',
        error: error.message,
      };
    }
  };
  return { idCard: resolve('idCard'), printer: resolve('printer'), scanner: resolve('scanner') };
}

/** The usable part of a resolved configuration (roles with errors count as not installed). */
export function effectiveConfig(resolved: ResolvedDeviceConfig): DeviceConfig {
  return deviceConfigSchema.parse({
    idCard: resolved.idCard.spec,
    printer: resolved.printer.spec,
    scanner: resolved.scanner.spec,
  });
}
