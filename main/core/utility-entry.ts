import { z } from 'zod';
import type { RpcChannel } from '../api/channel.js';
import { createLogger, type Logger, type LogFields } from './log.js';
import type { KioskMode } from './mode.js';

/**
 * Entry point of the kiosk core when Electron hosts it: the main process starts this file with
 * `utilityProcess.fork`. It must not import 'electron' (the core is plain Node); what Electron provides
 * here — `process.parentPort` and transferred MessagePortMain objects — is typed locally below.
 *
 * Messages from the main process:
 * - `{ type: 'init', dataDir, mode, modeReason, dataKey (base64), centralUrl? }` once, first;
 * - `{ type: 'connect' }` with one transferred port per renderer connection. The core serves one renderer
 *   session: a newer port replaces the older, which gets a final `session.replaced` frame and is closed;
 * - `{ type: 'shutdown' }` to close the core and exit.
 */

/** The part of Electron's MessagePortMain this file uses. */
export interface PortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  postMessage(message: unknown): void;
  close(): void;
}

/** A message as `process.parentPort` delivers it. */
export interface ParentMessageEvent {
  readonly data: unknown;
  readonly ports: readonly PortLike[];
}

/** The part of Electron's `process.parentPort` this file uses. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: ParentMessageEvent) => void): unknown;
  postMessage(message: unknown): void;
}

/** The running core as this entry needs it (see main/core/kiosk-core.ts). */
export interface HostedCore {
  connect(channel: RpcChannel): () => void;
  close(): Promise<void>;
}

/** Options the entry passes to the core (a subset of startKioskCore's options). */
export interface HostedCoreOptions {
  readonly dataDir: string;
  readonly mode: KioskMode;
  readonly modeReason: string;
  readonly host: 'electron';
  readonly dataKey: Uint8Array;
  readonly centralUrl?: string;
  readonly appVersion?: string;
  readonly log?: Logger;
}

/** Starts the core; injected so tests run without the real one. */
export type StartCore = (options: HostedCoreOptions) => Promise<HostedCore>;

/** The init message, checked at the boundary like any other input. */
export const initMessageSchema = z.object({
  type: z.literal('init'),
  dataDir: z.string().min(1),
  mode: z.enum(['demonstration', 'production']),
  modeReason: z.string().min(1).max(300),
  dataKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .refine((text) => Buffer.from(text, 'base64').length === 32, 'dataKey must be 32 bytes'),
  centralUrl: z.url().optional(),
  appVersion: z.string().min(1).max(64).optional(),
});

const controlMessageSchema = z.object({ type: z.enum(['connect', 'shutdown']) });

/**
 * Adapts a MessagePortMain to the core's RpcChannel. Only string frames pass; anything else on the port is
 * dropped (the core's RPC layer answers bad JSON itself, but a non-string is not even a frame).
 */
export function channelFromPort(port: PortLike): RpcChannel {
  const messageListeners = new Set<(text: string) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  const markClosed = (): void => {
    if (closed) return;
    closed = true;
    for (const listener of [...closeListeners]) listener();
    messageListeners.clear();
    closeListeners.clear();
  };
  port.on('message', (event) => {
    if (closed || typeof event.data !== 'string') return;
    for (const listener of [...messageListeners]) listener(event.data);
  });
  port.on('close', markClosed);
  port.start();
  return {
    send(text) {
      if (!closed) port.postMessage(text);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      if (closed) return;
      port.close();
      markClosed();
    },
  };
}

/** Minimal structured log; never given personal data. */
export type EntryLog = (event: string, fields?: LogFields) => void;

/** What serveParentPort needs besides the port. */
export interface ServeOptions {
  readonly startCore: StartCore;
  readonly exit: (code: number) => void;
  readonly log?: EntryLog;
}

/**
 * Serves the main process's messages on `parentPort`. Connect messages that arrive before the core has
 * started are held and connected once it is up. Returns a promise that settles when the core has shut down.
 */
export function serveParentPort(parentPort: ParentPortLike, options: ServeOptions): Promise<void> {
  const log: EntryLog = options.log ?? (() => undefined);
  let core: Promise<HostedCore> | undefined;
  let shuttingDown = false;
  const disconnects = new Set<() => void>();
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const shutdown = async (code: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    for (const disconnect of [...disconnects]) disconnect();
    if (core !== undefined) {
      try {
        await (await core).close();
      } catch (error) {
        log('core.close-failed', { message: (error as Error).message });
        code = code || 1;
      }
    }
    resolveDone();
    options.exit(code);
  };

  parentPort.on('message', (event) => {
    if (shuttingDown) return;
    const init = initMessageSchema.safeParse(event.data);
    if (init.success) {
      if (core !== undefined) {
        log('init.duplicate');
        return;
      }
      const { dataDir, mode, modeReason, dataKey, centralUrl, appVersion } = init.data;
      core = options.startCore({
        dataDir,
        mode,
        modeReason,
        host: 'electron',
        dataKey: new Uint8Array(Buffer.from(dataKey, 'base64')),
        ...(centralUrl === undefined ? {} : { centralUrl }),
        ...(appVersion === undefined ? {} : { appVersion }),
      });
      core.then(
        () => {
          log('core.started', { mode });
          parentPort.postMessage({ type: 'ready' });
        },
        (error: unknown) => {
          log('core.start-failed', { message: (error as Error).message });
          void shutdown(1);
        },
      );
      return;
    }
    const control = controlMessageSchema.safeParse(event.data);
    if (!control.success) {
      log('message.ignored');
      return;
    }
    if (control.data.type === 'shutdown') {
      void shutdown(0);
      return;
    }
    const port = event.ports[0];
    if (port === undefined) {
      log('connect.no-port');
      return;
    }
    if (core === undefined) {
      log('connect.before-init');
      port.close();
      return;
    }
    const channel = channelFromPort(port);
    core.then(
      (started) => {
        if (shuttingDown) {
          channel.close();
          return;
        }
        const disconnect = started.connect(channel);
        const entry = (): void => {
          disconnects.delete(entry);
          disconnect();
        };
        disconnects.add(entry);
        channel.onClose(entry);
      },
      () => channel.close(),
    );
  });
  return done;
}

/** Electron sets `process.parentPort` in a utility process; absent under plain Node and in tests. */
function electronParentPort(): ParentPortLike | undefined {
  return (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
}

/** Loads the real core lazily so that importing this file (tests) does not load the store and drivers. */
async function startRealCore(options: HostedCoreOptions): Promise<HostedCore> {
  const { startKioskCore } = await import('./kiosk-core.js');
  return startKioskCore(options);
}

const parentPort = electronParentPort();
if (parentPort !== undefined) {
  const logger = createLogger();
  void serveParentPort(parentPort, {
    startCore: (options) => startRealCore({ ...options, log: logger }),
    exit: (code) => process.exit(code),
    log: (event, fields) => logger.info(`utility-entry.${event}`, fields),
  });
}
