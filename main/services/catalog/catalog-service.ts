import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TypedEmitter } from '../../../drivers/common/emitter.js';
import type { Logger } from '../../core/log.js';
import { createHash } from 'node:crypto';
import type { CatalogFloor, CatalogRejection, CatalogSource, CatalogStore } from './catalog-store.js';
import type { Catalog } from '../../../contract/catalog/schema.js';
import type {
  CatalogVerification,
  CatalogVerificationError,
  KioskIdentity,
  TrustedKey,
  VerifiedCatalog,
} from '../../../contract/catalog/signing.js';
import { err, ok, type Result } from '../../../contract/result.js';
import { canonicalJsonBytes, verifySignedCatalog } from '../../../contract/catalog/signing.js';

/**
 * The kiosk side of catalog updates: verify what arrives (central API or USB file), stage it, and apply it
 * atomically between visits, keeping the last good catalog whatever happens.
 *
 * Policy:
 * - A catalog is verified (signature, trusted key, schema, validity period, audience, version) when offered; the
 *   stored applied one is re-verified at start-up (everything but the validity period, which has its own rule).
 * - Rollback floor: the highest version ever applied is stored apart from the applied file (and written before
 *   it), so no catalog at or below it is ever accepted again — not even after the applied file is deleted or
 *   damaged.
 * - Expiry: a catalog is served until its `expiresAt` (plus the clock-skew tolerance). Once past it, between
 *   visits (never in the middle of one), the kiosk stops offering services (out of service) and keeps polling
 *   for a newer catalog; the expired one is kept only as the rollback reference. The same holds for a kiosk
 *   switched on after its catalog expired. An expired catalog's promises, fees and notices may be wrong, and a
 *   kiosk that is cut off from its publisher must not go on serving them indefinitely.
 * - The shipped demonstration default (resources/catalog/default-catalog.signed.json) is offered only where the
 *   host passes `loadShippedDefault` (demonstration kiosks); it is verified like any other. Its version does not
 *   count for rollback, so the first real catalog is accepted whatever its version.
 * - Offering the exact catalog that is already applied or staged is not a rejection (`unchanged`).
 */

/** The catalog in use. */
export interface CatalogSnapshot {
  readonly catalog: Catalog;
  readonly version: number;
  readonly keyId: string;
  /** `default` = the shipped catalog (nothing applied yet). */
  readonly source: 'applied' | 'default';
}

/** What {@link CatalogService.status} reports for technicians and heartbeats. */
export interface CatalogStatus {
  /** The version applied (the default's when nothing was applied); `null` when no catalog was loaded. */
  readonly appliedVersion: number | null;
  readonly appliedSource: 'applied' | 'default' | null;
  readonly stagedVersion: number | null;
  readonly lastRejection: CatalogRejection | null;
  /** The applied catalog's end of validity (ISO), when one is loaded. */
  readonly expiresAt: string | null;
  /** The applied catalog is past its validity: the kiosk is out of service until a newer one arrives. */
  readonly expired: boolean;
  /** The rollback floor: no version at or below it is accepted. */
  readonly floorVersion: number | null;
}

/** Events of the catalog service. */
export type CatalogServiceEvents = {
  applied: { readonly version: number; readonly previousVersion: number | null };
  /** The applied catalog passed its expiry (between visits); no catalog is usable until a newer one. */
  expired: { readonly version: number; readonly expiresAt: string };
  staged: { readonly version: number; readonly source: CatalogSource };
  rejected: CatalogRejection;
};

/** A catalog {@link CatalogService.offer} took: applied at once, staged until the visit ends, or already in use. */
export interface CatalogOffered {
  readonly outcome: 'applied' | 'staged' | 'unchanged';
  readonly version: number;
}

