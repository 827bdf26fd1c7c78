import { randomUUID } from 'node:crypto';
import type { DeviceError } from '../../../drivers/common/result.js';
import type { IdCardData } from '../../../drivers/id-card/types.js';
import type { ApiResult } from '../../api/protocol.js';
import { apiError } from '../../api/protocol.js';
import type { CardProblemView, VisitView } from '../../api/views.js';
import type { Catalog, CatalogService } from '../catalog/schema.js';

/** What the visit service needs from its surroundings. */
export interface VisitServiceOptions {
  /** The applied catalog (read at each visit start, so a new catalog takes effect on the next visit). */
  readonly catalog: () => Catalog;
  /** Masks an ID or permit number for the screen. */
  readonly maskIdNumber: (idNumber: string) => string;
  /** Called whenever the visit changes or ends (null). */
  readonly onChange: (visit: VisitView | null) => void;
  /** Called after a visit ended (finished, cancelled or timed out): the moment to apply a staged catalog. */
  readonly onEnded?: (reason: 'finished' | 'cancelled' | 'expired') => void;
  /** A visit left untouched this long is wiped (a safety net behind the renderer's own idle warning). */
  readonly maxIdleMs?: number;
  readonly now?: () => number;
}

/** The most services one visit may combine. */
export const MAX_SERVICES_PER_VISIT = 8;

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
    problem: CardProblemView | null;
    startedAt: number;
    touchedAt: number;
  } | null = null;
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: VisitServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a visit is in progress (catalog updates wait until it is not). */
  get inProgress(): boolean {
    return this.visit !== null;
  }

  /** Starts a visit with the chosen services. */
  start(serviceIds: readonly string[]): ApiResult<VisitView> {
    if (this.visit) return { ok: false, error: apiError('visit-in-progress') };
    const unique = [...new Set(serviceIds)];
    if (unique.length === 0 || unique.length > MAX_SERVICES_PER_VISIT) {
      return { ok: false, error: apiError('invalid-params', `choose 1 to ${MAX_SERVICES_PER_VISIT} services`) };
    }
    const catalog = this.options.catalog();
    const services: CatalogService[] = [];
    for (const id of unique) {
      const service = catalog.services.find((s) => s.id === id);
      if (!service) return { ok: false, error: apiError('unknown-service', id.slice(0, 80)) };
      services.push(service);
    }
    const identityServices = services.filter((s) => s.identity !== 'none');
    // A card must suit every chosen service that reads it.
    let eligible: Set<string> | null = null as Set<string> | null;
    for (const s of identityServices) {
      const types = new Set<string>(s.eligibleCardTypes);
      eligible = eligible ? new Set([...eligible].filter((t: string) => types.has(t))) : types;
    }
    const at = this.now();
    this.visit = {
      id: randomUUID(),
      services,
      needsIdentity: identityServices.length > 0,
      eligible: eligible ?? new Set(),
      card: null,
      problem: null,
      startedAt: at,
      touchedAt: at,
    };
    this.armIdleTimer();
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

  /** A card was read by the reader. Ignored when no visit is waiting for one. */
  cardRead(card: IdCardData): void {
    const visit = this.visit;
    if (!visit || !visit.needsIdentity || visit.card) return;
    visit.touchedAt = this.now();
    if (!visit.eligible.has(card.cardType)) {
      visit.problem = { code: 'card-not-eligible', messageKey: 'card.notEligible' };
    } else if (card.idNumber.length === 18 && !card.idNumberValid) {
      // A resident-style number whose check digit is wrong: a damaged card or a forgery — never accept it.
      visit.problem = { code: 'id-number-invalid', messageKey: 'card.idNumberInvalid' };
    } else {
      visit.card = card;
      visit.problem = null;
    }
    this.changed();
  }

  /** The reader saw a card but could not read it. */
  cardFailed(error: DeviceError): void {
    const visit = this.visit;
    if (!visit || !visit.needsIdentity || visit.card) return;
    visit.problem =
      error.code === 'unknown-card-type' || error.recovery === 'unsupported'
        ? { code: 'card-unsupported', messageKey: 'card.unsupported' }
        : { code: 'card-read-failed', messageKey: 'card.readAgain' };
    this.changed();
  }

  /** Ends the visit after the citizen confirmed; the identity must have been read if one was needed. */
  finish(): ApiResult<null> {
    const visit = this.visit;
    if (!visit) return { ok: false, error: apiError('no-visit') };
    if (visit.needsIdentity && !visit.card) return { ok: false, error: apiError('wrong-step', 'identify first') };
    this.end('finished');
    return { ok: true, value: null };
  }

  /** Abandons the visit (the citizen pressed cancel, or the renderer's idle timeout ran out). */
  cancel(): void {
    if (this.visit) this.end('cancelled');
  }

  /** Stops timers (core shutdown). */
  dispose(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.wipe();
  }

  private end(reason: 'finished' | 'cancelled' | 'expired'): void {
    this.wipe();
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.options.onChange(null);
    this.options.onEnded?.(reason);
  }

  private wipe(): void {
    const card = this.visit?.card;
    // Overwrite what we can: photo bytes are a buffer we own; strings are dropped with the object.
    card?.photoWlt.fill(0);
    card?.fingerprint?.fill(0);
    this.visit = null;
  }

  private armIdleTimer(): void {
    const maxIdleMs = this.options.maxIdleMs ?? 10 * 60_000;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = setInterval(() => {
      if (this.visit && this.now() - this.visit.touchedAt > maxIdleMs) this.end('expired');
    }, Math.min(maxIdleMs, 5_000));
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
      step: !visit.needsIdentity || card ? 'confirm' : 'identify',
      needsIdentity: visit.needsIdentity,
      identity: card
        ? {
            cardType: card.cardType,
            name: card.name,
            idNumberMasked: this.options.maskIdNumber(card.idNumber),
            idNumberValid: card.idNumberValid,
          }
        : null,
      cardProblem: visit.problem,
      startedAt: new Date(visit.startedAt).toISOString(),
    };
  }
}
