import { SerialPort } from 'serialport';
import { nodeHidBackend } from '../../../drivers/transport/hid.js';
import type { ListedDeviceView } from '../../services/technician-views.js';
import { listDevices, type DeviceListing, type DiscoveryListers } from '../../core/discovery.js';
import { listCameraNodes, type CameraNode } from '../../core/camera-nodes.js';
import type { CliCommand } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';

/** One attached device as `booth devices list` reports it: a serial port, a HID device or a camera. */
export type ListedDevice = ListedDeviceView | CameraListing;
/** A camera as `booth devices list` reports it (the same columns, and the label the browser shows). */
export type CameraListing = Omit<ListedDeviceView, 'kind'> & {
  readonly kind: 'camera';
  readonly label: string | null;
};
/**
 * Where the device lists come from; tests inject fakes (including ones that throw, as without udev or libusb).
 * `cameras` (Linux: the V4L2 nodes in sysfs) is optional; its failure is a warning, never the command's.
 */
export type DeviceListers = DiscoveryListers & { readonly cameras?: () => Promise<CameraNode[]> };

/** The OS lists: serialport (udev), node-hid and the V4L2 cameras in sysfs. */
export const defaultDeviceListers: DeviceListers = {
  serial: () => SerialPort.list(),
  hid: () => nodeHidBackend.devices(),
  cameras: () => listCameraNodes(),
};

/** The cameras, or a warning saying why they could not be listed. */
async function listCameras(
  listers: DeviceListers,
): Promise<{ cameras: CameraListing[]; warning: string | null }> {
  if (!listers.cameras) return { cameras: [], warning: null };
  try {
    const nodes = await listers.cameras();
    const cameras = nodes.map((n) => ({
      kind: 'camera' as const,
      path: n.path,
      vidPid: n.vidPid,
      manufacturer: null,
      product: n.product,
      usagePage: null,
      usage: null,
      label: n.label,
    }));
    return { cameras, warning: null };
  } catch (error) {
    return {
      cameras: [],
      warning: `cameras could not be listed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}`,
    };
  }
}

import { HID_POS_USAGE_PAGE } from '../../core/discovery.js';

function describeUsage(d: ListedDevice): string {
  // A camera's column says the label the kiosk's browser shows, for `booth config set-device citizen-camera`.
  if (d.kind === 'camera') return d.label ? `label: ${d.label}` : '';
  if (d.usagePage === null) return '';
  const hex = (n: number | null): string => `0x${(n ?? 0).toString(16).padStart(2, '0')}`;
  const tag = d.usagePage === HID_POS_USAGE_PAGE ? ' (HID POS scanner)' : '';
  return `${hex(d.usagePage)}/${hex(d.usage)}${tag}`;
}

function table(devices: readonly ListedDevice[]): string {
  const rows = [
    ['KIND', 'PATH', 'VID:PID', 'MANUFACTURER', 'PRODUCT', 'USAGE'],
    ...devices.map((d) => [
      d.kind,
      d.path ?? '-',
      d.vidPid ?? '-',
      d.manufacturer ?? '-',
      d.product ?? '-',
      describeUsage(d),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export { listDevices, type DeviceListing };

const NONE_FOUND: Readonly<Record<string, string>> = {
  'serial,hid': 'No serial ports or HID devices found.',
  serial: 'No serial ports found.',
  hid: 'No HID devices found.',
};

/** Builds the `devices` command group over the given listers. */
export function createDevicesCommands(listers: DeviceListers = defaultDeviceListers): CliCommand[] {
  return [
    {
      path: ['devices', 'list'],
      summary:
        'List serial ports, HID devices and (Linux) cameras (kind, path, VID:PID, manufacturer, product; a camera with the label the kiosk shows)',
      usage: 'booth devices list [--json]',
      async run(args, io): Promise<number> {
        const { values } = parseOptions(args, { json: { type: 'boolean' } });
        const listing = await listDevices(listers);
        const { warnings, listed } = listing;
        // Nothing could be enumerated: an empty list would be a lie, so fail with every cause.
        if (listed.length === 0) throw new CliError(`cannot list devices: ${warnings.join('; ')}`);
        const cameras = await listCameras(listers);
        if (cameras.warning) warnings.push(cameras.warning);
        const devices: ListedDevice[] = [...listing.devices, ...cameras.cameras];
        for (const w of warnings) io.stderr(`warning: ${w}\n`);
        if (values.json) {
          io.stdout(JSON.stringify(devices, null, 2) + '\n');
        } else if (devices.length === 0) {
          io.stdout(`${NONE_FOUND[listed.join(',')] ?? NONE_FOUND['serial,hid']}\n`);
        } else {
          io.stdout(table(devices));
        }
        return 0;
      },
    },
  ];
}

/** `booth devices …` */
export const commands: CliCommand[] = createDevicesCommands();
