import { randomUUID } from 'node:crypto';
import type { DeviceError } from '../../../drivers/common/result.js';
import type { IdCardData } from '../../../drivers/id-card/types.js';
import type { ApiResult } from '../errors.js';
import { apiError } from '../errors.js';
import type { Result } from '../../../contract/result.js';
import type { FieldError, FormValue } from '../catalog/form-validation.js';
import { MAX_SERVICES_PER_VISIT } from './limits.js';
import { isWithinOpeningHours, localTimeOf } from '../catalog/rules.js';
import { validateForm } from '../catalog/form-validation.js';
import type {
  CardProblemView,
  CompletedVisitView,
  DeliveryState,
  FaceReport,
  PhotoReport,
  PhotoStepView,
  PrefillView,
  VisitView,
} from '../views.js';
import { promiseClocks } from './promise-clocks.js';
import type {
  CardType,
  Catalog,
  CatalogLocale,
  CatalogService,
  PrefillSource,
} from '../../../contract/catalog/schema.js';
import { DEFAULT_FACE_THRESHOLDS, decide, type FaceThresholds } from '../face/policy.js';
import { DEFAULT_PHOTO_SPEC } from '../face/photo.js';
import { checkPhotoJpeg } from '../face/photo-jpeg.js';

/** Face check attempts (a no-match or failed liveness each count) before the officer-review route is taken. */
export const MAX_FACE_ATTEMPTS = 3;

/** Everything needed to complete a visit: the card (full, personal) and the validated form values. */
export interface VisitCompletion {
  readonly locale: CatalogLocale;
  readonly card: IdCardData | null;
  /**
   * How the citizen's identity was checked for services that ask for a face check: matched live against the
   * card photo by this kiosk, or left to an officer's review (declined, uncertain, failed, or no camera).
   */
  readonly faceCheck: 'not-needed' | 'face-verified' | 'officer-review';
  /**
   * The certificate photo for the services that ask for one: the JPEG the citizen agreed to (checked against
   * the spec), or declined (they were told the catalog's alternative). Null or absent when no chosen service
   * asks.
   */
  readonly certificatePhoto?:
    | {
        readonly status: 'provided';
        readonly serviceIds: readonly string[];
        readonly jpeg: Uint8Array;
        readonly width: number;
        readonly height: number;
      }
    | { readonly status: 'declined'; readonly serviceIds: readonly string[] }
    | { readonly status: 'not-given'; readonly serviceIds: readonly string[] }
    | null;
  readonly services: readonly {
    readonly service: CatalogService;
    readonly values: Readonly<Record<string, FormValue>>;
  }[];
}

/** Stores the transaction, queues it for the central API and prints the receipt. */
export type CompleteVisit = (completion: VisitCompletion) => Promise<ApiResult<CompletedVisitView>>;

const SEX_TEXT: Readonly<Record<IdCardData['sex'], string>> = {
  male: '男',
  female: '女',
  unknown: '未知',
  unspecified: '未说明',
};

/** The card's value for a prefill source (full, unmasked). */
function cardValue(card: IdCardData, source: PrefillSource): string | null {
  switch (source) {
    case 'name':
      return card.name;
    case 'sex':
      return SEX_TEXT[card.sex];
    case 'birthDate':
      return card.birthDate;
    case 'idNumber':
      return card.idNumber;
    case 'address':
      return card.address;
    case 'nationality':
      return card.nationality;
    case 'englishName':
      return card.englishName;
    case 'passNumber':
      return card.passNumber;
  }
}

