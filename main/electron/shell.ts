import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
  utilityProcess,
} from 'electron';
import type { IpcMainEvent, Session, WebContents } from 'electron';
import { resolveKioskMode, type KioskMode } from '../core/mode.js';
import { CoreSupervisor } from './core-process.js';
import { DataKeyError, loadOrCreateDataKey } from './data-key.js';
import { RestartPolicy } from './restart-policy.js';
import { createAppProtocolHandler } from './security/app-protocol.js';
import { withCspHeader } from './security/csp.js';
import { shouldBlockInput } from './security/input.js';
import { APP_SCHEME, APP_START_URL, isAppUrl, isNavigationAllowed } from './security/navigation.js';
import { decidePermissionCheck, decidePermissionRequest } from './security/permissions.js';
import { kioskWindowOptions } from './window-options.js';

/**
 * The Electron shell: one hardened kiosk window, the app:// protocol, and the kiosk core in a utility
 * process. It relays nothing: the renderer and the core talk over a MessagePort that the shell only creates
 * and hands out after checking who asked.
 */

/** IPC channel on which the preload asks for a port. */
export const CONNECT_CHANNEL = 'kiosk:connect';
/** IPC channel on which the shell delivers a port to the preload. */
export const PORT_CHANNEL = 'kiosk:port';

/** Structured log line; never personal data. */
export type ShellLog = (event: string, fields?: Record<string, unknown>) => void;

/** Where things are and how to behave. */
export interface ShellConfig {
  /** Directory of the built renderer (dist/renderer). */
  readonly rendererRoot: string;
  /** Built preload (dist/main/electron/preload.cjs). */
  readonly preloadPath: string;
  /** Built core entry (dist/main/core/utility-entry.js). */
  readonly coreEntryPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Devtools and debugging shortcuts off. Defaults to app.isPackaged or NODE_ENV=production. */
  readonly production?: boolean;
  readonly log?: ShellLog;
  /** Grace period before an unresponsive renderer is reloaded. */
  readonly unresponsiveGraceMs?: number;
}

/** The running shell (returned for tests and for the entry's signal handlers). */
export interface Shell {
  readonly window: BrowserWindow;
  readonly core: CoreSupervisor;
  readonly powerSaveBlockerId: number;
  /** Sends the renderer a fresh port (after a core restart). */
  reconnectRenderer(): void;
  /** Shuts the core down (≤ 5 s) and quits. */
  quit(): Promise<void>;
}

const defaultLog: ShellLog = (event, fields) =>
  console.log(JSON.stringify({ at: 'shell', event, ...fields }));

/**
 * Registers what must be registered before `ready` (privileged scheme, sandbox for every renderer).
 * Called at module load of the entry, synchronously.
 */
export function registerBeforeReady(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        corsEnabled: true,
        stream: true,
        codeCache: true,
      },
    },
  ]);
  app.enableSandbox();
}

/** Installs the CSP, permission handlers and the app:// handler on a session. */
export function hardenSession(ses: Session, rendererRoot: string): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    const securityOrigin = 'securityOrigin' in details ? details.securityOrigin : undefined;
    callback(
      decidePermissionRequest({
        permission,
        requestingUrl: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        mediaTypes,
        securityOrigin,
      }),
    );
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    decidePermissionCheck({
      permission,
      requestingOrigin,
      securityOrigin: details.securityOrigin,
      mediaType: details.mediaType,
    }),
  );
  // WebHID/WebSerial/WebUSB from the page: never. Devices belong to the core.
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders) });
  });
  ses.on('will-download', (event) => event.preventDefault());
  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererRoot));
}

/**
 * Guards installed on every WebContents the app ever creates (not only the kiosk window): no popups, no
 * navigation or redirect off the app origin, no <webview>.
 */
export function hardenContents(contents: WebContents, log: ShellLog): void {
  contents.setWindowOpenHandler(({ url }) => {
    log('window-open.denied', { scheme: safeScheme(url) });
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (isNavigationAllowed(url)) return;
    event.preventDefault();
    log('navigation.blocked', { scheme: safeScheme(url) });
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-frame-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', (event) => guard(event, event.url));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('webview.blocked');
  });
}