/** Why {@link CatalogService.offer} took no catalog. */
export type CatalogOfferError =
  /** The catalog failed verification (recorded as the last rejection); the catalog in use stays. */
  | { readonly code: 'rejected'; readonly rejection: CatalogRejection }
  /** The catalog was fine but could not be stored (disk full, permissions); nothing changed. */
  | { readonly code: 'store-failed'; readonly message: string };

/** The outcome of {@link CatalogService.offer}. */
export type CatalogOfferResult = Result<CatalogOffered, CatalogOfferError>;

/** Why {@link CatalogService.applyStagedIfIdle} applied nothing; `store-failed` keeps the catalog staged for a retry. */
export interface CatalogApplyError {
  readonly code: 'nothing-staged' | 'visit-in-progress' | 'store-failed';
}

/** The outcome of {@link CatalogService.applyStagedIfIdle}: the version now in use, or why nothing changed. */
export type CatalogApplyResult = Result<{ readonly version: number }, CatalogApplyError>;

/** Dependencies of the catalog service. */
export interface CatalogServiceOptions {
  readonly store: CatalogStore;
  /** The keys catalogs must be signed with; a function so settings changes take effect without a restart. */
  readonly trustedKeys: readonly TrustedKey[] | (() => readonly TrustedKey[]);
  /** Whether a citizen's visit is running; catalogs are never switched during one. */
  readonly isVisitInProgress: () => boolean;
  /** Loads the shipped signed default catalog (parsed JSON); absent = no fallback. */
  readonly loadShippedDefault?: () => Promise<unknown>;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Tolerated kiosk clock error for issuedAt/expiresAt. */
  readonly clockSkewMs?: number;
  /** Offer applies at once when no visit runs (default true); false = only {@link CatalogService.applyStagedIfIdle}. */
  readonly applyWhenIdle?: boolean;
  /** This kiosk, for catalogs' signed audience; absent = audiences are not checked (offline tools only). */
  readonly kiosk?: KioskIdentity;
}

interface Held {
  readonly snapshot: CatalogSnapshot;
  readonly doc: unknown;
}

/** The shipped signed default catalog's path under the resources folder. */
export function shippedDefaultCatalogPath(resourcesDir: string): string {
  return path.join(resourcesDir, 'catalog', 'default-catalog.signed.json');
}

/** A loader for the shipped signed default catalog, for {@link CatalogServiceOptions.loadShippedDefault}. */
export function shippedDefaultLoader(resourcesDir: string): () => Promise<unknown> {
  return async () => JSON.parse(await readFile(shippedDefaultCatalogPath(resourcesDir), 'utf8')) as unknown;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameCatalog(a: unknown, b: unknown): boolean {
  try {
    return canonicalJsonBytes(a).equals(canonicalJsonBytes(b));
  } catch {
    // Not canonicalizable (not JSON data): not the same catalog.
    return false;
  }
}

function catalogOf(doc: unknown): unknown {
  return typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).catalog : undefined;
}

/** SHA-256 (hex) of a signed document's canonical catalog; null when it has none. */
function catalogDigest(doc: unknown): string | null {
  try {
    return createHash('sha256')
      .update(canonicalJsonBytes(catalogOf(doc)))
      .digest('hex');
  } catch {
    // Not canonicalizable: it has no digest, so it never matches the floor.
    return null;
  }
}