/** What the visit service needs from its surroundings. */
export interface VisitServiceOptions {
  /** The applied catalog (read at each visit start, so a new catalog takes effect on the next visit). */
  readonly catalog: () => Catalog;
  /** Masks an ID or permit number for the screen. */
  readonly maskIdNumber: (idNumber: string) => string;
  /** Called whenever the visit changes or ends (null). */
  readonly onChange: (visit: VisitView | null) => void;
  /** Decodes the card's WLT photo to a BMP; absent or null = no photo shown. */
  readonly decodePhoto?: (wlt: Uint8Array) => Promise<Uint8Array | null>;
  /** Completes a submitted visit (store, outbox, receipt). */
  readonly complete?: CompleteVisit;
  /** Called after a visit ended (finished, cancelled or timed out): the moment to apply a staged catalog. */
  readonly onEnded?: (reason: 'finished' | 'cancelled' | 'expired') => void;
  /** A visit left untouched this long is wiped (a safety net behind the renderer's own idle warning). */
  readonly maxIdleMs?: number;
  /**
   * Asks the reader to read the card in its field again (`IdCardReader.rescan`): a visit that needs a card
   * starts with the card still lying on the reader, read before the recent-card window or by the last visit.
   */
  readonly rescanCard?: () => void;
  /**
   * Whether the kiosk can save a visit now (the store's `checkStorage`): asked at every visit start, so a full
   * or read-only disk is said before the citizen types anything rather than at submit. Absent: not checked.
   */
  readonly checkStorage?: () => Promise<Result<unknown, { readonly code: string }>>;
  /** The face thresholds; the core decides from the reported score with these (default: calibrated). */
  readonly faceThresholds?: FaceThresholds;
  readonly now?: () => number;
}

/** How long a card read before a visit started may still be used by the next visit. */
export const RECENT_CARD_MS = 15_000;

/** The kiosk's local calendar date of `ms`, `YYYY-MM-DD` (cards print their dates in local terms). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Whether a card has expired on `today` (`YYYY-MM-DD`, kiosk local time). A card is valid through the last
 * day printed on it; `validTo` null is 长期 (no expiry).
 */
export function cardExpired(validTo: string | null, today: string): boolean {
  return validTo !== null && validTo < today;
}

/**
 * What an expired card means for a set of chosen services: accepted (with a notice) only when every service
 * that reads the card says so; one service that refuses (the default) refuses it for the visit.
 */
export function expiryPolicyOf(services: readonly CatalogService[]): 'refuse' | 'accept-with-notice' {
  const reading = services.filter((s) => s.identity !== 'none');
  return reading.length > 0 && reading.every((s) => s.cardExpiry === 'accept-with-notice')
    ? 'accept-with-notice'
    : 'refuse';
}

/** A delivery event of the transaction being completed, kept until its result exists. */
type DeliveryEvent = { readonly state: Exclude<DeliveryState, 'saved'>; readonly at: number };

/** The delivery state after an event: acknowledgement and rejection are final; a failure only moves `saved`. */
function nextDelivery(result: CompletedVisitView, event: DeliveryEvent): CompletedVisitView {
  if (result.delivery === 'acknowledged' || result.delivery === 'rejected') return result;
  if (event.state === 'retrying') {
    return result.delivery === 'saved' ? { ...result, delivery: 'retrying' } : result;
  }
  if (event.state === 'acknowledged') {
    return {
      ...result,
      delivery: 'acknowledged',
      acknowledged: true,
      acknowledgedAt: new Date(event.at).toISOString(),
    };
  }
  return { ...result, delivery: 'rejected' };
}

/** Overwrites what can be overwritten: photo and fingerprint bytes are buffers we own; strings just go. */
function wipeCardBytes(card: IdCardData): void {
  card.photoWlt.fill(0);
  card.fingerprint?.fill(0);
}

/**
 * One citizen's visit: which services they chose, who they are (from the ID card), and nothing else once it
 * ends. Personal data lives only here, in memory, until the visit finishes or is cancelled; then it is wiped.
 */
export class VisitService {
  private visit: {
    id: string;
    services: CatalogService[];
    needsIdentity: boolean;
    eligible: ReadonlySet<string>;
    card: IdCardData | null;
    /** The decoded photo as a data URL (personal data: wiped with the card). */
    photo: string | null;
    problem: CardProblemView | null;
    /** The citizen went back from confirm to identify: the card read is kept until another replaces it. */
    backToIdentify: boolean;
    confirmed: boolean;
    /** Face check state for services that ask for one (see {@link VisitService.reportFace}). */
    face: {
      status: 'pending' | 'face-verified' | 'officer-review';
      attempts: number;
      last: 'match' | 'no-match' | 'uncertain' | 'liveness-failed' | 'declined' | 'unavailable' | null;
    };
    /** The certificate photo (personal data: wiped with the card, and when the visit ends). */
    certificatePhoto: { status: 'pending' | 'provided' | 'declined'; jpeg: Uint8Array | null };
    submitting: boolean;
    result: CompletedVisitView | null;
    /** Expired card accepted with a notice (every chosen service allows it): its last valid day. */
    expiredOn: string | null;
    /**
     * Delivery events (acknowledged, failed, rejected) that arrived while the visit was still being completed
     * (printing the receipt), by transaction number, in order.
     */
    earlyDelivery: { number: string; event: DeliveryEvent }[];
    /**
     * When a duty officer acknowledged this visit's urgent report (ISO), or, while the visit is still being
     * completed, an acknowledgement that arrived early (by number).
     */
    commandCentre: { number: string; at: string } | null;
    startedAt: number;
    touchedAt: number;
  } | null = null;
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private recentCard: { card: IdCardData; at: number } | null = null;
  private recentCardTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: VisitServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a visit is in progress (catalog updates wait until it is not). */
  get inProgress(): boolean {
    return this.visit !== null;
  }

