/**
 * What the technician screen's tools return: discovered devices with a guess of what each is, assignment
 * outcomes, device tests and export targets. No Node imports (the renderer reads these types); nothing personal.
 */

/** What a probe or a HID usage page says a device is. */
export interface DeviceGuess {
  readonly kind: 'id-card-reader' | 'receipt-printer' | 'scanner' | 'unknown' | 'in-use' | 'unavailable';
  /** One line: what answered, or why nothing could be asked (e.g. the port is busy). */
  readonly detail: string;
}

/** One attached device as the OS lists it (`booth devices list` prints these). */
export interface ListedDeviceView {
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

/** One attached device, as the technician sees it in the discovery list. */
export interface DiscoveredDeviceView extends ListedDeviceView {
  /** The role using it now (`id-card`, `printer`, `scanner`), if any. */
  readonly usedBy: string | null;
  readonly guess: DeviceGuess | null;
}

/** The discovery list and what could not be listed. */
export interface DiscoveryView {
  readonly devices: readonly DiscoveredDeviceView[];
  readonly warnings: readonly string[];
}

/** The camera roles a technician assigns (to a camera the renderer listed). */
export const CAMERA_ASSIGNABLE_ROLES = ['citizen-camera', 'document-camera'] as const;
/** An assignable camera role. */
export type CameraAssignableRole = (typeof CAMERA_ASSIGNABLE_ROLES)[number];
/** The roles a technician assigns: the peripherals the core drives, and the cameras the renderer opens. */
export const ASSIGNABLE_ROLES = ['id-card', 'printer', 'scanner', ...CAMERA_ASSIGNABLE_ROLES] as const;
/** An assignable role. */
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

/** The outcome of an assignment. */
export type AssignView =
  | {
      readonly ok: true;
      readonly role: AssignableRole;
      /** The setting as stored (the same text `booth config set-device` takes). */
      readonly spec: string;
      /** 'now' (no visit running) or 'after-visit' (taken up when the running visit ends). */
      readonly applied: 'now' | 'after-visit';
      /** The environment variable that overrides the stored setting at the next start, if it is set. */
      readonly overriddenBy: string | null;
    }
  | { readonly ok: false; readonly role: AssignableRole; readonly problem: string };

/** The printer's status bits in words (DLE EOT 1–4), or why they could not be read. */
export interface PrinterBitsView {
  readonly read: boolean;
  /** Codes for the words the screen shows, e.g. `online`, `cover-open`, `paper-near-end`. */
  readonly flags: readonly string[];
  readonly problem: string | null;
}

/** The printer test: how the job went, and the page as the printer's paper would show it (PNG, base64). */
export interface PrinterTestView {
  readonly outcome: string;
  readonly reason: string | null;
  readonly previewPng: string | null;
  readonly widthMm: number;
}

/** The scan test: the next code the scanner read, or nothing before the deadline. */
export type ScanTestView =
  | {
      readonly scanned: true;
      readonly text: string;
      readonly symbology: string | null;
      readonly gs1: readonly { readonly ai: string; readonly value: string }[] | null;
    }
  | { readonly scanned: false; readonly code: string };

/** A folder the diagnostics bundle can be written to (a USB drive, or the data directory's exports). */
export interface ExportTargetView {
  readonly path: string;
  readonly label: string;
  readonly freeBytes: number | null;
}

/** A written diagnostics bundle. */
export type ExportView =
  | { readonly ok: true; readonly file: string; readonly bytes: number }
  | { readonly ok: false; readonly problem: string };
