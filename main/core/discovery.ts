/**
 * What is plugged in, for the technician screen: serial ports and HID devices, refreshed every second while a
 * technician looks (so a plug or unplug shows within 2 s), each with a guess of what it is. The guess comes from
 * the HID usage page (0x8C: a HID POS barcode scanner) or, for a serial port, from a probe on request: the SAM
 * "read SAM id" command (12 FF) that only an ID card reader answers, then DLE EOT 1 that only an ESC/POS printer
 * answers with a status byte. A port a role already uses is never probed (its driver owns it).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { TypedEmitter } from '../../drivers/common/emitter.js';
import { decodeResponse, encodeCommand, FrameParser } from '../../drivers/id-card/codec.js';
import { isPlausibleStatusByte } from '../../drivers/printer/status.js';
import type { HidDeviceInfo } from '../../drivers/transport/hid.js';
import { formatVidPid } from '../../drivers/transport/hid.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import type { ByteTransport } from '../../drivers/transport/types.js';
import type { DiscoveredDeviceView, DeviceGuess, ListedDeviceView } from '../services/technician-views.js';

/** The HID usage page of point-of-sale barcode scanners. */
export const HID_POS_USAGE_PAGE = 0x8c;

/** Where the lists come from; tests inject their own. */
export interface DiscoveryListers {
  readonly serial: () => Promise<
    {
      path: string;
      vendorId?: string | undefined;
      productId?: string | undefined;
      manufacturer?: string | undefined;
    }[]
  >;
  readonly hid: () => Promise<HidDeviceInfo[]>;
}

/**
 * Serial ports without udev: USB-serial nodes in /dev, the stable /dev/serial/by-id links, and any extra
 * folders named (BOOTH_SERIAL_DIRS: pseudo-terminal links made by socat for simulators and tests).
 */
export function serialNodeLister(extraDirs: readonly string[] = []): DiscoveryListers['serial'] {
  return async () => {
    const found: { path: string }[] = [];
    const dev = await readdir('/dev').catch(() => [] as string[]);
    for (const name of dev) if (/^tty(USB|ACM)\d+$/.test(name)) found.push({ path: `/dev/${name}` });
    for (const dir of ['/dev/serial/by-id', ...extraDirs]) {
      for (const name of (await readdir(dir).catch(() => [] as string[])).sort())
        if (!name.startsWith('.')) found.push({ path: path.join(dir, name) });
    }
    return found;
  };
}

/** Merges two listers' serial ports by path (the first's details win). */
export function mergedSerialLister(...listers: DiscoveryListers['serial'][]): DiscoveryListers['serial'] {
  return async () => {
    const byPath = new Map<string, Awaited<ReturnType<DiscoveryListers['serial']>>[number]>();
    let failures = 0;
    let lastError: unknown = null;
    for (const list of listers) {
      try {
        for (const p of await list()) if (!byPath.has(p.path)) byPath.set(p.path, p);
      } catch (error) {
        failures++;
        lastError = error;
      }
    }
    if (failures === listers.length && lastError) throw lastError;
    return [...byPath.values()];
  };
}

/** What {@link listDevices} found, and which enumerations failed and why. */
export interface DeviceListing {
  readonly devices: ListedDeviceView[];
  /** One line per failed enumeration (`serial ports could not be listed: …`). */
  readonly warnings: string[];
  /** Which kinds were enumerated successfully (an empty list there means none attached). */
  readonly listed: ReadonlyArray<'serial' | 'hid'>;
}

/**
 * Lists serial ports and HID devices. A failing lister becomes a warning naming its cause; the other lister's
 * devices are still listed. `listed` says which enumerations worked, so "none found" is only ever said of them.
 */
export async function listDevices(listers: DiscoveryListers): Promise<DeviceListing> {
  const devices: ListedDeviceView[] = [];
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

/** Options of {@link DeviceDiscovery}. */
export interface DiscoveryOptions {
  readonly listers: DiscoveryListers;
  /** How often the lists are read while watched (ms, default 1000). */
  readonly intervalMs?: number;
  /** Paths a role uses now (never probed; shown with the role). */
  readonly inUse: () => ReadonlyMap<string, string>;
  /** Opens a port for a probe (tests may wrap it); default a serial port at the asked baud rate. */
  readonly openProbe?: (path: string, baudRate: number) => ByteTransport;
}

/** Events of {@link DeviceDiscovery}. */
export interface DiscoveryEvents extends Record<string, unknown> {
  changed: { readonly devices: readonly DiscoveredDeviceView[]; readonly warnings: readonly string[] };
}

/** Collects bytes from a transport until `done` says enough, or the deadline. */
async function exchange(
  transport: ByteTransport,
  request: Uint8Array,
  done: (chunk: Uint8Array, all: readonly number[]) => boolean,
  timeoutMs: number,
): Promise<number[]> {
  const bytes: number[] = [];
  return new Promise<number[]>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      off();
      resolve(bytes);
    };
    const timer = setTimeout(finish, timeoutMs);
    const off = transport.onData((chunk) => {
      bytes.push(...chunk);
      if (done(chunk, bytes)) finish();
    });
    transport.write(request).catch(finish);
  });
}