  /**
   * Starts a visit with the chosen services, once the kiosk has said it can save it: on a full or read-only disk
   * the citizen is told `storage-unavailable` (nothing was lost; ask an officer) before any form.
   */
  async start(serviceIds: readonly string[]): Promise<ApiResult<VisitView>> {
    if (this.visit) return { ok: false, error: apiError('visit-in-progress') };
    if (this.options.checkStorage) {
      let problem: string | null;
      try {
        const storage = await this.options.checkStorage();
        problem = storage.ok ? null : storage.error.code;
      } catch {
        // The check itself failed (the store logs its own faults): a visit that may not be saved is not started.
        problem = 'unknown';
      }
      if (problem !== null) return { ok: false, error: apiError('storage-unavailable', problem) };
    }
    return this.startChecked(serviceIds);
  }

  /** The synchronous part of {@link start}: re-checks for a visit begun while the storage check ran. */
  private startChecked(serviceIds: readonly string[]): ApiResult<VisitView> {
    if (this.visit) return { ok: false, error: apiError('visit-in-progress') };
    const unique = [...new Set(serviceIds)];
    if (unique.length === 0 || unique.length > MAX_SERVICES_PER_VISIT) {
      return {
        ok: false,
        error: apiError('invalid-params', `choose 1 to ${MAX_SERVICES_PER_VISIT} services`),
      };
    }
    const catalog = this.options.catalog();
    const services: CatalogService[] = [];
    for (const id of unique) {
      const service = catalog.services.find((s) => s.id === id);
      if (!service) return { ok: false, error: apiError('unknown-service', id.slice(0, 80)) };
      // Kiosk groups were applied to the catalog already; opening hours are checked now.
      if (!isWithinOpeningHours(service, localTimeOf(new Date(this.now())))) {
        return { ok: false, error: apiError('service-unavailable', id.slice(0, 80)) };
      }
      services.push(service);
    }
    const identityServices = services.filter((s) => s.identity !== 'none');
    // A card must suit every chosen service that reads it.
    let eligible: Set<string> | null = null as Set<string> | null;
    for (const s of identityServices) {
      const types = new Set<string>(s.eligibleCardTypes);
      eligible = eligible ? new Set([...eligible].filter((t: string) => types.has(t))) : types;
    }
    if (eligible && eligible.size === 0) {
      // No single card suits all of them (e.g. a resident-only and a permit-only service): say so now rather
      // than leave the citizen at "place your card" with every card refused.
      return { ok: false, error: apiError('services-incompatible') };
    }
    const at = this.now();
    this.visit = {
      id: randomUUID(),
      services,
      needsIdentity: identityServices.length > 0,
      eligible: eligible ?? new Set(),
      card: null,
      photo: null,
      problem: null,
      backToIdentify: false,
      confirmed: false,
      face: { status: 'pending', attempts: 0, last: null },
      certificatePhoto: { status: 'pending', jpeg: null },
      submitting: false,
      result: null,
      expiredOn: null,
      earlyDelivery: [],
      commandCentre: null,
      startedAt: at,
      touchedAt: at,
    };
    this.armIdleTimer();
    const recent = this.takeRecentCard();
    if (recent && this.visit.needsIdentity) {
      this.cardRead(recent);
      return { ok: true, value: this.view() };
    }
    if (recent) wipeCardBytes(recent);
    // A card may still lie on the reader, read before the recent-card window or during the last visit: the
    // reader reads it again rather than leave the citizen at "place your card" with the card in place.
    if (this.visit.needsIdentity) this.options.rescanCard?.();
    return this.changed();
  }

  /** The visit in progress, as the screen sees it. */
  current(): VisitView | null {
    return this.visit ? this.view() : null;
  }