/** Verifies, stages and applies service catalogs on the kiosk. Call {@link init} once before use. */
export class CatalogService {
  /** applied / staged / rejected notifications. */
  readonly events = new TypedEmitter<CatalogServiceEvents>();
  private applied: Held | null = null;
  private staged: (Held & { readonly source: CatalogSource }) | null = null;
  /** Persisted as applied but not yet switched in memory, because a visit began meanwhile. */
  private pendingSwap: Held | null = null;
  private rejection: CatalogRejection | null = null;
  /** The rollback floor as last read or written. */
  private floorRecord: CatalogFloor | null = null;
  private expired = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: CatalogServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Loads and re-verifies the stored catalogs, falls back to the shipped default, applies a staged one if idle. */
  init(): Promise<void> {
    return this.exclusive(async () => {
      this.rejection = await this.options.store.lastRejection().catch((error: unknown) => {
        // Only the technician's view of the last rejection is lost; the catalogs themselves still load.
        this.options.logger?.error('catalog.store-unreadable', {
          part: 'last-rejection',
          message: errorText(error),
        });
        return null;
      });
      try {
        this.floorRecord = await this.options.store.loadFloor();
      } catch (error) {
        // The applied catalog's version still bounds rollback below; say loudly that the floor needs repair.
        this.options.logger?.error('catalog.floor-unreadable', { message: errorText(error) });
      }
      const stored = await this.load(() => this.options.store.loadApplied());
      if (stored !== null) {
        // Below the floor means the applied file was swapped for an older catalog: refused like any rollback.
        const floor = this.floorRecord?.version ?? null;
        const result = this.verify(stored, {
          skipTimeCheck: true,
          appliedVersion: floor === null ? null : floor - 1,
        });
        if (result.ok) {
          this.applied = { doc: stored, snapshot: this.snapshotOf(result.value, 'applied') };
          this.expired = false;
        } else await this.reject(result.error, 'stored');
      }
      if (!this.applied) await this.loadDefault();
      this.checkExpiry();
      const staged = await this.load(() => this.options.store.loadStaged());
      if (staged !== null) {
        const result = this.verify(staged, { appliedVersion: this.rollbackBar() });
        if (result.ok) {
          this.staged = { doc: staged, snapshot: this.snapshotOf(result.value, 'applied'), source: 'stored' };
        } else {
          await this.options.store.saveStaged(null).catch((error: unknown) => {
            // The refused staged file stays on disk, and is refused again at the next start: log, go on.
            this.options.logger?.error('catalog.store-failed', { part: 'staged', message: errorText(error) });
          });
          if (!(
            result.error.code === 'rollback' && sameCatalog(catalogOf(staged), catalogOf(this.applied?.doc))
          )) {
            await this.reject(result.error, 'stored');
          }
        }
      }
    }).then(async () => {
      await this.applyStagedIfIdle();
    });
  }

  /**
   * The catalog in use, or `null` when none is usable: nothing trusted was applied (and there is no default),
   * or the applied one expired. The kiosk is then out of service.
   */
  current(): CatalogSnapshot | null {
    return this.expired ? null : (this.applied?.snapshot ?? null);
  }

  /**
   * Takes the applied catalog out of use once it has expired. Call between visits only (the lead does, on its
   * timer and when a visit ends); a visit in progress keeps the catalog it started with. Returns whether the
   * catalog is (now) expired.
   */
  checkExpiry(): boolean {
    const held = this.applied;
    if (!held || this.expired) return this.expired;
    const expiresAt = held.snapshot.catalog.expiresAt;
    if (this.now() - (this.options.clockSkewMs ?? 5 * 60_000) >= Date.parse(expiresAt)) {
      this.expired = true;
      this.options.logger?.warn('catalog.expired', { version: held.snapshot.version, expiresAt });
      this.events.emit('expired', { version: held.snapshot.version, expiresAt });
    }
    return this.expired;
  }

  /** Versions and the last rejection, for the technician screen, the CLI and heartbeats. */
  status(): CatalogStatus {
    const staged = this.staged ?? this.pendingSwap;
    return {
      appliedVersion: this.applied?.snapshot.version ?? null,
      appliedSource: this.applied?.snapshot.source ?? null,
      stagedVersion: staged?.snapshot.version ?? null,
      lastRejection: this.rejection,
      expiresAt: this.applied?.snapshot.catalog.expiresAt ?? null,
      expired: this.expired,
      floorVersion: this.floorRecord?.version ?? null,
    };
  }

