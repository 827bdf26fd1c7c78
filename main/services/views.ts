/**
 * What the renderer sees of the core's state. Pure types (no Node), shared by the core and the renderer.
 * Personal data is reduced to what the screen must show: the name and a masked ID number.
 */
import type { DeviceKind, DeviceStatus } from '../../drivers/common/status.js';
import type { DiscoveryView } from './technician-views.js';
import type { Gs1Element } from '../../drivers/scanner/gs1.js';
import type { Catalog, CatalogService, CardType, LocalizedText } from '../../contract/catalog/schema.js';
import type { PhotoSpec } from './face/photo.js';

export type { Catalog, CatalogService, CardType, LocalizedText, DeviceKind, DeviceStatus };
export type {
  CatalogCategory,
  CatalogField,
  CatalogNotice,
  CatalogLocale,
  CatalogIconName,
} from '../../contract/catalog/schema.js';

/** The steps of a visit the core tracks: read the card, check the details, fill the forms, done. */
export type VisitStep = 'identify' | 'confirm' | 'form' | 'done';

/** A form value pre-filled from the ID card; `masked` values are shown masked and cannot be edited. */
export interface PrefillView {
  readonly value: string;
  readonly masked: boolean;
}

/** What happened to the receipt. */
export interface ReceiptOutcomeView {
  readonly outcome: 'printed' | 'failed' | 'unknown' | 'not-printed';
  /** A stable reason code when not printed (paper-end, cover-open, offline, no-device, timeout, …). */
  readonly reason: string | null;
}

/**
 * Where a stored transaction stands on its way to the central system:
 * - `saved`: stored on this kiosk (sealed) and queued; not sent yet, or the first attempt is under way;
 * - `retrying`: an attempt failed (the central system cannot be reached); the kiosk keeps trying;
 * - `acknowledged`: the central system has stored it (for urgent reports this is not yet the command centre: a
 *   duty officer acknowledges them, see `VisitResultView.commandCentreAcknowledgedAt`);
 * - `rejected`: the central system refused it for good; it stays on the kiosk for an officer to look at.
 */
export type DeliveryState = 'saved' | 'retrying' | 'acknowledged' | 'rejected';

/**
 * A service promise on the final screen (e.g. the chief's mailbox: signed for within 10 minutes), with the
 * time it falls due once the central system has the transaction.
 */
export interface PromiseClockView {
  readonly serviceId: string;
  readonly kind: 'signed' | 'answered' | 'first-feedback' | 'processed';
  readonly text: LocalizedText;
  readonly withinMinutes: number;
  /**
   * When it falls due (ISO, UTC): acknowledgement + withinMinutes. Null before the central system has it, and for
   * `processed` promises, which count working days.
   */
  readonly dueAt: string | null;
}

/** The result of a completed visit, for the final screen. */
export interface VisitResultView {
  readonly transactionNumber: string;
  readonly urgent: boolean;
  /** Whether the central system has confirmed receipt (`delivery === 'acknowledged'`). */
  readonly acknowledged: boolean;
  /** Where the transaction stands; the final screen's title and wording follow it. */
  readonly delivery: DeliveryState;
  /** When the kiosk stored the transaction (ISO, UTC). */
  readonly completedAt: string;
  /** When the central system acknowledged it (ISO, UTC); service promise clocks run from then. */
  readonly acknowledgedAt: string | null;
  readonly receipt: ReceiptOutcomeView;
  /** The progress and electronic receipt address encoded in the on-screen QR code. */
  readonly progressUrl: string;
  /** The chosen services' promises, with due times once acknowledged. */
  readonly promises: readonly PromiseClockView[];
  /**
   * For an urgent report: when a duty officer in the command centre acknowledged it (ISO, UTC), learnt from the
   * central system while this screen shows. Null until then, and for other transactions. The central system
   * storing the report (`delivery === 'acknowledged'`) is not this.
   */
  readonly commandCentreAcknowledgedAt: string | null;
}