  /** Marks activity (the renderer calls it on interaction) so the safety net does not fire. */
  touch(): void {
    if (this.visit) this.visit.touchedAt = this.now();
  }

  /**
   * A card was read by the reader. A card read while no visit waits for one (placed before pressing start) is
   * kept for {@link RECENT_CARD_MS} and then wiped, so the next visit can use it without a lift-and-replace.
   */
  cardRead(card: IdCardData): void {
    const visit = this.visit;
    if (!visit) {
      this.keepRecentCard(card);
      return;
    }
    if (visit.backToIdentify && visit.card && !visit.result) {
      // Back at the identify step with a card kept: a newly placed card takes its place, and a face check
      // made against the old card's photo does not carry over to the new one.
      this.wipeCard();
      visit.backToIdentify = false;
      visit.face = { status: 'pending', attempts: 0, last: null };
      // Nor does a photo of the person who held the old card.
      visit.certificatePhoto = { status: 'pending', jpeg: null };
    }
    if (!visit.needsIdentity || visit.card || visit.result) {
      wipeCardBytes(card);
      return;
    }
    visit.touchedAt = this.now();
    if (!visit.eligible.has(card.cardType)) {
      visit.problem = { code: 'card-not-eligible', messageKey: 'card.notEligible' };
      wipeCardBytes(card);
    } else if (card.idNumber.length === 18 && !card.idNumberValid) {
      // A resident-style number whose check digit is wrong: a damaged card or a forgery — never accept it.
      visit.problem = { code: 'id-number-invalid', messageKey: 'card.idNumberInvalid' };
      wipeCardBytes(card);
    } else if (
      cardExpired(card.validTo, localDate(this.now())) &&
      expiryPolicyOf(visit.services) === 'refuse'
    ) {
      // Expired, and a chosen service does not take expired cards: say so, with the date, never silently.
      visit.problem = {
        code: 'card-expired',
        messageKey: 'card.expired',
        ...(card.validTo ? { validTo: card.validTo } : {}),
      };
      wipeCardBytes(card);
    } else {
      visit.card = card;
      visit.problem = null;
      visit.expiredOn = cardExpired(card.validTo, localDate(this.now())) ? card.validTo : null;
      this.decodePhotoOf(visit, card);
    }
    this.changed();
  }

  /** The reader saw a card but could not read it. */
  cardFailed(error: DeviceError): void {
    const visit = this.visit;
    if (!visit || !visit.needsIdentity || visit.card || visit.result) return;
    visit.problem =
      error.code === 'unknown-card-type' || error.recovery === 'unsupported'
        ? { code: 'card-unsupported', messageKey: 'card.unsupported' }
        : { code: 'card-read-failed', messageKey: 'card.readAgain' };
    this.changed();
  }

  /**
   * The citizen checked the identity (or there was none to check): on to the forms. At the identify step with a
   * card kept after going {@link back}, it moves on to confirm with that card instead.
   */
  proceed(): ApiResult<VisitView> {
    const visit = this.visit;
    if (!visit) return { ok: false, error: apiError('no-visit') };
    if (visit.needsIdentity && !visit.card)
      return { ok: false, error: apiError('wrong-step', 'identify first') };
    if (visit.result) return { ok: false, error: apiError('wrong-step', 'already submitted') };
    if (visit.backToIdentify) {
      visit.backToIdentify = false;
      visit.touchedAt = this.now();
      return this.changed();
    }
    visit.confirmed = true;
    visit.touchedAt = this.now();
    return this.changed();
  }

  /**
   * The renderer's report of a face check, made on the form step before the forms are shown (the screen puts
   * the consent and the camera there). The core decides from the score with its own thresholds: a match
   * with a passed live challenge verifies; an uncertain score goes to an officer's review at once; a no-match
   * or a failed challenge may be tried again up to {@link MAX_FACE_ATTEMPTS} times, then goes to review too.
   * Declining, or a check this kiosk cannot make (no camera, no usable card photo), goes to review. Only the
   * outcome is kept, never the score.
   */
  reportFace(report: FaceReport): ApiResult<VisitView> {
    const visit = this.visit;
    if (!visit) return { ok: false, error: apiError('no-visit') };
    if (!visit.confirmed || visit.result || visit.submitting || !this.needsFace(visit))
      return { ok: false, error: apiError('wrong-step') };
    if (visit.face.status !== 'pending')
      return { ok: false, error: apiError('wrong-step', 'face check done') };
    const face = visit.face;
    if (report.action === 'decline' || report.action === 'unavailable') {
      face.status = 'officer-review';
      face.last = report.action === 'decline' ? 'declined' : 'unavailable';
    } else {
      face.attempts += 1;
      const decision = report.liveness
        ? decide(report.score, this.options.faceThresholds ?? DEFAULT_FACE_THRESHOLDS)
        : 'liveness-failed';
      face.last = decision;
      if (decision === 'match') face.status = 'face-verified';
      else if (decision === 'uncertain' || face.attempts >= MAX_FACE_ATTEMPTS) face.status = 'officer-review';
    }
    visit.touchedAt = this.now();
    return this.changed();
  }

