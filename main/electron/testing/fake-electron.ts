import { EventEmitter } from 'node:events';

/**
 * A recording stand-in for the 'electron' module, for unit tests of the shell without the Electron binary.
 * Use: `vi.mock('electron', async () => (await import('./testing/fake-electron.js')).createFakeElectron())`,
 * then `const fake = (await import('electron')) as unknown as FakeElectron`. Only what the shell uses is here.
 */

/** An Electron-style event object that records preventDefault. */
export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
  [key: string]: unknown;
}

/** Makes a fake event with extra fields (e.g. url for will-navigate). */
export function fakeEvent(fields: Record<string, unknown> = {}): FakeEvent {
  const event: FakeEvent = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

/** A fake MessagePortMain. */
export class FakePort extends EventEmitter {
  static nextId = 1;
  readonly id = FakePort.nextId++;
  closed = false;
  started = false;
  readonly sent: unknown[] = [];
  /** Starts delivery. */
  start(): void {
    this.started = true;
  }
  /** Records a message. */
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  /** Closes the port. */
  close(): void {
    this.closed = true;
  }
}

/** A fake frame. */
export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

/** A fake WebContents. */
export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  mainFrame: FakeFrame = { url: 'app://kiosk/index.html', parent: null };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly zoomLimits: Array<[number, number]> = [];
  readonly zoomFactors: number[] = [];
  readonly loadedUrls: string[] = [];
  readonly posted: Array<{ channel: string; message: unknown; ports: unknown[] }> = [];
  devToolsClosed = 0;
  crashedForcefully = 0;
  destroyed = false;
  /** Records the handler. */
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Records the limits. */
  setVisualZoomLevelLimits(min: number, max: number): Promise<void> {
    this.zoomLimits.push([min, max]);
    return Promise.resolve();
  }
  /** Records the factor. */
  setZoomFactor(factor: number): void {
    this.zoomFactors.push(factor);
  }
  /** Records the URL. */
  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.mainFrame.url = url;
    return Promise.resolve();
  }
  /** Records the message. */
  postMessage(channel: string, message: unknown, ports: unknown[] = []): void {
    this.posted.push({ channel, message, ports });
  }
  /** Counts. */
  closeDevTools(): void {
    this.devToolsClosed += 1;
  }
  /** Counts. */
  forcefullyCrashRenderer(): void {
    this.crashedForcefully += 1;
  }
  /** Whether destroyed. */
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A fake BrowserWindow. */
export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  /** Like Electron, creating a window announces its WebContents (set by createFakeElectron). */
  static onCreate: (window: FakeBrowserWindow) => void = () => undefined;
  readonly webContents = new FakeWebContents();
  shown = 0;
  focused = 0;
  destroyed = false;
  /** Records the options. */
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
    FakeBrowserWindow.onCreate(this);
  }
  /** Counts. */
  show(): void {
    this.shown += 1;
  }
  /** Counts. */
  focus(): void {
    this.focused += 1;
  }
  /** Never minimised. */
  isMinimized(): boolean {
    return false;
  }
  /** No-op. */
  restore(): void {}
  /** Whether destroyed. */
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Delegates to webContents. */
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
}

/** A fake utility process. */
export class FakeUtilityProcess extends EventEmitter {
  readonly messages: Array<{ message: unknown; transfer: unknown[] }> = [];
  killed = 0;
  readonly pid = 4242;
  /** Recorded with the call. */
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
  ) {
    super();
  }
  /** Records the message. */
  postMessage(message: unknown, transfer: unknown[] = []): void {
    this.messages.push({ message, transfer });
  }
  /** Records and emits exit. */
  kill(): boolean {
    this.killed += 1;
    this.emit('exit', 9);
    return true;
  }
}

/** A fake session. */
export class FakeSession extends EventEmitter {
  permissionRequestHandler: ((...args: unknown[]) => void) | undefined;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | undefined;
  headersListener: ((details: unknown, callback: (response: unknown) => void) => void) | undefined;
  readonly protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  readonly webRequest = {
    onHeadersReceived: (
      listener: (details: unknown, callback: (response: unknown) => void) => void,
    ): void => {
      this.headersListener = listener;
    },
  };
  readonly protocol = {
    handle: (scheme: string, handler: (request: Request) => Promise<Response>): void => {
      this.protocolHandlers.set(scheme, handler);
    },
  };
  /** Stores the handler. */
  setPermissionRequestHandler(handler: (...args: unknown[]) => void): void {
    this.permissionRequestHandler = handler;
  }
  /** Stores the handler. */
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheckHandler = handler;
  }
  /** Stores the handler. */
  setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void {
    this.devicePermissionHandler = handler;
  }
}

