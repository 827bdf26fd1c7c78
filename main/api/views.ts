/**
 * What the renderer sees of the core's state. Pure types (no Node), shared by the core and the renderer.
 * Personal data is reduced to what the screen must show: the name and a masked ID number.
 */
import type { DeviceKind, DeviceStatus } from '../../drivers/common/status.js';
import type { Catalog, CatalogService, CardType, LocalizedText } from '../services/catalog/schema.js';

export type { Catalog, CatalogService, CardType, LocalizedText, DeviceKind, DeviceStatus };
export type {
  CatalogCategory,
  CatalogField,
  CatalogNotice,
  CatalogLocale,
  CatalogIconName,
} from '../services/catalog/schema.js';

/** The steps of a visit the core tracks. */
export type VisitStep = 'identify' | 'confirm';

/** The identity read from the card, as shown on screen. */
export interface IdentityView {
  readonly cardType: CardType;
  readonly name: string;
  readonly idNumberMasked: string;
  readonly idNumberValid: boolean;
}

/** A problem with the card the citizen placed, for a friendly message (no personal data). */
export interface CardProblemView {
  readonly code: 'card-read-failed' | 'card-not-eligible' | 'card-unsupported' | 'id-number-invalid';
  readonly messageKey: string;
}

/** The visit in progress. */
export interface VisitView {
  readonly id: string;
  readonly serviceIds: readonly string[];
  readonly step: VisitStep;
  /** Whether any chosen service needs an ID card (false: the visit skips identification). */
  readonly needsIdentity: boolean;
  readonly identity: IdentityView | null;
  readonly cardProblem: CardProblemView | null;
  readonly startedAt: string;
}

/** Facts about this kiosk for the renderer. */
export interface KioskInfo {
  readonly version: string;
  readonly kioskId: string;
  readonly kioskName: LocalizedText;
  readonly host: 'electron' | 'browser';
  /** Peripherals are simulated: the simulation panel is shown. */
  readonly simulated: boolean;
}

/** One device's status, as broadcast. */
export interface DeviceStatusView {
  readonly kind: DeviceKind;
  readonly status: DeviceStatus;
  /** A short description of where it is connected (e.g. `simulated`, `serial:/dev/ttyUSB0@115200`). */
  readonly connection: string;
}

/** A code the scanner read, classified. */
export interface ScanView {
  readonly text: string;
  readonly kind: 'appointment' | 'progress' | 'url' | 'unknown';
  readonly symbology: string | null;
}

/** A simulated ID card the panel can place. */
export interface FixtureView {
  readonly id: string;
  readonly label: string;
  readonly cardType: CardType;
}

/** Simulated printer paper states. */
export type PaperState = 'ok' | 'near-end' | 'out';

/** The events the core broadcasts, by name. */
export interface KioskEvents extends Record<string, unknown> {
  'visit.changed': VisitView | null;
  'device.status': DeviceStatusView;
  'scanner.scanned': ScanView;
  'catalog.changed': { readonly version: number };
}
