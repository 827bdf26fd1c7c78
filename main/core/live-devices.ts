/**
 * A device set whose roles can be given another device while the kiosk runs: the technician assigns a printer
 * on a new port and the next visit prints on it, without a restart. Each role is a stable facade that the rest
 * of the core holds on to (and subscribes to once); behind it, the device in use is swapped — listeners are
 * moved to the new device, the old one is stopped, the new one started, and a `status` event tells everyone.
 */
import type { DeviceStatus } from '../../drivers/common/status.js';
import type { IdCardReader, IdCardReaderEvents } from '../../drivers/id-card/types.js';
import type { PrintJobResult } from '../../drivers/printer/printer.js';
import type { PrinterProfile } from '../../drivers/printer/profile.js';
import type { Scanner, ScannerEvents } from '../../drivers/scanner/types.js';
import type { DeviceSet, PrinterStatusSource } from './devices.js';

/** The roles a live set can swap (the camera roles are not here: the renderer opens cameras, see cameras.ts). */
export type LiveRole = 'idCard' | 'printer' | 'scanner';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of every event of a role, each typed by its device.
type Listener = (payload: any) => void;
type Subscribe<D> = (device: D, event: string, listener: Listener) => () => void;

/** Keeps a role's listeners and moves them from one device to the next. */
class Relay<D extends { readonly status: DeviceStatus; start(): Promise<void>; stop(): Promise<void> }> {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscriptions = new Map<Listener, () => void>();

  constructor(
    public current: D,
    private readonly subscribe: Subscribe<D>,
  ) {}

  on(event: string, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    this.subscriptions.set(listener, this.subscribe(this.current, event, listener));
    return () => {
      set.delete(listener);
      this.subscriptions.get(listener)?.();
      this.subscriptions.delete(listener);
    };
  }

  /** Moves every listener to `next`, stops the old device and starts the new one; says the new status. */
  async swap(next: D): Promise<void> {
    const old = this.current;
    for (const off of this.subscriptions.values()) off();
    this.subscriptions.clear();
    this.current = next;
    for (const [event, set] of this.listeners)
      for (const listener of set) this.subscriptions.set(listener, this.subscribe(next, event, listener));
    // The old device is being replaced; if it fails to stop, the new one's status says what works.
    await old.stop().catch(() => undefined);
    await next.start();
    for (const listener of this.listeners.get('status') ?? [])
      (listener as (s: DeviceStatus) => void)(next.status);
  }
}

/** A {@link DeviceSet} whose devices can be replaced one role at a time. */
export interface LiveDeviceSet extends DeviceSet {
  /** Puts `device` in the role (stopping the one there) and names its connection. */
  replace(role: 'idCard', device: IdCardReader, connection: string): Promise<void>;
  replace(role: 'printer', device: PrinterStatusSource, connection: string): Promise<void>;
  replace(role: 'scanner', device: Scanner, connection: string): Promise<void>;
  /** The device in a role right now (to read its details, e.g. the printer's last condition). */
  currentOf(role: LiveRole): IdCardReader | PrinterStatusSource | Scanner;
}

/** Wraps a device set so that its roles can be replaced while it runs. */
export function liveDevices(base: DeviceSet): LiveDeviceSet {
  const idRelay = new Relay<IdCardReader>(base.idCard, (d, e, l) =>
    d.on(e as keyof IdCardReaderEvents, l as (p: unknown) => void),
  );
  const scannerRelay = new Relay<Scanner>(base.scanner, (d, e, l) =>
    d.on(e as keyof ScannerEvents, l as (p: unknown) => void),
  );
  // The printer's condition callback is not an `on` event; it is relayed as one named 'condition'.
  const printerRelay = new Relay<PrinterStatusSource>(base.printer, (d, e, l) =>
    e === 'condition' ? (d.onCondition?.(() => l(undefined)) ?? (() => undefined)) : d.on('status', l),
  );
  const connections = { ...base.connections };

  const idCard: IdCardReader = {
    get status() {
      return idRelay.current.status;
    },
    start: () => idRelay.current.start(),
    stop: () => idRelay.current.stop(),
    rescan: () => idRelay.current.rescan?.(),
    on: <K extends keyof IdCardReaderEvents>(event: K, listener: (p: IdCardReaderEvents[K]) => void) =>
      idRelay.on(String(event), listener as Listener),
  };
  const scanner: Scanner = {
    get status() {
      return scannerRelay.current.status;
    },
    start: () => scannerRelay.current.start(),
    stop: () => scannerRelay.current.stop(),
    on: <K extends keyof ScannerEvents>(event: K, listener: (p: ScannerEvents[K]) => void) =>
      scannerRelay.on(String(event), listener as Listener),
  };
  const printer: PrinterStatusSource = {
    get status() {
      return printerRelay.current.status;
    },
    get profile(): PrinterProfile {
      return printerRelay.current.profile;
    },
    get paperLow(): boolean {
      return printerRelay.current.paperLow ?? false;
    },
    get condition() {
      return printerRelay.current.condition ?? null;
    },
    start: () => printerRelay.current.start(),
    stop: () => printerRelay.current.stop(),
    on: (event, listener) => printerRelay.on(event, listener as Listener),
    onCondition: (listener) => printerRelay.on('condition', listener as Listener),
    print: (job): Promise<PrintJobResult> => printerRelay.current.print(job),
  };
  const relays = { idCard: idRelay, printer: printerRelay, scanner: scannerRelay } as const;
  const kind = { idCard: 'id-card', printer: 'printer', scanner: 'scanner' } as const;

  return {
    idCard,
    scanner,
    printer,
    simulation: base.simulation,
    ...(base.photoDecoder ? { photoDecoder: base.photoDecoder } : {}),
    connections,
    start: async () => {
      await Promise.all([idCard.start(), printer.start(), scanner.start()]);
    },
    stop: async () => {
      // The base set's own stop closes what it built (simulators); a replaced device is stopped by its relay.
      await Promise.all([idCard.stop(), printer.stop(), scanner.stop()]);
      await base.stop();
    },
    async replace(role: LiveRole, device: never, connection: string): Promise<void> {
      connections[kind[role]] = connection;
      await (relays[role] as unknown as Relay<typeof device>).swap(device);
    },
    currentOf: (role) => relays[role].current,
  };
}