/**
 * What completing a visit returns; the visit adds the promise clocks (which follow the acknowledgement) and the
 * command centre's acknowledgement (which comes later, from the central system).
 */
export type CompletedVisitView = Omit<VisitResultView, 'promises' | 'commandCentreAcknowledgedAt'>;

/** The identity read from the card, as shown on screen. */
export interface IdentityView {
  readonly cardType: CardType;
  readonly name: string;
  readonly idNumberMasked: string;
  readonly idNumberValid: boolean;
  /** The card's photo as a data URL, once decoded (null without a decoder for this reader). */
  readonly photo: string | null;
  /** The name in Latin letters the card carries (foreigner cards), shown beside the Chinese name. */
  readonly englishName: string | null;
  /**
   * Set when the card has expired and every chosen service accepts expired cards (`cardExpiry:
   * accept-with-notice`): its last valid day (`YYYY-MM-DD`), for the notice on the confirmation screen.
   */
  readonly expiredOn: string | null;
}

/** A problem with the card the citizen placed, for a friendly message (no personal data). */
export interface CardProblemView {
  readonly code:
    'card-read-failed' | 'card-not-eligible' | 'card-unsupported' | 'id-number-invalid' | 'card-expired';
  readonly messageKey: string;
  /** For `card-expired`: the card's last valid day (`YYYY-MM-DD`), said in the message. */
  readonly validTo?: string;
}

/** The visit in progress. */
export interface VisitView {
  readonly id: string;
  readonly serviceIds: readonly string[];
  readonly step: VisitStep;
  /** Whether any chosen service needs an ID card (false: the visit skips identification). */
  readonly needsIdentity: boolean;
  /** The card types that suit every chosen service (empty when no card is needed). */
  readonly eligibleCardTypes: readonly CardType[];
  readonly identity: IdentityView | null;
  readonly cardProblem: CardProblemView | null;
  /**
   * Services that ask for a face check: `pending` until the face check (shown before the forms) has an outcome —
   * `face-verified` (matched live against the card photo) or `officer-review` (the non-biometric route:
   * declined, uncertain, or failed after the allowed attempts). The transaction records `face-verified` or,
   * for anything else including a check never made, `officer-review`.
   */
  readonly faceCheck: 'not-needed' | 'pending' | 'face-verified' | 'officer-review';
  /** The face step's attempts so far and the last outcome (null when no service asks for a face check). */
  readonly face: FaceStepView | null;
  /**
   * Services that ask for a certificate photo (null when none does): `pending` until the citizen has given one
   * (`provided`) or declined (`declined`: the catalog's alternative, e.g. bring a photo to a counter). One photo
   * serves every such service of the visit; the first one's spec applies.
   */
  readonly certificatePhoto: PhotoStepView | null;
  /** Per service, per field: values pre-filled from the card (form step only). */
  readonly prefill: Readonly<Record<string, Readonly<Record<string, PrefillView>>>>;
  readonly result: VisitResultView | null;
  readonly startedAt: string;
}

/** The certificate photo step as the screen shows it: never the photo itself. */
export interface PhotoStepView {
  readonly status: 'pending' | 'provided' | 'declined';
  readonly spec: PhotoSpec;
  /** What a citizen who declines does instead (from the catalog). */
  readonly alternative: LocalizedText;
  readonly serviceIds: readonly string[];
}

/** What the renderer sends of the certificate photo: the JPEG (base64) the citizen chose to use, or a decline. */
export type PhotoReport =
  { readonly action: 'submit'; readonly jpeg: string } | { readonly action: 'decline' };

/** The face step as the screen shows it: no score, no image. */
export interface FaceStepView {
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly last: 'match' | 'no-match' | 'uncertain' | 'liveness-failed' | 'declined' | 'unavailable' | null;
}

/**
 * What the renderer reports of one face check: an attempt's similarity score and whether the live challenge
 * was passed — never a frame or a descriptor —, the citizen's choice of the non-biometric route, or that the
 * check could not be made on this kiosk (no camera, a card photo without a usable face, the engine failed).
 */
