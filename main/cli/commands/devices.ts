import { SerialPort } from 'serialport';
import { formatVidPid, nodeHidBackend, type HidDeviceInfo } from '../../../drivers/transport/hid.js';
import type { CliCommand } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../main.js';

/** One attached device as `booth devices list` reports it. */
export interface ListedDevice {
  readonly kind: 'serial' | 'hid';
  readonly path: string | null;
  /** `vvvv:pppp` in hex, or null when the OS does not say (built-in UARTs). */
  readonly vidPid: string | null;
  readonly manufacturer: string | null;
  readonly product: string | null;
  /** HID usage page and usage; 0x8C/0x02 is a HID POS barcode scanner. Null for serial ports. */
  readonly usagePage: number | null;
  readonly usage: number | null;
}

/** Where the device lists come from; tests inject fakes (including ones that throw, as without udev or libusb). */
export interface DeviceListers {
  readonly serial: () => Promise<
    Array<{
      path: string;
      vendorId?: string | undefined;
      productId?: string | undefined;
      manufacturer?: string | undefined;
    }>
  >;
  readonly hid: () => Promise<HidDeviceInfo[]>;
}

const defaultListers: DeviceListers = {
  serial: () => SerialPort.list(),
  hid: () => nodeHidBackend.devices(),
};

const HID_POS_USAGE_PAGE = 0x8c;

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

/** What {@link listDevices} found, and which enumerations failed and why. */
export interface DeviceListing {
  readonly devices: ListedDevice[];
  /** One line per failed enumeration (`serial ports could not be listed: …`). */
  readonly warnings: string[];
  /** Which kinds were enumerated successfully (an empty list there means none attached). */
  readonly listed: ReadonlyArray<'serial' | 'hid'>;
}

/**
 * Lists serial ports and HID devices. A failing lister becomes a warning naming its cause; the other lister's
 * devices are still listed. `listed` says which enumerations worked, so "none found" is only ever said of them.
 */
export async function listDevices(listers: DeviceListers = defaultListers): Promise<DeviceListing> {
  const devices: ListedDevice[] = [];
  const warnings: string[] = [];
  const listed: Array<'serial' | 'hid'> = [];
  try {
    for (const p of await listers.serial()) {
      const vidPid =
        p.vendorId && p.productId
          ? formatVidPid(parseInt(p.vendorId, 16) || 0, parseInt(p.productId, 16) || 0)
          : null;
      devices.push({
        kind: 'serial',
        path: p.path,
        vidPid,
        manufacturer: p.manufacturer ?? null,
        product: null,
        usagePage: null,
        usage: null,
      });
    }
    listed.push('serial');
  } catch (error) {
    warnings.push(`serial ports could not be listed: ${causeOf(error)}`);
  }
  try {
    for (const h of await listers.hid()) {
      devices.push({
        kind: 'hid',
        path: h.path ?? null,
        vidPid: formatVidPid(h.vendorId, h.productId),
        manufacturer: h.manufacturer || null,
        product: h.product || null,
        usagePage: h.usagePage ?? null,
        usage: h.usage ?? null,
      });
    }
    listed.push('hid');
  } catch (error) {
    warnings.push(`HID devices could not be listed: ${causeOf(error)}`);
  }
  return { devices, warnings, listed };
}

/** The cause of an enumeration failure, on one line, with what usually lies behind it. */
function causeOf(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (/udevadm/.test(message) && /ENOENT/.test(message)) return `${message} (udev is not available)`;
  if (/libusb|libudev/.test(message)) return `${message} (HID listing needs libusb-1.0 and libudev)`;
  return message;
}

const NONE_FOUND: Readonly<Record<string, string>> = {
  'serial,hid': 'No serial ports or HID devices found.',
  serial: 'No serial ports found.',
  hid: 'No HID devices found.',
};

/** Builds the `devices` command group over the given listers. */
export function createDevicesCommands(listers: DeviceListers = defaultListers): CliCommand[] {
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