  /**
   * The renderer's certificate photo, after the citizen consented and chose "use this photo" — or their decline,
   * after which they were shown the catalog's alternative. The JPEG is checked here again (size limit, the
   * spec's pixel size, decodes whole) whatever the renderer checked; a new photo replaces the last one.
   */
  reportPhoto(report: PhotoReport): ApiResult<VisitView> {
    const visit = this.visit;
    if (!visit) return { ok: false, error: apiError('no-visit') };
    const photo = this.photoStep(visit);
    if (!visit.confirmed || visit.result || visit.submitting || !photo || !visit.card)
      return { ok: false, error: apiError('wrong-step') };
    visit.certificatePhoto.jpeg?.fill(0);
    if (report.action === 'decline') {
      visit.certificatePhoto = { status: 'declined', jpeg: null };
    } else {
      const bytes = new Uint8Array(Buffer.from(report.jpeg, 'base64'));
      const problem = checkPhotoJpeg(bytes, photo.spec);
      if (problem) {
        bytes.fill(0);
        visit.certificatePhoto = { status: 'pending', jpeg: null };
        return { ok: false, error: apiError('invalid-params', `certificate photo: ${problem}`) };
      }
      visit.certificatePhoto = { status: 'provided', jpeg: bytes };
    }
    visit.touchedAt = this.now();
    return this.changed();
  }

  /**
   * Validates every chosen service's form (prefilled fields take the card's values, whatever was sent) and
   * completes the visit. Field errors come back as `validation-failed` with the fields in `detail`.
   */
  async submit(
    locale: CatalogLocale,
    forms: Readonly<Record<string, Readonly<Record<string, FormValue>>>>,
  ): Promise<ApiResult<VisitView>> {
    const visit = this.visit;
    if (!visit) return { ok: false, error: apiError('no-visit') };
    if (!visit.confirmed || visit.result || visit.submitting)
      return { ok: false, error: apiError('wrong-step') };
    const unknown = Object.keys(forms).filter((id) => !visit.services.some((s) => s.id === id));
    if (unknown.length > 0)
      return { ok: false, error: apiError('unknown-service', unknown[0]?.slice(0, 80)) };
    const errors: (FieldError & { serviceId: string })[] = [];
    const services = visit.services.map((service) => {
      const values: Record<string, FormValue> = { ...(forms[service.id] ?? {}) };
      const fromCardIds = new Set<string>();
      for (const field of service.form.fields) {
        if (!field.prefill) continue;
        const fromCard = visit.card ? cardValue(visit.card, field.prefill) : null;
        if (fromCard === null) continue;
        values[field.id] = fromCard;
        fromCardIds.add(field.id);
      }
      // The card is authoritative: its values are not held to the catalog's patterns (which the citizen could
      // not fix anyway — those fields are read-only).
      for (const e of validateForm(service.form.fields, values)) {
        if (!fromCardIds.has(e.fieldId)) errors.push({ ...e, serviceId: service.id });
      }
      return { service, values };
    });
    if (errors.length > 0) {
      const detail = JSON.stringify(errors.slice(0, 50));
      return { ok: false, error: apiError('validation-failed', detail) };
    }
    const complete = this.options.complete;
    if (!complete) return { ok: false, error: apiError('internal', 'no completion service') };
    visit.submitting = true;
    visit.touchedAt = this.now();
    let result: ApiResult<CompletedVisitView>;
    try {
      result = await complete({
        locale,
        card: visit.card,
        faceCheck: this.faceOutcome(visit),
        certificatePhoto: this.photoOutcome(visit),
        services,
      });
    } finally {
      visit.submitting = false;
    }
    if (this.visit !== visit) return { ok: false, error: apiError('no-visit') };
    if (!result.ok) return result;
    let stored = result.value;
    for (const early of visit.earlyDelivery) {
      if (early.number === stored.transactionNumber) stored = nextDelivery(stored, early.event);
    }
    visit.earlyDelivery = [];
    visit.result = stored;
    // The transaction is stored (sealed); the visit keeps no more personal data than the final screen needs.
    this.wipeCard();
    return this.changed();
  }

