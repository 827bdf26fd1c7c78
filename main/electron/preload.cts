/**
 * Preload of the kiosk window (sandboxed, CommonJS). It asks the main process for a MessagePort to the
 * kiosk core and forwards it into the page; the page then speaks the KioskApi protocol on it directly.
 * Exposed to the page: only `kioskHost.kind` and `kioskHost.reconnect()`. No ipcRenderer passthrough.
 */
import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron';

/** IPC channel on which the preload asks for a port (see shell.ts). */
const CONNECT_CHANNEL = 'kiosk:connect';
/** IPC channel on which the main process delivers a port, and the message the page receives with it. */
const PORT_CHANNEL = 'kiosk:port';

/** What the page sees as `window.kioskHost`. */
interface KioskHostBridge {
  readonly kind: 'electron';
  reconnect(): void;
}

/** The page-side objects the preload touches (injected so the logic is testable). */
interface PreloadWindow {
  readonly location: { readonly origin: string };
  readonly document: { readonly readyState: string };
  postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void;
  addEventListener(type: 'DOMContentLoaded', listener: () => void, options?: { once?: boolean }): void;
}

/** Installs the bridge: asks for a port now, forwards every port that arrives, exposes kioskHost. */
function installKioskBridge(
  bridge: Pick<ContextBridge, 'exposeInMainWorld'>,
  ipc: Pick<IpcRenderer, 'send' | 'on'>,
  page: PreloadWindow,
): void {
  const forward = (ports: readonly unknown[]): void => {
    // The page's origin is app://kiosk; if Chromium reports an opaque origin, '*' is the only target
    // that works — the message goes to this same window either way.
    const origin = page.location.origin;
    const target = origin === '' || origin === 'null' ? '*' : origin;
    page.postMessage(PORT_CHANNEL, target, [...ports]);
  };
  ipc.on(PORT_CHANNEL, (event: IpcRendererEvent) => {
    const ports = event.ports;
    if (ports.length !== 1) return;
    // Module scripts run before DOMContentLoaded: waiting for it means the page's listener exists.
    if (page.document.readyState === 'loading') {
      page.addEventListener('DOMContentLoaded', () => forward(ports), { once: true });
    } else {
      forward(ports);
    }
  });
  const host: KioskHostBridge = {
    kind: 'electron',
    // Takes no arguments and returns nothing: the page cannot choose a channel or a payload.
    reconnect: () => {
      ipc.send(CONNECT_CHANNEL);
    },
  };
  bridge.exposeInMainWorld('kioskHost', host);
  ipc.send(CONNECT_CHANNEL);
}

// Only in a renderer: the unit test evaluates the bundled file in a VM context that provides these.
const pageWindow = (globalThis as { window?: unknown }).window;
if (pageWindow !== undefined && typeof process !== 'undefined' && process.type === 'renderer') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload can only require('electron')
  const electron = require('electron') as { contextBridge: ContextBridge; ipcRenderer: IpcRenderer };
  installKioskBridge(electron.contextBridge, electron.ipcRenderer, pageWindow as PreloadWindow);
}
