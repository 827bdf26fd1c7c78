/**
 * A thin HID adapter over `node-hid` (HIDAsync): opens a device by VID:PID or path, delivers each input
 * report as one data chunk (report boundaries matter to HID POS scanners), and reports an unplug as a close.
 * Everything above it (report layouts, reassembly) is pure and tested without hardware; the backend is
 * injectable because these machines have no /dev/uhid to fake a device with.
 */
import type * as NodeHidModule from 'node-hid';
import type { ByteTransport } from './types.js';
import { TransportError, toTransportError } from './types.js';
import { TransportListeners } from './listeners.js';

/** What the OS tells about a HID device. */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly path?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
  readonly interface?: number | undefined;
}

/** Which device to open. */
export type HidTarget = { readonly path: string } | { readonly vendorId: number; readonly productId: number };

/** An open device, as far as this adapter needs one (node-hid's HIDAsync fits). */
export interface HidDeviceHandle {
  on(event: 'data', listener: (report: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  write(bytes: number[]): Promise<number>;
  close(): Promise<void>;
}

/** Opens and lists devices; the default is node-hid, tests inject their own. */
export interface HidBackend {
  open(target: HidTarget): Promise<HidDeviceHandle>;
  devices(): Promise<HidDeviceInfo[]>;
}

type NodeHid = typeof NodeHidModule;

async function loadNodeHid(): Promise<NodeHid> {
  // Loaded on first use so that merely importing the drivers never needs libudev or the native binding.
  const mod = (await import('node-hid')) as NodeHid & { default?: NodeHid };
  return mod.default ?? mod;
}

/** The real backend: node-hid 3.x HIDAsync (hidraw on Linux; needs a udev rule for non-root access). */
export const nodeHidBackend: HidBackend = {
  async open(target: HidTarget): Promise<HidDeviceHandle> {
    const hid = await loadNodeHid();
    const device =
      'path' in target
        ? await hid.HIDAsync.open(target.path)
        : await hid.HIDAsync.open(target.vendorId, target.productId);
    return device as unknown as HidDeviceHandle;
  },
  async devices(): Promise<HidDeviceInfo[]> {
    const hid = await loadNodeHid();
    return hid.devicesAsync();
  },
};

/** Formats a USB id pair as `0c2e:0b61`. */
export function formatVidPid(vendorId: number, productId: number): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return `${hex(vendorId)}:${hex(productId)}`;
}

/** Parses `VID:PID` in hex (`0c2e:0b61`, `0x0c2e:0x0b61`); null when malformed. */
export function parseVidPid(text: string): { vendorId: number; productId: number } | null {
  const m = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$/i.exec(text.trim());
  if (!m) return null;
  return { vendorId: parseInt(m[1] ?? '', 16), productId: parseInt(m[2] ?? '', 16) };
}

function describeTarget(target: HidTarget): string {
  return 'path' in target ? `hid:${target.path}` : `hid:${formatVidPid(target.vendorId, target.productId)}`;
}

function matches(info: HidDeviceInfo, target: HidTarget): boolean {
  return 'path' in target
    ? info.path === target.path
    : info.vendorId === target.vendorId && info.productId === target.productId;
}

/** A HID device as a {@link ByteTransport}: each data chunk is exactly one input report. */
export class HidTransport extends TransportListeners implements ByteTransport {
  readonly description: string;
  private device: HidDeviceHandle | null = null;
  /** Closes the open device and tells close listeners (set by open()). */
  private closeDevice: (() => Promise<void>) | null = null;

  constructor(
    private readonly target: HidTarget,
    private readonly backend: HidBackend = nodeHidBackend,
  ) {
    super();
    this.description = describeTarget(target);
  }

  get isOpen(): boolean {
    return this.device !== null;
  }

  async open(): Promise<void> {
    if (this.device) return;
    let device: HidDeviceHandle;
    try {
      device = await this.backend.open(this.target);
    } catch (error) {
      throw await this.classifyOpenFailure(error);
    }
    let closed = false;
    const finish = (reason: TransportError | null): void => {
      if (closed) return;
      closed = true;
      if (this.device === device) this.device = null;
      this.emitClose(reason);
    };
    device.on('data', (report: Uint8Array) => {
      if (closed) return;
      const bytes = new Uint8Array(report.buffer, report.byteOffset, report.byteLength);
      this.emitData(bytes);
    });
    // hidraw reports an unplugged device as a read error; node-hid then stops reading. That is our unplug.
    device.on('error', (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      finish(new TransportError('closed', `${this.description}: ${message}`));
      // The device vanished (the error above ends the transport); closing it cannot succeed.
      device.close().catch(() => undefined);
    });
    this.device = device;
    this.closeDevice = async () => {
      finish(null);
      await device.close();
    };
  }

  async close(): Promise<void> {
    const close = this.closeDevice;
    this.closeDevice = null;
    if (!close || !this.device) return;
    try {
      await close();
    } catch {
      // Closing a device that just vanished fails; it is gone either way.
    }
  }

  /** Writes one output report; the first byte is the report ID (0 when the device does not number reports). */
  async write(bytes: Uint8Array): Promise<void> {
    const device = this.device;
    if (!device) throw new TransportError('closed', `${this.description}: not open`);
    try {
      await device.write([...bytes]);
    } catch (error) {
      throw toTransportError(error);
    }
  }

  /**
   * hidapi says only "cannot open device" whether the device is absent or the hidraw node is not readable, so
   * ask the device list: present but unopenable means permissions (a missing udev rule).
   */
  private async classifyOpenFailure(error: unknown): Promise<TransportError> {
    const message = `${this.description}: ${error instanceof Error ? error.message : String(error)}`;
    let present = false;
    try {
      present = (await this.backend.devices()).some((d) => matches(d, this.target));
    } catch {
      // Cannot enumerate (no libudev?): fall back to the message itself.
      return toTransportError(new Error(message));
    }
    return present
      ? new TransportError('permission', `${message} (device present: check the udev rule for hidraw access)`)
      : new TransportError('not-found', message);
  }
}