  /** The central API acknowledged a transaction: the final screen says so (and starts the promise clocks). */
  acknowledged(transactionNumber: string): void {
    this.delivered(transactionNumber, { state: 'acknowledged', at: this.now() });
  }

  /**
   * A duty officer in the command centre acknowledged an urgent report (the central system said so): the final
   * screen now says "acknowledged by the command centre", and the visit may end without the 110 confirmation.
   * An officer acknowledges only what the central system has, so the delivery is acknowledged too.
   */
  commandCentreAcknowledged(transactionNumber: string, at: string): void {
    const visit = this.visit;
    if (!visit || visit.commandCentre?.number === transactionNumber) return;
    if (visit.submitting && !visit.result) {
      visit.commandCentre = { number: transactionNumber, at };
      this.delivered(transactionNumber, { state: 'acknowledged', at: Date.parse(at) });
      return;
    }
    if (visit.result?.transactionNumber !== transactionNumber || !visit.result.urgent) return;
    visit.commandCentre = { number: transactionNumber, at };
    visit.result = nextDelivery(visit.result, { state: 'acknowledged', at: Date.parse(at) });
    this.changed();
  }

  /**
   * Whether the kiosk should keep asking the central system about the urgent report `transactionNumber`: while it
   * is being completed or shown on the final screen, and no officer has acknowledged it yet.
   */
  awaitsCommandCentre(transactionNumber: string): boolean {
    const visit = this.visit;
    if (!visit || visit.commandCentre?.number === transactionNumber) return false;
    if (visit.submitting && !visit.result) return true;
    return visit.result?.transactionNumber === transactionNumber && visit.result.urgent;
  }

  /** An attempt to send a transaction failed; the uploader retries it. The final screen says it is not sent. */
  deliveryFailed(transactionNumber: string): void {
    this.delivered(transactionNumber, { state: 'retrying', at: this.now() });
  }

  /** The central API refused a transaction for good; the final screen tells the citizen to ask an officer. */
  rejected(transactionNumber: string): void {
    this.delivered(transactionNumber, { state: 'rejected', at: this.now() });
  }

  private delivered(transactionNumber: string, event: DeliveryEvent): void {
    const visit = this.visit;
    if (visit?.submitting && !visit.result) {
      // An urgent report can be acknowledged (or fail) before the receipt has finished printing.
      if (visit.earlyDelivery.length < 16) visit.earlyDelivery.push({ number: transactionNumber, event });
      return;
    }
    if (!visit?.result || visit.result.transactionNumber !== transactionNumber) return;
    const next = nextDelivery(visit.result, event);
    if (next === visit.result) return;
    visit.result = next;
    this.changed();
  }

  /**
   * One step back, losing nothing the citizen gave: form → confirm (the renderer keeps what was typed), confirm →
   * identify (the card read is kept until another card is placed or the citizen goes on with it), and from the
   * first step back to choosing services: the visit ends (`null`; the renderer keeps the choice), as nothing can
   * be kept in the core before a visit starts. A visit without a card has no identity to go back to: its form
   * goes straight back to choosing. Refused once submitted or while being submitted.
   */
  back(): ApiResult<VisitView | null> {
    const visit = this.visit;
    if (!visit) return { ok: false, error: apiError('no-visit') };
    if (visit.result || visit.submitting) return { ok: false, error: apiError('wrong-step', 'submitted') };
    visit.touchedAt = this.now();
    if (visit.confirmed && visit.needsIdentity) {
      visit.confirmed = false;
      return this.changed();
    }
    if (visit.needsIdentity && visit.card && !visit.backToIdentify) {
      visit.backToIdentify = true;
      visit.problem = null;
      return this.changed();
    }
    this.end('cancelled');
    return { ok: true, value: null };
  }

