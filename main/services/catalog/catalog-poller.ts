import type { Logger } from '../../core/log.js';
import type { CatalogOfferResult, CatalogService } from './catalog-service.js';
import type { Result } from '../../../contract/result.js';
import { err } from '../../../contract/result.js';
import type { CentralErrorCode } from '../central/client.js';

/**
 * Polls the central API for a newer signed catalog (conditional GET with the last ETag) on a timer and when a
 * heartbeat announces one, hands what arrives to the {@link CatalogService}, and reports the applied version
 * and rejections back. The central client is not imported: any function of this shape will do
 * (`(etag, signal) => centralClient.fetchCatalog(etag, signal)` fits as is).
 */

/** What one catalog fetch found. */
export type CatalogFetchOutcome =
  | { readonly status: 'not-modified' }
  | { readonly status: 'none' }
  | { readonly status: 'updated'; readonly etag: string | null; readonly document: unknown };

/** Why a fetch failed: the central client's error, or `threw` for a fetch function that broke its promise. */
export interface CatalogFetchError {
  readonly code: CentralErrorCode | 'threw';
  /** The server's own code, when it answered with one. */
  readonly serverCode?: string;
  readonly message: string;
}

/** Fetches the catalog conditionally; must not throw (a throw is treated like an error result). */
export type FetchCatalogFn = (
  etag: string | null,
  signal?: AbortSignal,
) => Promise<Result<CatalogFetchOutcome, CatalogFetchError>>;

/** What the kiosk tells the central system about its catalog (heartbeat fields). */
export interface CatalogReport {
  readonly catalogVersion: number | null;
  /** `code` is the rejection reason (`bad-signature`, `audience`, …), `reason` the line for people. */
  readonly lastCatalogRejection?: {
    readonly version?: number;
    readonly reason: string;
    readonly code: string;
  };
}

/** A heartbeat's catalog announcement: the latest published version and its ETag. */
export interface CatalogAnnouncement {
  readonly version: number;
  readonly etag: string;
}

/** The outcome of one poll. */
export type CatalogPollOutcome =
  | { readonly kind: 'not-modified' | 'none' }
  | { readonly kind: 'offered'; readonly result: CatalogOfferResult }
  | { readonly kind: 'error'; readonly message: string };

/** Options of {@link CatalogPoller}. */
export interface CatalogPollerOptions {
  readonly service: CatalogService;
  readonly fetchCatalog: FetchCatalogFn;
  /** Between polls. Default 10 minutes. */
  readonly intervalMs?: number;
  /** Called whenever the applied version changes or a catalog is refused. */
  readonly report?: (report: CatalogReport) => void;
  readonly logger?: Logger;
}

/** Polls for catalogs; `start()` to run on a timer, `pollNow()` / `onAnnouncement()` on demand. */
export class CatalogPoller {
  private etag: string | null = null;
  private inFlight: Promise<CatalogPollOutcome> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private readonly abort = new AbortController();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly options: CatalogPollerOptions) {
    const { service } = options;
    this.unsubscribe.push(
      service.events.on('applied', () => this.sendReport()),
      service.events.on('rejected', () => this.sendReport()),
    );
  }

  /** The current report (also what a heartbeat should carry). */
  currentReport(): CatalogReport {
    const status = this.options.service.status();
    const rejection = status.lastRejection;
    return {
      catalogVersion: status.appliedVersion,
      ...(rejection
        ? {
            lastCatalogRejection: {
              ...(rejection.version !== undefined ? { version: rejection.version } : {}),
              reason: `${rejection.reason}: ${rejection.message}`.slice(0, 500),
              code: rejection.reason,
            },
          }
        : {}),
    };
  }

  /** Polls now, and then every interval until {@link stop}. */
  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    const tick = (): void => {
      void this.pollNow()
        .catch((error: unknown) => {
          this.options.logger?.error('catalog.poll-crashed', {
            message: error instanceof Error ? error.message : String(error),
          });
        })
        .finally(() => {
          if (this.abort.signal.aborted) return;
          this.timer = setTimeout(tick, this.options.intervalMs ?? 10 * 60_000);
          this.timer.unref();
        });
    };
    tick();
  }

  /** Stops the timer, aborts a fetch in flight and drops the event subscriptions. */
  stop(): void {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** A heartbeat named the latest published catalog: fetch it if it is newer than what this kiosk holds. */
  async onAnnouncement(announced: CatalogAnnouncement | null): Promise<CatalogPollOutcome | null> {
    if (!announced) return null;
    const status = this.options.service.status();
    const held = Math.max(status.appliedVersion ?? 0, status.stagedVersion ?? 0);
    if (announced.version <= held && status.appliedSource === 'applied') return null;
    if (announced.etag === this.etag) return null;
    return this.pollNow();
  }

  /** Fetches once (one fetch at a time: a second call joins the first). */
  pollNow(): Promise<CatalogPollOutcome> {
    if (!this.inFlight) {
      this.inFlight = this.poll().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async poll(): Promise<CatalogPollOutcome> {
    let fetched: Awaited<ReturnType<FetchCatalogFn>>;
    try {
      fetched = await this.options.fetchCatalog(this.etag, this.abort.signal);
    } catch (error) {
      fetched = err({ code: 'threw', message: error instanceof Error ? error.message : String(error) });
    }
    if (!fetched.ok) {
      this.options.logger?.warn('catalog.poll-failed', {
        message: fetched.error.message,
        code: fetched.error.code,
        serverCode: fetched.error.serverCode ?? null,
      });
      return { kind: 'error', message: fetched.error.message };
    }
    const value = fetched.value;
    if (value.status !== 'updated') return { kind: value.status };
    const result = await this.options.service.offer(value.document, 'central');
    if (!result.ok && result.error.code === 'store-failed')
      return { kind: 'error', message: result.error.message };
    // Remember the ETag even after a rejection: the same bytes would be refused again; a fix gets a new ETag.
    this.etag = value.etag;
    return { kind: 'offered', result };
  }

  private sendReport(): void {
    try {
      this.options.report?.(this.currentReport());
    } catch (error) {
      this.options.logger?.warn('catalog.report-failed', {
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