  /**
   * Offers a signed catalog (untrusted JSON). Rejections are recorded and logged, and the catalog in use
   * stays; an accepted one is staged and, when no visit runs, applied at once.
   */
  async offer(doc: unknown, source: 'central' | 'file'): Promise<CatalogOfferResult> {
    const staged = await this.exclusive(async (): Promise<CatalogOfferResult> => {
      let newest = Math.max(this.rollbackBar() ?? 0, this.staged?.snapshot.version ?? 0);
      // The very catalog the floor records may come back after its file was lost (deleted, damaged): it is
      // no rollback, so it may be applied again — but nothing older, and no other catalog of that version.
      const floor = this.floorRecord;
      if (
        floor &&
        newest === floor.version &&
        this.storedAppliedVersion() !== floor.version &&
        !this.staged &&
        catalogDigest(doc) === floor.digest
      ) {
        newest = floor.version - 1;
      }
      const result = this.verify(doc, { appliedVersion: newest === 0 ? null : newest });
      if (!result.ok) {
        if (result.error.code === 'rollback') {
          for (const held of [this.staged, this.pendingSwap, this.applied]) {
            if (
              held &&
              held.snapshot.version === result.error.version &&
              sameCatalog(catalogOf(doc), catalogOf(held.doc))
            ) {
              return ok({ outcome: 'unchanged', version: held.snapshot.version });
            }
          }
        }
        return err({ code: 'rejected', rejection: await this.reject(result.error, source) });
      }
      const { catalog, keyId } = result.value;
      try {
        await this.options.store.saveStaged(doc);
      } catch (error) {
        const message = `cannot store catalog ${catalog.version}: ${errorText(error)}`;
        this.options.logger?.error('catalog.store-failed', { message });
        return err({ code: 'store-failed', message });
      }
      this.staged = { doc, snapshot: this.snapshotOf(result.value, 'applied'), source };
      this.options.logger?.info('catalog.staged', { version: catalog.version, source, keyId });
      this.events.emit('staged', { version: catalog.version, source });
      return ok({ outcome: 'staged', version: catalog.version });
    });
    if (!staged.ok || staged.value.outcome !== 'staged' || this.options.applyWhenIdle === false)
      return staged;
    const applied = await this.applyStagedIfIdle();
    return applied.ok && applied.value.version === staged.value.version
      ? ok({ outcome: 'applied', version: staged.value.version })
      : staged;
  }

  /**
   * Applies the staged catalog if no visit is running: persisted first, then switched in memory in one step.
   * The lead calls this when a visit ends and on a timer.
   */
  applyStagedIfIdle(): Promise<CatalogApplyResult> {
    return this.exclusive(async (): Promise<CatalogApplyResult> => {
      if (!this.staged && !this.pendingSwap) return err({ code: 'nothing-staged' });
      if (this.options.isVisitInProgress()) return err({ code: 'visit-in-progress' });
      const staged = this.staged;
      if (staged) {
        try {
          // The floor first: a crash between the two writes leaves a floor that is merely ahead.
          const digest = catalogDigest(staged.doc);
          if (digest && (this.floorRecord?.version ?? 0) < staged.snapshot.version) {
            const floor = { version: staged.snapshot.version, digest };
            await this.options.store.saveFloor(floor);
            this.floorRecord = floor;
          }
          await this.options.store.saveApplied(staged.doc);
        } catch (error) {
          this.options.logger?.error('catalog.store-failed', { message: errorText(error) });
          return err({ code: 'store-failed' });
        }
        // A staged file left behind is harmless: at start-up it equals the applied one and is dropped.
        await this.options.store.saveStaged(null).catch((error: unknown) => {
          this.options.logger?.warn('catalog.store-failed', { message: errorText(error) });
        });
        this.pendingSwap = { doc: staged.doc, snapshot: staged.snapshot };
        this.staged = null;
      }
      // A visit may have begun while the files were written: then switch on the next call instead.
      if (this.options.isVisitInProgress()) return err({ code: 'visit-in-progress' });
      const next = this.pendingSwap;
      if (!next) return err({ code: 'nothing-staged' });
      const previousVersion = this.applied?.snapshot.version ?? null;
      this.applied = next;
      this.expired = false;
      this.pendingSwap = null;
      this.options.logger?.info('catalog.applied', { version: next.snapshot.version, previousVersion });
      this.events.emit('applied', { version: next.snapshot.version, previousVersion });
      return ok({ version: next.snapshot.version });
    });
  }