  /**
   * Ends the visit after the result was shown. An urgent report the command centre has not acknowledged ends
   * only when the citizen confirmed they read the advice to call 110 (`acceptUndelivered`); the kiosk keeps
   * sending it whatever happens to the screen.
   */
  finish(options: { readonly acceptUndelivered?: boolean } = {}): ApiResult<null> {
    const visit = this.visit;
    if (!visit) return { ok: false, error: apiError('no-visit') };
    if (!visit.result) return { ok: false, error: apiError('wrong-step', 'submit first') };
    if (visit.result.urgent && !this.commandCentreAt(visit) && options.acceptUndelivered !== true)
      return { ok: false, error: apiError('urgent-not-acknowledged') };
    this.end('finished');
    return { ok: true, value: null };
  }

  /**
   * Abandons the visit (the citizen pressed cancel, or the renderer's idle timeout ran out). Refused while the
   * visit is being submitted: the transaction may already be stored, and the citizen must see its number.
   */
  cancel(): ApiResult<null> {
    if (this.visit?.submitting) return { ok: false, error: apiError('wrong-step', 'being submitted') };
    if (this.visit) this.end('cancelled');
    return { ok: true, value: null };
  }

  /** Drops a card read while no visit waited for one (e.g. a technician's reader test). */
  forgetRecentCard(): void {
    const recent = this.takeRecentCard();
    if (recent) wipeCardBytes(recent);
  }

  /** Stops timers (core shutdown). */
  dispose(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.wipe();
    const recent = this.takeRecentCard();
    if (recent) wipeCardBytes(recent);
  }

  private keepRecentCard(card: IdCardData): void {
    if (this.recentCard) wipeCardBytes(this.recentCard.card);
    if (this.recentCardTimer) clearTimeout(this.recentCardTimer);
    this.recentCard = { card, at: this.now() };
    this.recentCardTimer = setTimeout(() => {
      const recent = this.takeRecentCard();
      if (recent) wipeCardBytes(recent);
    }, RECENT_CARD_MS);
    this.recentCardTimer.unref?.();
  }

  private takeRecentCard(): IdCardData | null {
    const recent = this.recentCard;
    this.recentCard = null;
    if (this.recentCardTimer) clearTimeout(this.recentCardTimer);
    this.recentCardTimer = null;
    if (!recent || this.now() - recent.at > RECENT_CARD_MS) {
      if (recent) wipeCardBytes(recent.card);
      return null;
    }
    return recent.card;
  }

  private end(reason: 'finished' | 'cancelled' | 'expired'): void {
    this.wipe();
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.options.onChange(null);
    this.options.onEnded?.(reason);
  }

  /** When an officer acknowledged the visit's urgent report (null: not yet, or not urgent). */
  private commandCentreAt(visit: {
    readonly commandCentre: { number: string; at: string } | null;
    readonly result: CompletedVisitView | null;
  }): string | null {
    const { commandCentre, result } = visit;
    return commandCentre && result?.urgent === true && commandCentre.number === result.transactionNumber
      ? commandCentre.at
      : null;
  }

  private wipe(): void {
    this.wipeCard();
    this.visit = null;
  }

  private wipeCard(): void {
    const visit = this.visit;
    if (visit?.card) wipeCardBytes(visit.card);
    if (visit) {
      visit.certificatePhoto.jpeg?.fill(0);
      visit.certificatePhoto.jpeg = null;
      visit.card = null;
      visit.photo = null;
      visit.expiredOn = null;
    }
  }

  /** Decodes the photo in the background; it appears on screen if the same card is still there. */
  private decodePhotoOf(visit: NonNullable<VisitService['visit']>, card: IdCardData): void {
    const decode = this.options.decodePhoto;
    if (!decode) return;
    void decode(card.photoWlt)
      .then((bmp) => {
        if (!bmp || this.visit !== visit || visit.card !== card) return;
        visit.photo = `data:image/bmp;base64,${Buffer.from(bmp).toString('base64')}`;
        this.changed();
      })
      // The card photo is shown when it decodes; without it the visit goes on (nothing personal to log).
      .catch(() => undefined);
  }

  private needsFace(visit: NonNullable<VisitService['visit']>): boolean {
    return visit.services.some((s) => s.identity === 'id-card+face');
  }