/** Only the scheme of a URL goes to the log: query strings could carry personal data. */
function safeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1]?.toLowerCase() ?? 'invalid';
}

/** Kiosk-only behaviour of the one window: input filter, zoom lock, devtools, crash recovery. */
function armWindow(window: BrowserWindow, production: boolean, log: ShellLog, graceMs: number): void {
  const contents = window.webContents;
  const rendererPolicy = new RestartPolicy({
    burst: 3,
    windowMs: 60_000,
    baseDelayMs: 2_000,
    maxDelayMs: 60_000,
  });
  let unresponsiveTimer: ReturnType<typeof setTimeout> | undefined;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;

  const reload = (why: string): void => {
    if (reloadTimer !== undefined || window.isDestroyed()) return;
    const delay = rendererPolicy.nextDelay();
    log('renderer.reload', { why, delayMs: delay });
    const run = (): void => {
      reloadTimer = undefined;
      if (!window.isDestroyed()) void contents.loadURL(APP_START_URL);
    };
    if (delay === 0) run();
    else reloadTimer = setTimeout(run, delay);
  };

  window.once('ready-to-show', () => window.show());
  // Pinch-zoom limits are a nicety; a window closing meanwhile rejects harmlessly.
  contents.setVisualZoomLevelLimits(1, 1).catch(() => undefined);
  contents.setZoomFactor(1);
  contents.on('zoom-changed', () => contents.setZoomFactor(1));
  contents.on('did-finish-load', () => {
    contents.setZoomFactor(1);
    // Pinch-zoom limits are a nicety; a window closing meanwhile rejects harmlessly.
    contents.setVisualZoomLevelLimits(1, 1).catch(() => undefined);
  });
  contents.on('before-input-event', (event, input) => {
    if (shouldBlockInput(input, production)) event.preventDefault();
  });
  contents.on('context-menu', (event) => event.preventDefault());
  if (production) {
    contents.on('devtools-opened', () => contents.closeDevTools());
    window.on('close', (event) => {
      if (!quitting) event.preventDefault();
    });
  }
  contents.on('render-process-gone', (_event, details) => {
    log('renderer.gone', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit') reload('render-process-gone');
  });
  contents.on('unresponsive', () => {
    log('renderer.unresponsive');
    if (unresponsiveTimer !== undefined) return;
    unresponsiveTimer = setTimeout(() => {
      unresponsiveTimer = undefined;
      if (window.isDestroyed()) return;
      // A hung renderer cannot run a reload itself; crash it, then render-process-gone reloads it.
      contents.forcefullyCrashRenderer();
      reload('unresponsive');
    }, graceMs);
  });
  contents.on('responsive', () => {
    if (unresponsiveTimer !== undefined) clearTimeout(unresponsiveTimer);
    unresponsiveTimer = undefined;
  });
  contents.on('did-fail-load', (_event, errorCode, _description, url, isMainFrame) => {
    // -3 is ERR_ABORTED (a navigation we blocked ourselves); anything else on the main frame: retry.
    if (isMainFrame && errorCode !== -3 && isAppUrl(url)) reload('did-fail-load');
  });
}

let quitting = false;

/**
 * Whether an IPC message comes from the kiosk window's main frame showing the app origin. Anything else
 * (a foreign page that got loaded somehow, a sub-frame, another window) gets nothing.
 */
export function isTrustedSender(event: IpcMainEvent, window: BrowserWindow): boolean {
  if (window.isDestroyed()) return false;
  if (event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) return false;
  if (frame !== window.webContents.mainFrame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/**
 * Environment → core settings. The mode is production unless BOOTH_SIMULATE=1 asks for a demonstration, and a
 * packaged build is always production (main/core/mode.ts).
 */
export function coreSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  userData: string,
  packaged: boolean,
): { dataDir: string; mode: KioskMode; modeReason: string; centralUrl?: string } {
  const dataDir =
    env.BOOTH_DATA_DIR !== undefined && env.BOOTH_DATA_DIR !== '' ? env.BOOTH_DATA_DIR : userData;
  const { mode, reason } = resolveKioskMode({ env, packaged });
  const centralUrl = env.BOOTH_CENTRAL_URL;
  return centralUrl !== undefined && centralUrl !== ''
    ? { dataDir, mode, modeReason: reason, centralUrl }
    : { dataDir, mode, modeReason: reason };
}

/**
 * Starts the shell. Resolves undefined when this instance must not run (another instance holds the lock,
 * or the data key cannot be had — then the reason has been logged and the app is exiting).
 */
export async function startShell(config: ShellConfig): Promise<Shell | undefined> {
  const log = config.log ?? defaultLog;
  const production = config.production ?? (app.isPackaged || config.env.NODE_ENV === 'production');
  quitting = false;

  if (!app.requestSingleInstanceLock()) {
    log('single-instance.refused');
    app.quit();
    return undefined;
  }
  // Filled once the window exists; a second instance started before that has nothing to focus.
  const windowRef: { current?: BrowserWindow } = {};
  app.on('second-instance', () => {
    const window = windowRef.current;
    if (window === undefined || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, log));

  await app.whenReady();
  Menu.setApplicationMenu(null);
  hardenSession(session.defaultSession, config.rendererRoot);

  const userData = app.getPath('userData');
  let dataKey: Uint8Array;
  try {
    ({ key: dataKey } = await loadOrCreateDataKey({
      directory: userData,
      sealer: safeStorage,
      allowWeakKeystore: config.env.BOOTH_ALLOW_WEAK_KEYSTORE === '1',
    }));
  } catch (error) {
    const code = error instanceof DataKeyError ? error.code : 'unexpected';
    log('data-key.failed', { code, message: (error as Error).message });
    console.error(`Smart Police Booth cannot start: ${(error as Error).message}`);
    app.exit(1);
    return undefined;
  }

  const settings = coreSettingsFromEnv(config.env, userData, app.isPackaged);
  const win = new BrowserWindow(kioskWindowOptions({ preloadPath: config.preloadPath, production }));
  windowRef.current = win;

  const sendPort = (target: WebContents): void => {
    const { port1, port2 } = new MessageChannelMain();
    if (!core.connect(port1)) {
      port1.close();
      port2.close();
      log('connect.no-core');
      return;
    }
    target.postMessage(PORT_CHANNEL, null, [port2]);
  };
  const reconnectRenderer = (): void => {
    if (!win.isDestroyed()) sendPort(win.webContents);
  };

  const core = new CoreSupervisor({
    fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
    entryPath: config.coreEntryPath,
    // The packaged app's version (package.json sits inside the asar, out of the core's reach).
    init: { ...settings, dataKey, appVersion: app.getVersion() },
    onRestart: reconnectRenderer,
    log,
  });
  core.start();

  ipcMain.on(CONNECT_CHANNEL, (event) => {
    if (!isTrustedSender(event, win)) {
      log('ipc.sender-refused', { channel: CONNECT_CHANNEL });
      return;
    }
    sendPort(event.sender);
  });

  armWindow(win, production, log, config.unresponsiveGraceMs ?? 15_000);
  const powerSaveBlockerId = powerSaveBlocker.start('prevent-display-sleep');

  let shutdownDone = false;
  let shuttingDown: Promise<void> | undefined;
  const shutdownCore = (): Promise<void> =>
    (shuttingDown ??= core.shutdown().finally(() => {
      shutdownDone = true;
    }));
  app.on('before-quit', (event) => {
    quitting = true;
    if (shutdownDone) return;
    event.preventDefault();
    void shutdownCore().then(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());

  await win.loadURL(APP_START_URL).catch((error: unknown) => {
    log('renderer.load-failed', { message: (error as Error).message });
  });
  log('shell.started', { production, mode: settings.mode });

  return {
    window: win,
    core,
    powerSaveBlockerId,
    reconnectRenderer,
    quit: async () => {
      quitting = true;
      await shutdownCore();
      app.quit();
    },
  };
}