export type FaceReport =
  | { readonly action: 'attempt'; readonly score: number; readonly liveness: boolean }
  | { readonly action: 'decline' }
  | { readonly action: 'unavailable'; readonly reason: 'no-camera' | 'no-photo' | 'engine' };

/** What the renderer needs to run the face check: the cameras to use (null = the first camera found). */
export interface FaceSettingsView {
  readonly citizenCamera: CameraSelectorView | null;
  readonly documentCamera: CameraSelectorView | null;
}

/** The cameras the renderer's browser lists (ids and labels name hardware, never a person). */
export interface CameraReportView {
  readonly cameras: readonly { readonly deviceId: string; readonly label: string }[];
  /** False until the page was granted the camera once: the browser hides ids and labels before. */
  readonly labelsKnown: boolean;
}

/** A camera chosen by its device id or by (part of) its label. */
export interface CameraSelectorView {
  readonly deviceId: string | null;
  readonly label: string | null;
}

/** Whether citizens can be served, and if not, why (the renderer shows the out-of-service screen). */
export type ServiceStateView =
  | { readonly state: 'in-service' }
  | {
      readonly state: 'out-of-service';
      /** No catalog signed by a trusted key has been applied yet, or the applied one expired. */
      readonly reason: 'no-trusted-catalog' | 'catalog-expired';
    };

/** Facts about this kiosk for the renderer. */
export interface KioskInfo {
  readonly version: string;
  readonly kioskId: string;
  readonly kioskName: LocalizedText;
  readonly host: 'electron' | 'browser';
  /** Demonstration or production, decided once at start. */
  readonly mode: 'demonstration' | 'production';
  /** The simulation panel is offered (demonstration kiosks with simulated peripherals only). */
  readonly simulated: boolean;
  readonly service: ServiceStateView;
  /**
   * Whether receipt QR links point at a loopback address (a development or demonstration set-up without
   * `BOOTH_PUBLIC_URL`): a phone cannot open them, and the screens say the link only works on this machine.
   */
  readonly progressLinksLocal: boolean;
}

/** One device's status, as broadcast. */
export interface DeviceStatusView {
  readonly kind: DeviceKind;
  readonly status: DeviceStatus;
  /** A short description of where it is connected (e.g. `simulated`, `serial:/dev/ttyUSB0@115200`). */
  readonly connection: string;
  /** Printer only: the paper roll is nearly used up (its near-end sensor), though it still prints. */
  readonly paperLow?: boolean;
}

/** A code the scanner read, classified. */
export interface ScanView {
  /** The code's text; a GS (U+001D) in it is the GS1 field separator, kept as data. */
  readonly text: string;
  readonly kind: 'appointment' | 'progress' | 'url' | 'unknown';
  readonly symbology: string | null;
  /** Present when the code carries GS1 Application Identifiers (lot, expiry, GTIN…), in order. */
  readonly gs1?: readonly Gs1Element[];
}

/**
 * One transaction of this kiosk as its progress screen shows it (a receipt was scanned or its number typed).
 * Nothing personal: the citizen's name appears only masked, and only when the receipt's QR code (its key)
 * was presented; a typed number shows the status alone.
 */
export interface TransactionProgressView {
  readonly transactionNumber: string;
  /** When the kiosk stored it (ISO, UTC). */
  readonly completedAt: string;
  readonly urgent: boolean;
  /** The services by their catalog names (in all three languages; the screen picks the citizen's). */
  readonly services: readonly { readonly id: string; readonly name: LocalizedText | null }[];
  readonly delivery: DeliveryState;
  /** The processing state the central system reports, when it could be asked (null: unknown right now). */
  readonly centralStatus: 'received' | 'in-progress' | 'ready-for-pickup' | 'done' | null;
  /**
   * For a letter to the chief's mailbox: where the officers have it (null: not a letter, not yet with the
   * central system, or unknown right now). The reply's text only with the receipt's QR code (`keyMatched`).
   */
  readonly letter: LetterProgressView | null;
  /** Whether the receipt was printed at the time (null: not recorded, e.g. before this was kept). */
  readonly receiptPrinted: boolean | null;
  /** The name as the receipt prints it (first character, then asterisks); null without the QR code's key. */
  readonly citizenNameMasked: string | null;
  /** Whether the QR code's key was presented and matched (a typed number has none). */
  readonly keyMatched: boolean;
}