  /**
   * What the transaction records: anything short of a verified match — declined, uncertain, failed, or never
   * attempted (no camera, or a client that skipped the face screen) — is left to an officer.
   */
  private faceOutcome(visit: NonNullable<VisitService['visit']>): VisitCompletion['faceCheck'] {
    if (!this.needsFace(visit)) return 'not-needed';
    return visit.face.status === 'face-verified' ? 'face-verified' : 'officer-review';
  }

  /** The certificate photo step of a visit whose services ask for one (the first such service's spec). */
  private photoStep(visit: NonNullable<VisitService['visit']>): PhotoStepView | null {
    const asking = visit.services.filter((s) => s.certificatePhoto);
    const first = asking[0]?.certificatePhoto;
    if (!first) return null;
    return {
      status: visit.certificatePhoto.status,
      spec: first.spec ?? DEFAULT_PHOTO_SPEC,
      alternative: first.alternative,
      serviceIds: asking.map((s) => s.id),
    };
  }

  /** What the transaction carries of the certificate photo (a photo never given is recorded as such). */
  private photoOutcome(visit: NonNullable<VisitService['visit']>): VisitCompletion['certificatePhoto'] {
    const step = this.photoStep(visit);
    if (!step) return null;
    const { jpeg } = visit.certificatePhoto;
    if (visit.certificatePhoto.status === 'provided' && jpeg)
      return {
        status: 'provided',
        serviceIds: step.serviceIds,
        jpeg,
        width: step.spec.width,
        height: step.spec.height,
      };
    return {
      status: visit.certificatePhoto.status === 'declined' ? 'declined' : 'not-given',
      serviceIds: step.serviceIds,
    };
  }

  private prefill(): VisitView['prefill'] {
    const visit = this.visit;
    const card = visit?.card;
    if (!visit || !card || !visit.confirmed) return {};
    const out: Record<string, Record<string, PrefillView>> = {};
    for (const service of visit.services) {
      const fields: Record<string, PrefillView> = {};
      for (const field of service.form.fields) {
        if (!field.prefill) continue;
        const value = cardValue(card, field.prefill);
        if (value === null) continue;
        const masked = field.prefill === 'idNumber' || field.prefill === 'passNumber';
        fields[field.id] = { value: masked ? this.options.maskIdNumber(value) : value, masked };
      }
      out[service.id] = fields;
    }
    return out;
  }

  private armIdleTimer(): void {
    const maxIdleMs = this.options.maxIdleMs ?? 10 * 60_000;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = setInterval(
      () => {
        if (this.visit && !this.visit.submitting && this.now() - this.visit.touchedAt > maxIdleMs)
          this.end('expired');
      },
      Math.min(maxIdleMs, 5_000),
    );
    this.idleTimer.unref?.();
  }

  private changed(): ApiResult<VisitView> {
    const view = this.view();
    this.options.onChange(view);
    return { ok: true, value: view };
  }

  private view(): VisitView {
    const visit = this.visit;
    if (!visit) throw new Error('no visit');
    const card = visit.card;
    return {
      id: visit.id,
      serviceIds: visit.services.map((s) => s.id),
      step: visit.result
        ? 'done'
        : visit.confirmed
          ? 'form'
          : !visit.needsIdentity || (card && !visit.backToIdentify)
            ? 'confirm'
            : 'identify',
      needsIdentity: visit.needsIdentity,
      eligibleCardTypes: [...visit.eligible].sort() as CardType[],
      identity: card
        ? {
            cardType: card.cardType,
            name: card.name,
            idNumberMasked: this.options.maskIdNumber(card.idNumber),
            idNumberValid: card.idNumberValid,
            photo: visit.photo,
            englishName: card.englishName,
            expiredOn: visit.expiredOn,
          }
        : null,
      cardProblem: visit.problem,
      faceCheck: this.needsFace(visit) ? visit.face.status : 'not-needed',
      face: this.needsFace(visit)
        ? { attempts: visit.face.attempts, maxAttempts: MAX_FACE_ATTEMPTS, last: visit.face.last }
        : null,
      certificatePhoto: this.photoStep(visit),
      prefill: this.prefill(),
      // Promise clocks run from the acknowledgement, so they are worked out afresh with each change.
      result: visit.result
        ? {
            ...visit.result,
            promises: promiseClocks(visit.services, visit.result.acknowledgedAt),
            commandCentreAcknowledgedAt: this.commandCentreAt(visit),
          }
        : null,
      startedAt: new Date(visit.startedAt).toISOString(),
    };
  }
}