/** The fake module plus the knobs and records tests use. */
export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** Creates a fresh fake 'electron' module. */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types -- its inferred shape is the FakeElectron type
export function createFakeElectron() {
  const freshControl = () => ({
    lockGranted: true,
    userData: '/nonexistent-userdata',
    isPackaged: false,
    encryptionAvailable: true,
    storageBackend: 'gnome_libsecret',
  });
  const freshCalls = () => ({
    quit: 0,
    exit: [] as number[],
    enableSandbox: 0,
    applicationMenu: [] as unknown[],
    privilegedSchemes: [] as unknown[],
    powerSaveBlocker: [] as string[],
    forks: [] as FakeUtilityProcess[],
    channels: [] as Array<{ port1: FakePort; port2: FakePort }>,
    sealed: [] as string[],
  });
  // Vitest caches a mocked module across vi.resetModules(), so state lives here and reset() renews it.
  const control = freshControl();
  const calls = freshCalls();
  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: (): boolean => control.lockGranted,
    quit: (): void => {
      calls.quit += 1;
    },
    exit: (code: number): void => {
      calls.exit.push(code);
    },
    whenReady: (): Promise<void> => Promise.resolve(),
    getVersion: (): string => '0.1.0-test',
    getPath: (name: string): string => {
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
      return control.userData;
    },
    setPath: (name: string, value: string): void => {
      if (name !== 'userData') throw new Error(`unexpected setPath(${name})`);
      control.userData = value;
    },
    enableSandbox: (): void => {
      calls.enableSandbox += 1;
    },
  });
  // A getter, not a value: Object.assign above would copy a getter's value once (and freeze it at false).
  Object.defineProperty(app, 'isPackaged', { get: () => control.isPackaged, enumerable: true });
  FakeBrowserWindow.onCreate = (window) => app.emit('web-contents-created', fakeEvent(), window.webContents);
  const session = { defaultSession: new FakeSession() };
  const ipcMain = new EventEmitter();
  // "Encryption" that is reversible but never contains the plaintext: a marker plus the reversed base64.
  const safeStorage = {
    isAsyncEncryptionAvailable: (): Promise<boolean> => Promise.resolve(control.encryptionAvailable),
    getSelectedStorageBackend: (): string => control.storageBackend,
    encryptStringAsync: (plain: string): Promise<Buffer> => {
      calls.sealed.push(plain);
      return Promise.resolve(
        Buffer.from(`SEALED:${Buffer.from(plain).toString('hex').split('').reverse().join('')}`),
      );
    },
    decryptStringAsync: (sealed: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> => {
      const text = sealed.toString();
      if (!text.startsWith('SEALED:')) return Promise.reject(new Error('cannot decrypt'));
      const hex = text.slice('SEALED:'.length).split('').reverse().join('');
      return Promise.resolve({ shouldReEncrypt: false, result: Buffer.from(hex, 'hex').toString() });
    },
  };
  class MessageChannelMain {
    readonly port1 = new FakePort();
    readonly port2 = new FakePort();
    constructor() {
      calls.channels.push({ port1: this.port1, port2: this.port2 });
    }
  }
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    Menu: {
      setApplicationMenu: (menu: unknown): void => {
        calls.applicationMenu.push(menu);
      },
    },
    MessageChannelMain,
    powerSaveBlocker: {
      start: (type: string): number => {
        calls.powerSaveBlocker.push(type);
        return 7;
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]): void => {
        calls.privilegedSchemes.push(...schemes);
      },
    },
    safeStorage,
    session,
    utilityProcess: {
      fork: (
        modulePath: string,
        args: string[] = [],
        options: Record<string, unknown> = {},
      ): FakeUtilityProcess => {
        const child = new FakeUtilityProcess(modulePath, args, options);
        calls.forks.push(child);
        return child;
      },
    },
  };
  /** Renews every record and knob, and drops all listeners (call in beforeEach). */
  const reset = (): void => {
    Object.assign(control, freshControl());
    Object.assign(calls, freshCalls());
    FakeBrowserWindow.instances = [];
    session.defaultSession = new FakeSession();
    app.removeAllListeners();
    ipcMain.removeAllListeners();
  };
  reset();
  return {
    ...module,
    default: module,
    control,
    calls,
    reset,
    get defaultSession(): FakeSession {
      return session.defaultSession;
    },
  };
}
