/**
 * What the KioskApi needs from the core, as interfaces. The API layer (and so the renderer's client type)
 * depends only on these, never on drivers or Node.
 */
import type { FormValue } from '../services/catalog/form-validation.js';
import type { ApiResult } from './protocol.js';
import type { CatalogLocale } from '../services/views.js';
import type { HealthSnapshot } from './health-view.js';
import type {
  AssignableRole,
  AssignView,
  CameraAssignableRole,
  DeviceGuess,
  DiscoveryView,
  ExportTargetView,
  ExportView,
  PrinterBitsView,
  PrinterTestView,
  ScanTestView,
} from '../services/technician-views.js';
import type {
  CameraReportView,
  Catalog,
  DeviceStatusView,
  FaceReport,
  PhotoReport,
  FaceSettingsView,
  FixtureView,
  KioskInfo,
  PaperState,
  ScanView,
  TechnicianOverview,
  TransactionProgressView,
  VisitView,
} from '../services/views.js';
import type { LoginOutcome, PinChangeOutcome } from '../services/technician/technician-auth.js';

/** Technician sign-in (PIN, per connection) and the diagnostics it unlocks. */
export interface TechnicianPort {
  login(connectionId: number, pin: string): Promise<LoginOutcome>;
  logout(connectionId: number): Promise<void>;
  isSignedIn(connectionId: number): boolean;
  overview(): Promise<TechnicianOverview>;
  /** Asks the central API for a new catalog now; resolves to a one-word outcome. */
  checkCatalog(): Promise<string>;
  /** Prints the printer test page; resolves to the job outcome and reason. */
  printTestPage(): Promise<{ outcome: string; reason: string | null }>;
  /** Waits up to `timeoutMs` for the next card and reports its type and masked number (nothing is kept). */
  readCard(timeoutMs: number): Promise<CardCheckView>;
  /** Changes the PIN: signed in, with the current PIN again (a wrong one ends the session). */
  changePin(connectionId: number, current: string, next: string): Promise<PinChangeOutcome>;
  /** The kiosk's health snapshot (the same one the heartbeat and `booth health` report). */
  health(): Promise<HealthSnapshot>;
  /** Discovery, assignment, device tests and the diagnostics bundle (main/core/technician-tools.ts). */
  readonly tools: TechnicianToolsPort;
}

/** The technician screen's device and diagnostics tools. */
export interface TechnicianToolsPort {
  discover(): Promise<DiscoveryView>;
  probe(portPath: string, baudRate?: number): Promise<DeviceGuess>;
  assign(role: AssignableRole, spec: string): Promise<AssignView>;
  /** Assigns a camera the renderer listed (by its device id, with its label to find it again): null = none. */
  assignCamera(
    role: CameraAssignableRole,
    camera: { readonly deviceId: string; readonly label: string } | null,
  ): Promise<AssignView>;
  printerBits(): PrinterBitsView;
  printTest(): Promise<PrinterTestView>;
  scanTest(timeoutMs: number): Promise<ScanTestView>;
  exportTargets(): Promise<ExportTargetView[]>;
  exportDiagnostics(target: string): Promise<ExportView>;
}

/** A technician's card-reader check: what was read, masked, or why nothing was. */
export type CardCheckView =
  | {
      readonly read: true;
      readonly cardType: string;
      readonly idNumberMasked: string;
      /** The MOD 11-2 verdict; `not-applicable` for 15-character permit numbers, which have no check digit. */
      readonly checkDigit: 'valid' | 'invalid' | 'not-applicable';
    }
  | { readonly read: false; readonly code: string };

/** The visit in progress. */
export interface VisitPort {
  /** Starts a visit with the chosen services (after checking the kiosk can save it: `storage-unavailable`). */
  start(serviceIds: readonly string[]): Promise<ApiResult<VisitView>>;
  current(): VisitView | null;
  touch(): void;
  proceed(): ApiResult<VisitView>;
  /** A face check attempt's score and liveness, or the citizen's choice of the non-biometric route. */
  reportFace(report: FaceReport): ApiResult<VisitView>;
  /** The certificate photo the citizen chose to use, or their decline (see the visit service). */
  reportPhoto(report: PhotoReport): ApiResult<VisitView>;
  /** One step back without losing what was read; `null`: the visit ended, back to choosing services. */
  back(): ApiResult<VisitView | null>;
  submit(
    locale: CatalogLocale,
    forms: Readonly<Record<string, Readonly<Record<string, FormValue>>>>,
  ): Promise<ApiResult<VisitView>>;
  /**
   * Ends a submitted visit. An urgent report not yet acknowledged by the command centre ends only with
   * `acceptUndelivered` (the citizen read the advice to call 110): otherwise `urgent-not-acknowledged`.
   */
  finish(options?: { readonly acceptUndelivered?: boolean }): ApiResult<null>;
  cancel(): ApiResult<null>;
}

/** The on-screen simulation panel's controls; absent when real peripherals are attached. */
export interface SimulationPort {
  fixtures(): readonly FixtureView[];
  placeCard(fixtureId: string): ApiResult<null>;
  removeCard(): ApiResult<null>;
  setPaper(state: PaperState): ApiResult<null>;
  scan(text: string): ApiResult<null>;
}

/** Everything the API calls into. */
export interface ApiDeps {
  readonly info: () => KioskInfo;
  /** The catalog as this kiosk offers it; `null` when out of service (no trusted catalog, or it expired). */
  readonly catalog: () => Catalog | null;
  readonly visits: VisitPort;
  readonly devices: () => readonly DeviceStatusView[];
  /** Classifies a code typed by a keyboard-wedge scanner (detected in the renderer) and broadcasts it. */
  readonly wedgeScan: (text: string) => ApiResult<ScanView>;
  /**
   * Looks one of this kiosk's transactions up by a scanned receipt QR code or a typed transaction number
   * (`not-found` when this kiosk holds none with that number).
   */
  readonly progress: (code: string) => Promise<ApiResult<TransactionProgressView>>;
  readonly simulation: SimulationPort | null;
  readonly technician: TechnicianPort;
  /** The cameras the face check uses (roles set with `booth config set-device` or on the technician screen). */
  readonly faceSettings: () => FaceSettingsView;
  /** The renderer has drawn its first screen (with its fonts): the kiosk's start-up time is known. */
  readonly screenShown: (report: ScreenShownReport) => void;
  /** The renderer's list of cameras (at start and on every `devicechange`): the camera rows follow it. */
  readonly camerasReported: (report: CameraReportView) => void;
}

/** What the renderer reports once its first screen is on the glass. */
export interface ScreenShownReport {
  readonly screen: 'attract' | 'out-of-service';
  /** Milliseconds from the page's navigation start to the screen drawn with its fonts. */
  readonly navigationMs: number;
}
