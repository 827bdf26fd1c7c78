import type { CentralClient } from '../central/client.js';
import type { Logger } from '../../core/log.js';
import { systemClock, type SyncClock } from './clock.js';

/** The part of the central client the watch needs. */
export type CommandCentrePort = Pick<CentralClient, 'urgentReportStatus'>;

/** Options of {@link CommandCentreWatch}. */
export interface CommandCentreWatchOptions {
  readonly client: CommandCentrePort;
  /**
   * Whether the kiosk still wants to know about the report with this number (its end screen still shows it,
   * or is about to): asked before every look-up, so the watch ends with the visit.
   */
  readonly wanted: (transactionNumber: string) => boolean;
  /** A duty officer acknowledged the report (`at`: ISO, from the central system). */
  readonly onAcknowledged: (transactionNumber: string, at: string) => void;
  /** Between look-ups. Default 2 s: the citizen is standing at the screen. */
  readonly intervalMs?: number;
  /** Gives up after this long whatever `wanted` says (a safety net). Default 30 min. */
  readonly maxWatchMs?: number;
  readonly clock?: SyncClock;
  /** The first failed look-up of each watch is logged, by error kind only (they repeat every interval). */
  readonly log?: Logger;
}

/** Default of {@link CommandCentreWatchOptions.intervalMs}. */
export const DEFAULT_COMMAND_CENTRE_POLL_MS = 2_000;

/**
 * Learns when a duty officer in the command centre acknowledges an urgent report this kiosk sent. The central
 * system storing the report is only its delivery; from then on the kiosk asks `GET /v1/urgent-reports/{id}`
 * (its own reports only) every `intervalMs` while the citizen's end screen shows the report, and tells the
 * visit once an officer has acknowledged it. A failed look-up (central down, timeout) is simply tried again.
 */
export class CommandCentreWatch {
  private readonly intervalMs: number;
  private readonly maxWatchMs: number;
  private readonly clock: SyncClock;
  private readonly watching = new Map<string, { timer: unknown; abort: AbortController }>();
  private stopped = false;

  constructor(private readonly options: CommandCentreWatchOptions) {
    this.intervalMs = Math.max(50, options.intervalMs ?? DEFAULT_COMMAND_CENTRE_POLL_MS);
    this.maxWatchMs = options.maxWatchMs ?? 30 * 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Starts watching the urgent report `id` (number `transactionNumber`), unless already watched. */
  watch(id: string, transactionNumber: string): void {
    if (this.stopped || this.watching.has(id)) return;
    const entry = { timer: null as unknown, abort: new AbortController() };
    this.watching.set(id, entry);
    const until = this.clock.now() + this.maxWatchMs;
    let failures = 0;
    const look = async (): Promise<void> => {
      entry.timer = null;
      if (this.stopped || !this.options.wanted(transactionNumber) || this.clock.now() > until) {
        this.watching.delete(id);
        return;
      }
      const result = await this.options.client.urgentReportStatus(id, entry.abort.signal);
      if (this.stopped) return;
      if (result.ok && result.value?.status === 'acknowledged' && result.value.acknowledgedAt !== null) {
        this.watching.delete(id);
        this.options.onAcknowledged(transactionNumber, result.value.acknowledgedAt);
        return;
      }
      if (!result.ok && ++failures === 1)
        this.options.log?.warn('command-centre.lookup-failed', { kind: result.error.code });
      entry.timer = this.clock.setTimeout(() => void look(), this.intervalMs);
    };
    void look();
  }

  /** Stops every watch (core shutdown). */
  stop(): void {
    this.stopped = true;
    for (const entry of this.watching.values()) {
      if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
      entry.abort.abort();
    }
    this.watching.clear();
  }
}
