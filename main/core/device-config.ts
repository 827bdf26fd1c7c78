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
import { SCANNER_ENCODINGS } from '../../drivers/scanner/encoding.js';

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

/** Per-reader settings of an ID card reader (`?fingerprint=on&timeout-extra=500` in the spec string). */
const idCardSettings = {
  /** Read with 30 10 (text, photo and fingerprint data; the kiosk drops the fingerprint bytes at once). */
  readFingerprint: z.boolean().optional(),
  /** Added to every timeout the timing model derives from the baud rate, ms. */
  extraTimeoutMs: z.number().int().min(0).max(60_000).optional(),
};
/** How a scanner's payload bytes are decoded (`?encoding=gb18030`). */
const scannerEncoding = { encoding: z.enum(SCANNER_ENCODINGS).optional() };

/** Where the ID card reader is (with its settings); null = not installed. */
export const idCardSpecSchema = serialSpecSchema.extend(idCardSettings).nullable();
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
/** Where the scanner is (with its settings); null = not installed. */
export const scannerSpecSchema = z
  .discriminatedUnion('kind', [
    // `gap`: a serial scanner that sends no suffix; its code ends after this many ms of silence.
    serialSpecSchema.extend({ ...scannerEncoding, codeGapMs: z.number().int().min(5).max(5000).optional() }),
    hidSpecSchema.extend(scannerEncoding),
    hidPathSpecSchema.extend(scannerEncoding),
  ])
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

// The connection forms; settings after `?` are named by their own messages (ROLE_SETTINGS lists them).
const FORMS: Readonly<Record<DeviceRole, string>> = {
  idCard: 'serial:PATH[@BAUD] or none',
  printer:
    'tcp:HOST[:PORT], serial:PATH[@BAUD] or file:PATH, each with an optional ;58mm|80mm[,speed=MM_PER_S][,codepage=gb18030|ascii][,confirm=status|gs-r], or none',
  scanner: 'serial:PATH[@BAUD], hid:VID:PID, hid-path:PATH or none',
};

/** A setting written after the connection, `?name=value&…`: which field it fills and how. */
interface SpecSetting {
  readonly field: string;
  /** Device kinds it applies to; absent: every kind of the role. */
  readonly kinds?: readonly string[];
  parse(value: string): unknown;
  format(value: unknown): string;
}

const onOff: Pick<SpecSetting, 'parse' | 'format'> = {
  parse: (v) => {
    const t = v.toLowerCase();
    if (['on', 'true', 'yes', '1'].includes(t)) return true;
    if (['off', 'false', 'no', '0'].includes(t)) return false;
    throw new DeviceConfigError(`'${v}' is not on or off`);
  },
  format: (v) => (v ? 'on' : 'off'),
};
const millis: Pick<SpecSetting, 'parse' | 'format'> = {
  parse: (v) => {
    if (!/^\d+$/.test(v)) throw new DeviceConfigError(`'${v}' is not a whole number of milliseconds`);
    return Number(v);
  },
  format: (v) => String(v),
};
const word: Pick<SpecSetting, 'parse' | 'format'> = {
  parse: (v) => v.toLowerCase(),
  format: (v) => String(v),
};

/** The settings each role accepts after its connection (the printer has none yet). */
const ROLE_SETTINGS: Readonly<Record<DeviceRole, Readonly<Record<string, SpecSetting>>>> = {
  idCard: {
    fingerprint: { field: 'readFingerprint', ...onOff },
    'timeout-extra': { field: 'extraTimeoutMs', ...millis },
  },
  printer: {},
  scanner: {
    encoding: { field: 'encoding', ...word },
    gap: { field: 'codeGapMs', kinds: ['serial'], ...millis },
  },
};

/** Stored field → the name it has in a spec string. */
const SETTING_NAMES: ReadonlyMap<string, string> = new Map(
  Object.values(ROLE_SETTINGS).flatMap((settings) =>
    Object.entries(settings).map(([name, setting]) => [setting.field, name] as const),
  ),
);

