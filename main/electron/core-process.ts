import type { ForkOptions, MessagePortMain } from 'electron';
import type { KioskMode } from '../core/mode.js';
import { RestartPolicy } from './restart-policy.js';

/**
 * Supervises the kiosk core in its utility process: starts it with the init message (which carries the
 * data key — the only way the key leaves the main process), restarts it with backoff when it dies, and
 * shuts it down politely on quit (shutdown message, then kill after a timeout).
 */

/** The part of Electron's UtilityProcess used here. */
export interface UtilityProcessLike {
  postMessage(message: unknown, transfer?: MessagePortMain[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'spawn', listener: () => void): unknown;
  kill(): boolean;
  readonly pid?: number | undefined;
}

/** Starts a utility process (Electron's `utilityProcess.fork`). */
export type ForkUtility = (modulePath: string, args?: string[], options?: ForkOptions) => UtilityProcessLike;

/** What the core is started with. */
export interface CoreInit {
  readonly dataDir: string;
  readonly mode: KioskMode;
  readonly modeReason: string;
  readonly dataKey: Uint8Array;
  readonly centralUrl?: string | undefined;
  readonly appVersion?: string | undefined;
}

/** Options of CoreSupervisor. */
export interface CoreSupervisorOptions {
  readonly fork: ForkUtility;
  readonly entryPath: string;
  readonly init: CoreInit;
  /** Called after the core was restarted, so the renderer can be handed a fresh port. */
  readonly onRestart?: () => void;
  readonly log?: (event: string, fields?: Record<string, unknown>) => void;
  readonly policy?: RestartPolicy;
  readonly setTimer?: (callback: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  /** How long shutdown waits for a clean exit before killing. */
  readonly shutdownTimeoutMs?: number;
}

/** Default grace period between the shutdown message and a kill. */
export const SHUTDOWN_TIMEOUT_MS = 5_000;

/** Owns the core's utility process. */
export class CoreSupervisor {
  private child: UtilityProcessLike | undefined;
  private stopping = false;
  private restartTimer: unknown;
  private readonly policy: RestartPolicy;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private exitWaiters: Array<() => void> = [];

  /** Creates the supervisor; call start(). */
  constructor(private readonly options: CoreSupervisorOptions) {
    this.policy =
      options.policy ??
      new RestartPolicy({ burst: 3, windowMs: 60_000, baseDelayMs: 1_000, maxDelayMs: 60_000 });
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer =
      options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** Whether a core process is currently running. */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** Forks the core and sends it the init message. */
  start(): void {
    if (this.stopping || this.child !== undefined) return;
    const { init } = this.options;
    const child = this.options.fork(this.options.entryPath, [], {
      serviceName: 'Smart Police Booth core',
      stdio: 'inherit',
    });
    this.child = child;
    child.on('exit', (code) => this.handleExit(child, code));
    child.postMessage({
      type: 'init',
      dataDir: init.dataDir,
      mode: init.mode,
      modeReason: init.modeReason,
      dataKey: Buffer.from(init.dataKey).toString('base64'),
      ...(init.centralUrl === undefined ? {} : { centralUrl: init.centralUrl }),
      ...(init.appVersion === undefined ? {} : { appVersion: init.appVersion }),
    });
    this.options.log?.('core.forked', { pid: child.pid });
  }

  /** Hands one end of a renderer connection to the core. Returns false when no core is running. */
  connect(port: MessagePortMain): boolean {
    if (this.child === undefined || this.stopping) return false;
    this.child.postMessage({ type: 'connect' }, [port]);
    return true;
  }

  /** Asks the core to shut down; kills it if it has not exited within the timeout. Never restarts after. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== undefined) {
      this.clearTimer(this.restartTimer);
      this.restartTimer = undefined;
    }
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    child.postMessage({ type: 'shutdown' });
    let timer: unknown;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = this.setTimer(() => resolve('timeout'), this.options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS);
    });
    const outcome = await Promise.race([exited.then(() => 'exited' as const), timedOut]);
    this.clearTimer(timer);
    if (outcome === 'timeout') {
      this.options.log?.('core.kill-after-timeout');
      child.kill();
    }
  }

  private handleExit(child: UtilityProcessLike, code: number): void {
    if (this.child !== child) return;
    this.child = undefined;
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const resolve of waiters) resolve();
    if (this.stopping) {
      this.options.log?.('core.exited', { code });
      return;
    }
    const delay = this.policy.nextDelay();
    this.options.log?.('core.crashed', { code, restartInMs: delay });
    this.restartTimer = this.setTimer(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.start();
      this.options.onRestart?.();
    }, delay);
  }
}
