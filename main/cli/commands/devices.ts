import { SerialPort } from 'serialport';
import { nodeHidBackend } from '../../../drivers/transport/hid.js';
import type { ListedDeviceView } from '../../api/technician-views.js';
import { listDevices, type DeviceListing, type DiscoveryListers } from '../../core/discovery.js';
import type { CliCommand } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../main.js';

/** One attached device as `booth devices list` reports it. */
export type ListedDevice = ListedDeviceView;
/** Where the device lists come from; tests inject fakes (including ones that throw, as without udev or libusb). */
export type DeviceListers = DiscoveryListers;

/** The OS lists: serialport (udev) and node-hid. */
export const defaultDeviceListers: DeviceListers = {
  serial: () => SerialPort.list(),
  hid: () => nodeHidBackend.devices(),
};

import { HID_POS_USAGE_PAGE } from '../../core/discovery.js';

function describeUsage(d: ListedDevice): string {
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
      summary: 'List serial ports and HID devices (kind, path, VID:PID, manufacturer, product)',
      usage: 'booth devices list [--json]',
      async run(args, io): Promise<number> {
        const { values } = parseOptions(args, { json: { type: 'boolean' } });
        const { devices, warnings, listed } = await listDevices(listers);
        // Nothing could be enumerated: an empty list would be a lie, so fail with every cause.
        if (listed.length === 0) throw new CliError(`cannot list devices: ${warnings.join('; ')}`);
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