/**
 * Probes one serial port: is an ID card reader (SAM) or an ESC/POS printer there? Typed outcomes, never a
 * throw: a port that cannot be opened says why.
 */
export async function probeSerialPort(transport: ByteTransport, timeoutMs = 600): Promise<DeviceGuess> {
  try {
    await transport.open();
  } catch (error) {
    return {
      kind: 'unavailable',
      detail: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
    };
  }
  try {
    // SAM "read SAM id": a reader answers with a framed response (AA AA AA 96 69 …).
    let sam = false;
    const parser = new FrameParser();
    await exchange(
      transport,
      encodeCommand({ kind: 'sam-id' }),
      (chunk) => {
        for (const event of parser.push(chunk)) {
          // Any checked SAM frame counts, even one reporting an error: only a SAM module frames its answers so.
          if (event.type === 'frame' && decodeResponse(event.body).ok !== undefined) sam = true;
        }
        return sam;
      },
      timeoutMs,
    );
    if (sam) return { kind: 'id-card-reader', detail: 'answered the SAM id command (12 FF)' };
    // ESC/POS real-time status (DLE EOT 1): a printer answers one status byte.
    const reply = await exchange(
      transport,
      Uint8Array.of(0x10, 0x04, 0x01),
      (_chunk, all) => all.length >= 1,
      timeoutMs,
    );
    const byte = reply[0];
    if (reply.length === 1 && byte !== undefined && isPlausibleStatusByte(byte))
      return {
        kind: 'receipt-printer',
        detail: `answered DLE EOT 1 with 0x${byte.toString(16).padStart(2, '0')}`,
      };
    if (reply.length > 0)
      return { kind: 'unknown', detail: `sent ${reply.length} bytes that fit neither protocol` };
    return { kind: 'unknown', detail: 'no answer (a serial scanner, or a device at another baud rate)' };
  } finally {
    // Probing only: a port that fails to close is released by the OS.
    await transport.close().catch(() => undefined);
  }
}

/** Lists attached devices; while watched, re-reads every second and emits `changed` when the list differs. */
export class DeviceDiscovery {
  /** `changed` with the new list. */
  readonly events = new TypedEmitter<DiscoveryEvents>();
  private devices: DiscoveredDeviceView[] = [];
  private warnings: string[] = [];
  private readonly guesses = new Map<string, DeviceGuess>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private leaseUntil = 0;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly options: DiscoveryOptions) {}

  /** The list as last read. */
  current(): { devices: readonly DiscoveredDeviceView[]; warnings: readonly string[] } {
    return { devices: this.devices, warnings: this.warnings };
  }

  /** Keeps the list fresh for `ms` more (the technician screen renews this while it is open). */
  watch(ms = 60_000): void {
    this.leaseUntil = Math.max(this.leaseUntil, Date.now() + ms);
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (Date.now() > this.leaseUntil) this.stop();
      else void this.refresh();
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** Stops watching. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the lists now; emits `changed` when they differ from the last read. */
  async refresh(): Promise<{ devices: readonly DiscoveredDeviceView[]; warnings: readonly string[] }> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
    return this.current();
  }

  /** Probes a serial port a role does not use; remembers the guess for the list. */
  async probe(portPath: string, baudRate = 115200): Promise<DeviceGuess> {
    const role = this.options.inUse().get(portPath);
    if (role) return { kind: 'in-use', detail: role };
    const open =
      this.options.openProbe ?? ((p: string, b: number) => new SerialTransport({ path: p, baudRate: b }));
    const guess = await probeSerialPort(open(portPath, baudRate));
    this.guesses.set(portPath, guess);
    await this.refresh();
    return guess;
  }

  private async read(): Promise<void> {
    const inUse = this.options.inUse();
    const listing = await listDevices(this.options.listers);
    const warnings = listing.warnings;
    const devices: DiscoveredDeviceView[] = listing.devices.map((d) => {
      const role =
        (d.path ? inUse.get(d.path) : undefined) ??
        (d.kind === 'hid' && d.vidPid ? inUse.get(`hid:${d.vidPid}`) : undefined) ??
        null;
      const guess: DeviceGuess | null =
        d.usagePage === HID_POS_USAGE_PAGE
          ? { kind: 'scanner', detail: 'HID POS usage page 0x8C' }
          : role
            ? { kind: 'in-use', detail: role }
            : d.path
              ? (this.guesses.get(d.path) ?? null)
              : null;
      return { ...d, usedBy: role, guess };
    });
    // Guesses of ports that are gone are forgotten: a replugged device may be another one.
    for (const key of [...this.guesses.keys()])
      if (!devices.some((d) => d.path === key)) this.guesses.delete(key);
    const changed =
      JSON.stringify(devices) !== JSON.stringify(this.devices) || warnings.join() !== this.warnings.join();
    this.devices = devices;
    this.warnings = warnings;
    if (changed) this.events.emit('changed', { devices, warnings });
  }
}
