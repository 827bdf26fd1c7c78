import {
  kioskGroupIdSchema,
  type CatalogRejectionReport,
  type HeartbeatHealth,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from '../../../contract/central-api.js';
import type { CentralResult } from '../central/client.js';
import { TypedEmitter } from '../../../drivers/common/emitter.js';
import { systemClock, type SyncClock } from './clock.js';

/** The part of the central client the heartbeat needs. */
export interface HeartbeatPort {
  heartbeat(
    body: Omit<HeartbeatRequest, 'kioskId'>,
    signal?: AbortSignal,
  ): Promise<CentralResult<HeartbeatResponse>>;
}

/** A device's state as reported to the central API. */
export interface DeviceReport {
  readonly state: string;
  readonly code?: string;
}

/** Heartbeat events. */
export interface HeartbeatEvents extends Record<string, unknown> {
  /** The central API announced a catalog newer than the one applied. */
  'catalog-announced': { readonly version: number; readonly etag: string };
  /** A heartbeat went through. */
  sent: { readonly at: number };
  /** A heartbeat failed (the next one is still scheduled). */
  failed: { readonly message: string };
}

/** What the heartbeat reports; each callback is read at send time. */
export interface HeartbeatOptions {
  readonly client: HeartbeatPort;
  readonly appVersion: string;
  readonly intervalMs?: number;
  readonly devices: () => Readonly<Record<string, DeviceReport>>;
  readonly catalogVersion: () => number | null;
  readonly outbox: () => Promise<{ depth: number; oldestAgeMs: number | null }>;
  readonly lastCatalogRejection?: () => CatalogRejectionReport | undefined;
  /**
   * The kiosk groups this kiosk belongs to (the central server serves catalogs by group). Ids that are not
   * group slugs are left out rather than make the whole heartbeat malformed.
   */
  readonly kioskGroups?: readonly string[];
  /** The kiosk's health figures (main/core/health.ts), read at send time. */
  readonly health?: () => Promise<HeartbeatHealth>;
  readonly clock?: SyncClock;
}

/** How the last heartbeat went: the kiosk's view of whether the central system is reachable, and how fast. */
export interface HeartbeatOutcome {
  readonly at: number;
  readonly ok: boolean;
  /** Round trip of the request (ms), answered or not. */
  readonly latencyMs: number;
  readonly error: string | null;
}

/**
 * Sends a heartbeat every `intervalMs` (default 60 s): app version, device states, catalog version (and the
 * last catalog refused, with why), kiosk groups and outbox depth/age. When the answer names a catalog newer than the applied one it emits `catalog-announced`
 * (once per version/etag, so the catalog service is not asked again every minute).
 */
export class Heartbeat {
  /** catalog-announced / sent / failed. */
  readonly events = new TypedEmitter<HeartbeatEvents>();
  private readonly clock: SyncClock;
  private readonly intervalMs: number;
  private timer: unknown = undefined;
  private running = false;
  private lastAnnounced: string | null = null;
  private inFlight: Promise<void> | null = null;
  private abort = new AbortController();
  private outcome: HeartbeatOutcome | null = null;

  constructor(private readonly options: HeartbeatOptions) {
    this.clock = options.clock ?? systemClock;
    this.intervalMs = Math.max(1000, options.intervalMs ?? 60_000);
  }

  /** How the last heartbeat went; null before the first. */
  lastOutcome(): HeartbeatOutcome | null {
    return this.outcome;
  }

  /** Sends one now, then every interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.tick();
  }

  /** Stops the schedule and waits for a heartbeat in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.inFlight;
  }

  private tick(): void {
    if (!this.running) return;
    this.inFlight = this.beat()
      .then(() => undefined)
      .finally(() => {
        this.inFlight = null;
        if (this.running) this.timer = this.clock.setTimeout(() => this.tick(), this.intervalMs);
      });
  }

  /** Sends one heartbeat; resolves to the response, or null if it failed. Never throws. */
  async beat(): Promise<HeartbeatResponse | null> {
    try {
      const outbox = await this.options.outbox();
      const rejection = this.options.lastCatalogRejection?.();
      // The heartbeat goes without health figures rather than not at all.
      const health = await this.options.health?.().catch(() => undefined);
      const body: Omit<HeartbeatRequest, 'kioskId'> = {
        appVersion: this.options.appVersion,
        sentAt: new Date(this.clock.now()).toISOString(),
        devices: { ...this.options.devices() },
        catalogVersion: this.options.catalogVersion(),
        outbox: {
          depth: outbox.depth,
          oldestAgeMs: outbox.oldestAgeMs === null ? null : Math.max(0, Math.round(outbox.oldestAgeMs)),
        },
        ...(rejection ? { lastCatalogRejection: rejection } : {}),
        ...(health ? { health } : {}),
        ...(this.options.kioskGroups
          ? {
              kioskGroups: this.options.kioskGroups
                .filter((group) => kioskGroupIdSchema.safeParse(group).success)
                .slice(0, 50),
            }
          : {}),
      };
      const started = this.clock.now();
      const result = await this.options.client.heartbeat(body, this.abort.signal);
      this.outcome = {
        at: this.clock.now(),
        ok: result.ok,
        latencyMs: Math.max(0, this.clock.now() - started),
        error: result.ok ? null : `${result.error.code}: ${result.error.message}`,
      };
      if (!result.ok) {
        this.events.emit('failed', { message: `${result.error.code}: ${result.error.message}` });
        return null;
      }
      this.events.emit('sent', { at: this.clock.now() });
      const announced = result.value.catalog;
      const current = this.options.catalogVersion();
      if (announced && (current === null || announced.version > current)) {
        const key = `${announced.version}|${announced.etag}`;
        if (key !== this.lastAnnounced) {
          this.lastAnnounced = key;
          this.events.emit('catalog-announced', { version: announced.version, etag: announced.etag });
        }
      }
      return result.value;
    } catch (error) {
      this.events.emit('failed', { message: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }
}