/** Applies `name=value&…` to a parsed connection for a role. */
function applySettings(role: DeviceRole, raw: Record<string, unknown>, query: string): void {
  const known = ROLE_SETTINGS[role];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    const setting = Object.hasOwn(known, name) ? known[name] : undefined;
    if (!setting) {
      const names = Object.keys(known);
      throw new DeviceConfigError(
        `unknown setting '${name}' for the ${ROLE_LABEL[role]}${names.length > 0 ? ` (known: ${names.join(', ')})` : ''}`,
      );
    }
    if (setting.kinds && !setting.kinds.includes(String(raw.kind)))
      throw new DeviceConfigError(
        `'${name}' applies to ${setting.kinds.join(', ')} ${ROLE_LABEL[role]}s only`,
      );
    raw[setting.field] = setting.parse(eq < 0 ? 'on' : pair.slice(eq + 1));
  }
}

/** The `?name=value&…` suffix of a spec's settings ('' when it has none). */
function formatSettings(spec: DeviceSpec): string {
  const parts: string[] = [];
  const fields = spec as unknown as Record<string, unknown>;
  for (const settings of Object.values(ROLE_SETTINGS)) {
    for (const [name, setting] of Object.entries(settings)) {
      const value = fields[setting.field];
      if (value !== undefined) parts.push(`${name}=${setting.format(value)}`);
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

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
  // A setting is named as it is written in the spec string (`timeout-extra`), not by its stored field.
  const path = issue.path.map((p) => SETTING_NAMES.get(String(p)) ?? String(p));
  return path.length > 0 ? `${path.join('.')}: ${issue.message}` : issue.message;
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
 * `hid:0c2e:0b61`, `hid-path:/dev/hidraw3`, `none`) for a role, with the role's settings after `?`
 * (`serial:/dev/ttyUSB0@9600?fingerprint=on&timeout-extra=500`, `serial:/dev/ttyACM0?encoding=gb18030&gap=50`). `source` names where it came from (e.g. the
 * variable) and starts the one-line error message.
 */
export function parseDeviceSpec(role: DeviceRole, text: string, source: string): DeviceSpec | null {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return null;
  const expected = `expected ${FORMS[role]}`;
  let raw: unknown;
  try {
    // A printer's profile follows its device after the last ';' (`tcp:192.0.2.10:9100;58mm,speed=90`);
    // a reader's or scanner's settings follow a '?' (`serial:/dev/ttyUSB0@9600?fingerprint=on`).
    const cut = role === 'printer' ? trimmed.lastIndexOf(';') : -1;
    const device = cut < 0 ? trimmed : trimmed.slice(0, cut).trim();
    const q = device.indexOf('?');
    raw = parseForm(q < 0 ? device : device.slice(0, q));
    if (q >= 0) applySettings(role, raw as Record<string, unknown>, device.slice(q + 1));
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
  const device = formatConnection(spec) + formatSettings(spec);
  return 'profile' in spec && spec.profile ? `${device};${formatPrinterProfile(spec.profile)}` : device;
}

function formatConnection(spec: DeviceSpec): string {
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

// ---------------------------------------------------------------------------------------------------------
// Cameras: used by the renderer (getUserMedia), so a role names a camera as the browser sees it — its device
// id, or a piece of its label — rather than a transport. Stored in the same table as the other roles.

/** The camera roles: the citizen-facing camera (face check) and the document camera. */
export const CAMERA_ROLES = ['citizenCamera', 'documentCamera'] as const;
/** A camera role. */
export type CameraRole = (typeof CAMERA_ROLES)[number];

/** The environment variable of each camera role. */
export const CAMERA_ENV: Readonly<Record<CameraRole, string>> = {
  citizenCamera: 'BOOTH_CAMERA_CITIZEN',
  documentCamera: 'BOOTH_CAMERA_DOCUMENT',
};

/** The device_config row of each camera role. */
export const CAMERA_STORE_ROLE: Readonly<Record<CameraRole, 'citizen-camera' | 'document-camera'>> = {
  citizenCamera: 'citizen-camera',
  documentCamera: 'document-camera',
};

/**
 * A camera by the browser's device id (with the label it had when assigned, so the camera is found again when
 * the browser hands out a new id: a new browser profile, another USB port), or by a case-insensitive piece of
 * its label.
 */
export const cameraSpecSchema = z.union([
  z.strictObject({
    kind: z.literal('camera-id'),
    deviceId: z.string().trim().min(1).max(256),
    label: z.string().trim().min(1).max(256).optional(),
  }),
  z.strictObject({ kind: z.literal('camera-label'), label: z.string().trim().min(1).max(256) }),
]);
/** A camera role's setting. */
export type CameraSpec = z.infer<typeof cameraSpecSchema>;

/** Parses a camera role name as typed: `citizen-camera`, `document-camera` (or without the dash). */
export function parseCameraRole(text: string): CameraRole | null {
  const t = text.trim().toLowerCase().replace(/[-_]/g, '');
  if (t === 'citizencamera') return 'citizenCamera';
  if (t === 'documentcamera') return 'documentCamera';
  return null;
}

/** What follows a device id to name the camera's label (everything after it, so a label may hold any text). */
const ID_LABEL = '?label=';

/**
 * Parses `id:DEVICE_ID`, `id:DEVICE_ID?label=TEXT` (the id, and the label to find the camera by when the id
 * changed), `label:TEXT` or `none`; `source` starts the one-line error.
 */
export function parseCameraSpec(text: string, source: string): CameraSpec | null {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return null;
  const colon = trimmed.indexOf(':');
  const scheme = colon < 0 ? '' : trimmed.slice(0, colon).toLowerCase();
  const rest = colon < 0 ? '' : trimmed.slice(colon + 1);
  const cut = rest.indexOf(ID_LABEL);
  const raw =
    scheme === 'id'
      ? cut < 0
        ? { kind: 'camera-id', deviceId: rest }
        : { kind: 'camera-id', deviceId: rest.slice(0, cut), label: rest.slice(cut + ID_LABEL.length) }
      : scheme === 'label'
        ? { kind: 'camera-label', label: rest }
        : null;
  const parsed = raw ? cameraSpecSchema.safeParse(raw) : null;
  if (!parsed?.success)
    throw new DeviceConfigError(
      `${source}: '${trimmed}' is not id:DEVICE_ID[?label=TEXT], label:TEXT or none`,
    );
  return parsed.data;
}

/** The spec string of a camera setting (the inverse of {@link parseCameraSpec}). */
export function formatCameraSpec(spec: CameraSpec | null): string {
  if (spec === null) return 'none';
  if (spec.kind === 'camera-label') return `label:${spec.label}`;
  return spec.label === undefined ? `id:${spec.deviceId}` : `id:${spec.deviceId}${ID_LABEL}${spec.label}`;
}

/** One camera role's effective setting. */
export interface ResolvedCamera {
  readonly spec: CameraSpec | null;
  readonly source: DeviceConfigSource;
  readonly error?: string;
}

/** The cameras' effective settings: environment first, then the store; a bad setting carries its error. */
export async function resolveCameraConfig(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stored?: DeviceConfigReader | null;
}): Promise<Readonly<Record<CameraRole, ResolvedCamera>>> {
  let stored: Record<string, unknown> = {};
  try {
    stored = options.stored ? await options.stored.all() : {};
  } catch {
    // Unreadable: the face check falls back to the first camera; `booth config devices` says why.
  }
  const resolve = (role: CameraRole): ResolvedCamera => {
    const fromEnv = options.env[CAMERA_ENV[role]];
    try {
      if (fromEnv !== undefined && fromEnv.trim() !== '')
        return { spec: parseCameraSpec(fromEnv, CAMERA_ENV[role]), source: 'env' };
      const row = stored[CAMERA_STORE_ROLE[role]];
      if (row === undefined || row === null) return { spec: null, source: 'none' };
      const parsed = cameraSpecSchema.safeParse(row);
      if (!parsed.success)
        throw new DeviceConfigError(
          `stored ${CAMERA_STORE_ROLE[role]} configuration is invalid (set it again with booth config set-device)`,
        );
      return { spec: parsed.data, source: 'stored' };
    } catch (error) {
      if (!(error instanceof DeviceConfigError)) throw error;
      return { spec: null, source: fromEnv?.trim() ? 'env' : 'stored', error: error.message };
    }
  };
  return { citizenCamera: resolve('citizenCamera'), documentCamera: resolve('documentCamera') };
}
