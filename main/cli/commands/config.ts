import {
  CAMERA_ENV,
  CAMERA_ROLES,
  CAMERA_STORE_ROLE,
  DEVICE_ENV,
  DEVICE_ROLES,
  DEVICE_STORE_ROLE,
  DeviceConfigError,
  formatCameraSpec,
  formatDeviceSpec,
  parseCameraRole,
  parseCameraSpec,
  parseDeviceRole,
  resolveCameraConfig,
  parseDeviceSpec,
  resolveDeviceConfig,
  type CameraRole,
  type CameraSpec,
  type DeviceSpec,
  type ResolvedDeviceConfig,
} from '../../core/device-config.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { openCliStore } from './sync.js';

/** One role as `booth config devices --json` reports it. */
export interface ConfiguredRoleView {
  readonly role: 'id-card' | 'printer' | 'scanner' | 'citizen-camera' | 'document-camera';
  /** The spec string (`serial:/dev/ttyUSB0@115200`, `none`), or null when the setting is unusable. */
  readonly spec: string | null;
  readonly source: 'env' | 'stored' | 'none';
  /** The environment variable that sets (or would override) this role. */
  readonly variable: string;
  readonly error: string | null;
}

/** The per-role view of a resolved configuration. */
export function configuredRoles(resolved: ResolvedDeviceConfig): ConfiguredRoleView[] {
  return DEVICE_ROLES.map((role) => {
    const r = resolved[role];
    return {
      role: DEVICE_STORE_ROLE[role],
      spec: r.error ? null : formatDeviceSpec(r.spec),
      source: r.source,
      variable: DEVICE_ENV[role],
      error: r.error ?? null,
    };
  });
}

function table(views: readonly ConfiguredRoleView[]): string {
  const sourceText = (v: ConfiguredRoleView): string =>
    v.source === 'env' ? `env (${v.variable})` : v.source === 'stored' ? 'stored' : 'none';
  const rows = [
    ['ROLE', 'DEVICE', 'FROM'],
    ...views.map((v) => [v.role, v.spec ?? 'INVALID', sourceText(v)]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  for (const v of views) if (v.error) lines.push(`error: ${v.error}`);
  return lines.join('\n') + '\n';
}

const devicesCommand: CliCommand = {
  path: ['config', 'devices'],
  summary:
    'Show which device each role uses (ID card, printer, scanner, citizen and document cameras) and where that setting comes from',
  usage: 'booth config devices [--data DIR] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { data: { type: 'string' }, json: { type: 'boolean' } });
    const store = await openCliStore(values.data, io);
    try {
      const cameras = await resolveCameraConfig({ env: io.env, stored: store.deviceConfig });
      const views = [
        ...configuredRoles(await resolveDeviceConfig({ env: io.env, stored: store.deviceConfig })),
        ...CAMERA_ROLES.map((role) => ({
          role: CAMERA_STORE_ROLE[role],
          spec: cameras[role].error ? null : formatCameraSpec(cameras[role].spec),
          source: cameras[role].source,
          variable: CAMERA_ENV[role],
          error: cameras[role].error ?? null,
        })),
      ];
      io.stdout(
        values.json
          ? `${JSON.stringify({ dataDir: store.dataDir, devices: views }, null, 2)}\n`
          : table(views),
      );
      // Showing a bad setting is this command doing its job; the kiosk itself reports it as device-misconfigured.
      return 0;
    } finally {
      await store.close();
    }
  },
};

const setDeviceCommand: CliCommand = {
  path: ['config', 'set-device'],
  summary:
    'Store the device of a role (id-card, printer, scanner): serial:PATH[@BAUD], tcp:HOST[:PORT], file:PATH, hid:VID:PID, none; cameras (citizen-camera, document-camera): id:DEVICE_ID[?label=TEXT], label:TEXT, none',
  usage: 'booth config set-device ROLE SPEC [--data DIR]',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { data: { type: 'string' } }, true);
    if (positionals.length !== 2)
      throw new CliError(
        'expected ROLE and SPEC, e.g. booth config set-device printer tcp:192.0.2.10:9100',
        2,
      );
    const [roleText = '', specText = ''] = positionals;
    const camera = parseCameraRole(roleText);
    if (camera) return setCamera(camera, specText, values.data, io);
    const role = parseDeviceRole(roleText);
    if (!role)
      throw new CliError(
        `unknown role '${roleText}' (expected id-card, printer, scanner, citizen-camera or document-camera)`,
        2,
      );
    let spec: DeviceSpec | null;
    try {
      spec = parseDeviceSpec(role, specText, 'SPEC');
    } catch (error) {
      if (error instanceof DeviceConfigError) throw new CliError(error.message, 2);
      throw error;
    }
    const store = await openCliStore(values.data, io);
    try {
      const storeRole = DEVICE_STORE_ROLE[role];
      const text = formatDeviceSpec(spec);
      await store.deviceConfig.set(storeRole, spec);
      await store.audit.append('device-config.set', 'technician-cli', { role: storeRole, device: text });
      io.stdout(`${storeRole}: ${text === 'none' ? 'not installed' : text} (stored)\n`);
      const variable = DEVICE_ENV[role];
      const override = io.env[variable];
      if (override !== undefined && override.trim() !== '')
        io.stderr(`note: ${variable} is set and takes precedence over the stored setting\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** Stores a camera role (the renderer picks the camera by this device id or label piece). */
async function setCamera(
  role: CameraRole,
  specText: string,
  data: string | boolean | undefined,
  io: CliIO,
): Promise<number> {
  let spec: CameraSpec | null;
  try {
    spec = parseCameraSpec(specText, 'SPEC');
  } catch (error) {
    if (error instanceof DeviceConfigError) throw new CliError(error.message, 2);
    throw error;
  }
  const store = await openCliStore(data, io);
  try {
    const storeRole = CAMERA_STORE_ROLE[role];
    const text = formatCameraSpec(spec);
    await store.deviceConfig.set(storeRole, spec);
    await store.audit.append('device-config.set', 'technician-cli', { role: storeRole, device: text });
    io.stdout(`${storeRole}: ${text === 'none' ? 'the first camera found' : text} (stored)\n`);
    const override = io.env[CAMERA_ENV[role]];
    if (override !== undefined && override.trim() !== '')
      io.stderr(`note: ${CAMERA_ENV[role]} is set and takes precedence over the stored setting\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `booth config …` commands. */
export const commands: CliCommand[] = [devicesCommand, setDeviceCommand];