  /** Reads from the store; an unreadable store counts as empty (logged), so the kiosk still starts. */
  private async load(read: () => Promise<unknown>): Promise<unknown> {
    try {
      return await read();
    } catch (error) {
      this.options.logger?.error('catalog.store-unreadable', { message: errorText(error) });
      return null;
    }
  }

  /** The version a new catalog must exceed: the floor or the stored applied version, whichever is higher. */
  private rollbackBar(): number | null {
    const bar = Math.max(this.floorRecord?.version ?? 0, this.storedAppliedVersion() ?? 0);
    return bar === 0 ? null : bar;
  }

  private storedAppliedVersion(): number | null {
    const held = this.pendingSwap ?? this.applied;
    return held && held.snapshot.source === 'applied' ? held.snapshot.version : null;
  }

  private async loadDefault(): Promise<void> {
    const load = this.options.loadShippedDefault;
    if (!load) return;
    let doc: unknown;
    try {
      doc = await load();
    } catch (error) {
      const message = `cannot read the shipped default catalog: ${error instanceof Error ? error.message : String(error)}`;
      await this.reject({ code: 'malformed', message }, 'default');
      return;
    }
    const result = this.verify(doc, { appliedVersion: null });
    if (result.ok) this.applied = { doc, snapshot: this.snapshotOf(result.value, 'default') };
    else await this.reject(result.error, 'default');
  }

  private verify(
    doc: unknown,
    extra: { appliedVersion: number | null; skipTimeCheck?: boolean },
  ): CatalogVerification {
    const keys =
      typeof this.options.trustedKeys === 'function' ? this.options.trustedKeys() : this.options.trustedKeys;
    return verifySignedCatalog(doc, {
      trustedKeys: keys,
      now: this.now(),
      appliedVersion: extra.appliedVersion,
      ...(this.options.kiosk ? { kiosk: this.options.kiosk } : {}),
      ...(extra.skipTimeCheck ? { skipTimeCheck: true } : {}),
      ...(this.options.clockSkewMs !== undefined ? { clockSkewMs: this.options.clockSkewMs } : {}),
    });
  }

  private snapshotOf(verified: VerifiedCatalog, source: 'applied' | 'default'): CatalogSnapshot {
    return { catalog: verified.catalog, version: verified.catalog.version, keyId: verified.keyId, source };
  }

  private async reject(refused: CatalogVerificationError, source: CatalogSource): Promise<CatalogRejection> {
    const rejection: CatalogRejection = {
      ...(refused.version !== undefined ? { version: refused.version } : {}),
      reason: refused.code,
      message: refused.message.slice(0, 500),
      source,
      at: new Date(this.now()).toISOString(),
    };
    this.rejection = rejection;
    try {
      await this.options.store.recordRejection(rejection);
    } catch (error) {
      this.options.logger?.error('catalog.rejection-not-saved', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    // Catalogs hold no personal data, so the reason and message are safe to log.
    this.options.logger?.warn('catalog.rejected', {
      reason: rejection.reason,
      version: rejection.version ?? null,
      source,
      message: rejection.message,
    });
    this.events.emit('rejected', rejection);
    return rejection;
  }

  /** Runs one operation at a time, so an offer and an apply never interleave. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    // Only the queue's order: the caller of `run` gets its error.
    this.queue = run.catch(() => undefined);
    return run;
  }
}
