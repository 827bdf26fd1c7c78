import type { CameraKind, DeviceKind, DeviceStatus } from '../../drivers/common/status.js';
import type { PhotoDecoder } from '../../drivers/id-card/photo.js';
import type { IdCardReader } from '../../drivers/id-card/types.js';
import type { PrintJobResult } from '../../drivers/printer/printer.js';
import type { PrinterProfile } from '../../drivers/printer/profile.js';
import type { PrinterCondition } from '../../drivers/printer/status.js';
import type { Scanner } from '../../drivers/scanner/types.js';
import type { DeviceStatusView, FixtureView, PaperState } from '../services/views.js';

/** What the core needs of a receipt printer: its status and printing a job (never assumed printed). */
export interface PrinterStatusSource {
  readonly status: DeviceStatus;
  /** The printer's profile: receipts are laid out for its paper width and code page. */
  readonly profile: PrinterProfile;
  start(): Promise<void>;
  stop(): Promise<void>;
  on(event: 'status', listener: (status: DeviceStatus) => void): () => void;
  print(job: Uint8Array): Promise<PrintJobResult>;
  /** Whether the paper roll is nearly used up (the printer's near-end sensor); absent = not known. */
  readonly paperLow?: boolean;
  /** The printer's last full status round (DLE EOT 1–4), for technicians; absent = not known. */
  readonly condition?: PrinterCondition | null;
  /** Calls back whenever the printer reports its condition (the near-end sensor included). */
  onCondition?(listener: () => void): () => void;
}

/** The simulated peripherals' controls, driven by the on-screen panel, tests and demos. */
export interface DeviceSimulation {
  fixtures(): readonly FixtureView[];
  placeCard(fixtureId: string): boolean;
  removeCard(): void;
  setPaper(state: PaperState): void;
  scan(text: string): Promise<void>;
}

/** The kiosk's peripherals, whatever drives them. */
export interface DeviceSet {
  readonly idCard: IdCardReader;
  readonly scanner: Scanner;
  readonly printer: PrinterStatusSource;
  /** Present only when peripherals are simulated. */
  readonly simulation: DeviceSimulation | null;
  /** Decodes card photos for this set's reader (simulated cards); real readers use the vendor library. */
  readonly photoDecoder?: PhotoDecoder;
  /** Where each device is connected, for technicians (`simulated`, `serial:/dev/ttyUSB0@115200`). */
  readonly connections: Readonly<Record<Exclude<DeviceKind, CameraKind>, string>>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Every device's status as the renderer sees it. */
export function deviceStatuses(devices: DeviceSet): DeviceStatusView[] {
  return [
    { kind: 'id-card', status: devices.idCard.status, connection: devices.connections['id-card'] },
    {
      kind: 'printer',
      status: devices.printer.status,
      connection: devices.connections.printer,
      ...(devices.printer.paperLow ? { paperLow: true } : {}),
    },
    { kind: 'scanner', status: devices.scanner.status, connection: devices.connections.scanner },
  ];
}
