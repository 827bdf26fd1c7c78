import type { RpcChannel } from '../../main/api/channel.js';
import { REPLACED_CLOSE } from '../../main/api/channel.js';

/** What the Electron preload exposes; absent in the browser host. */
interface KioskHostBridge {
  readonly kind: 'electron';
  reconnect(): void;
}

declare global {
  interface Window {
    kioskHost?: KioskHostBridge;
  }
}

const TOKEN_KEY = 'booth.token';

/**
 * Raised by {@link openChannel} once another window has taken this page's session over (the core closed our
 * socket with {@link REPLACED_CLOSE}). The page must say so and stay disconnected: reconnecting would take the
 * session back, the other window would do the same, and the two would fight over the kiosk.
 */
export class SessionReplacedError extends Error {
  constructor() {
    super(REPLACED_CLOSE.reason);
    this.name = 'SessionReplacedError';
  }
}

/** Set for good (until the page is reloaded by hand) when the core replaced this page's session. */
let replaced = false;

/** Whether another window has taken this page's session over. */
export function sessionReplaced(): boolean {
  return replaced;
}

/** Takes the per-launch token from the URL fragment (then hides it) or from this tab's session. */
function takeToken(): string | null {
  const match = /(?:^#|&)token=([0-9a-f]{16,128})/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function webSocketChannel(token: string): Promise<RpcChannel> {
  return new Promise((resolve, reject) => {
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/rpc`;
    const socket = new WebSocket(url, ['booth-rpc', `token.${token}`]);
    const closeListeners = new Set<() => void>();
    socket.addEventListener('close', (event: CloseEvent) => {
      // Before the listeners run, so that the reconnect they start finds out it must not.
      if (event.code === REPLACED_CLOSE.code) replaced = true;
      for (const l of [...closeListeners]) l();
    });
    socket.addEventListener('error', () => reject(new Error('connection refused')), { once: true });
    // Frames that arrive before anyone listens (the socket is opened before React renders, see
    // connectEarly) wait here for the first listener, in order.
    const messageListeners = new Set<(text: string) => void>();
    const early: string[] = [];
    socket.addEventListener('message', (e: MessageEvent) => {
      if (typeof e.data !== 'string') return;
      if (messageListeners.size === 0) early.push(e.data);
      for (const l of [...messageListeners]) l(e.data);
    });
    socket.addEventListener(
      'open',
      () =>
        resolve({
          send: (text) => socket.send(text),
          onMessage: (listener) => {
            messageListeners.add(listener);
            for (const text of early.splice(0)) listener(text);
            return () => messageListeners.delete(listener);
          },
          onClose: (listener) => {
            closeListeners.add(listener);
            return () => closeListeners.delete(listener);
          },
          close: () => socket.close(),
        }),
      { once: true },
    );
  });
}

/**
 * Ports the Electron preload hands over. The shell sends a fresh port whenever the core (re)starts, asked or
 * not; a port arriving while one is in use replaces it (the old channel closes and the app reconnects).
 */
const portInbox: {
  waiting: MessagePort | null;
  take: ((port: MessagePort) => void) | null;
  active: RpcChannel | null;
} = {
  waiting: null,
  take: null,
  active: null,
};
let inboxListening = false;

function listenForPorts(): void {
  if (inboxListening) return;
  inboxListening = true;
  window.addEventListener('message', (event: MessageEvent) => {
    // Only the preload posts this, from our own window.
    if (event.source !== window || event.data !== 'kiosk:port' || !event.ports[0]) return;
    const port = event.ports[0];
    if (portInbox.take) {
      const take = portInbox.take;
      portInbox.take = null;
      take(port);
      return;
    }
    portInbox.waiting?.close();
    portInbox.waiting = port;
    portInbox.active?.close();
  });
}

function wrapPort(port: MessagePort): RpcChannel {
  const closeListeners = new Set<() => void>();
  let closed = false;
  const fireClose = (): void => {
    if (closed) return;
    closed = true;
    for (const l of [...closeListeners]) l();
  };
  port.addEventListener('close', fireClose);
  port.start();
  return {
    send: (text) => port.postMessage(text),
    onMessage: (listener) => {
      const h = (e: MessageEvent): void => {
        if (typeof e.data === 'string') listener(e.data);
      };
      port.addEventListener('message', h);
      return () => port.removeEventListener('message', h);
    },
    onClose: (listener) => {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close: () => {
      port.close();
      fireClose();
    },
  };
}

function messagePortChannel(): Promise<RpcChannel> {
  listenForPorts();
  const adopt = (port: MessagePort): RpcChannel => {
    const channel = wrapPort(port);
    portInbox.active = channel;
    channel.onClose(() => {
      if (portInbox.active === channel) portInbox.active = null;
    });
    return channel;
  };
  const waiting = portInbox.waiting;
  if (waiting) {
    portInbox.waiting = null;
    return Promise.resolve(adopt(waiting));
  }
  return new Promise((resolve) => {
    portInbox.take = (port) => resolve(adopt(port));
    window.kioskHost?.reconnect();
  });
}

/** The channel {@link connectEarly} started, until {@link openChannel} takes it. */
let earlyChannel: Promise<RpcChannel> | null = null;

/**
 * Starts opening the channel now, before React renders (renderer/main.tsx): the socket's handshake then overlaps
 * the first render instead of following it. The first {@link openChannel} call takes this attempt.
 */
export function connectEarly(): void {
  if (earlyChannel) return;
  earlyChannel = openChannelNow();
  // Whoever takes it handles a failure; until then it must not count as unhandled.
  earlyChannel.catch(() => undefined);
}

/**
 * Opens the channel to the kiosk core for whichever host this page runs in. Rejects with
 * {@link SessionReplacedError} once another window has replaced this one: that is final, not a retry case.
 */
export function openChannel(): Promise<RpcChannel> {
  const early = earlyChannel;
  earlyChannel = null;
  return early ?? openChannelNow();
}

function openChannelNow(): Promise<RpcChannel> {
  // Electron has one window, which is handed each new port itself: a replaced port there is just an old one.
  if (window.kioskHost?.kind === 'electron') return messagePortChannel();
  if (replaced) return Promise.reject(new SessionReplacedError());
  const token = takeToken();
  if (!token) return Promise.reject(new Error('this page was opened without its access token'));
  return webSocketChannel(token);
}