/** A mailbox letter's state as the kiosk's look-up shows it (times ISO, UTC). */
export interface LetterProgressView {
  readonly status: 'received' | 'signed' | 'answered' | 'closed';
  readonly signedAt: string | null;
  readonly answeredAt: string | null;
  readonly closedAt: string | null;
  /** The officers' latest reply; null without one, or without the QR code's key. */
  readonly reply: { readonly text: string; readonly at: string } | null;
  /** A reply exists but is not shown: the number was typed, not scanned from the receipt's QR code. */
  readonly replyWithheld: boolean;
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
  /** A catalog was applied, or (version null) the kiosk went out of service; re-read info and catalog. */
  'catalog.changed': { readonly version: number | null };
  'sync.state': SyncStateView;
  /** The technician's discovery list changed (a device plugged in or out). */
  'technician.discovery': DiscoveryView;
}

/** The outbox and upload state (no personal data). */
export interface SyncStateView {
  readonly completedTotal: number;
  readonly pending: number;
  readonly acknowledged: number;
  /** Refused by the central API because it holds a different record under the same id: a person must look. */
  readonly conflicts: number;
  readonly urgentPending: number;
  readonly oldestPendingAgeMs: number | null;
  readonly lastError: string | null;
  readonly lastSuccessAt: number | null;
}

/**
 * The outcome of a technician's sign-in attempt. A refusal is an expected outcome carrying what the technician
 * needs: how many attempts are left before the lockout, and when a lockout ends (ms since the epoch).
 */
export type TechnicianLoginView =
  | { readonly signedIn: true; readonly expiresAt: number }
  | {
      readonly signedIn: false;
      readonly reason: 'wrong-pin' | 'locked' | 'no-pin-set';
      /** `technician.<reason>`, localized by the renderer. */
      readonly messageKey: string;
      /** Attempts left before the next lockout (0 while locked). */
      readonly attemptsLeft: number;
      /** When the lockout ends, or null when sign-in is not locked. */
      readonly lockedUntil: number | null;
    };

/** A refused catalog, as a technician sees it. */
export interface CatalogRejectionView {
  readonly version?: number;
  readonly reason: string;
  readonly message: string;
  readonly source: string;
  readonly at: string;
}

/** What the technician's overview shows: no personal data, everything needed to diagnose the kiosk. */
export interface TechnicianOverview {
  readonly version: string;
  readonly kioskId: string;
  /** Demonstration or production, and why (shown on the technician screen). */
  readonly mode: 'demonstration' | 'production';
  readonly modeReason: string;
  readonly service: ServiceStateView;
  readonly devices: readonly DeviceStatusView[];
  readonly catalog: {
    readonly appliedVersion: number | null;
    readonly appliedSource: 'applied' | 'default' | null;
    readonly stagedVersion: number | null;
    readonly lastRejection: CatalogRejectionView | null;
    readonly expiresAt: string | null;
    readonly expired: boolean;
    readonly floorVersion: number | null;
    /** Key ids of the trusted catalog keys, and key files refused (bad owner, writable by others, unreadable). */
    readonly trustedKeyIds: readonly string[];
    readonly refusedKeyFiles: readonly { readonly file: string; readonly reason: string }[];
  };
  readonly sync: SyncStateView | null;
  /** Recent audit entries: event code, ISO time and flat non-personal details (the screen says them in words). */
  readonly audit: readonly {
    readonly event: string;
    readonly at: string;
    readonly details: Readonly<Record<string, string | number | boolean | null>>;
  }[];
}
