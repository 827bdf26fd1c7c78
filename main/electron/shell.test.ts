import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KIOSK_CSP } from './security/csp.js';
import type * as ShellExports from './shell.js';
import {
  fakeEvent,
  type FakeBrowserWindow,
  type FakeElectron,
  type FakePort,
} from './testing/fake-electron.js';

vi.mock('electron', async () => (await import('./testing/fake-electron.js')).createFakeElectron());

type ShellModule = typeof ShellExports;

let fake: FakeElectron;
let shellModule: ShellModule;
let base: string;
let logs: string[];

async function load(): Promise<void> {
  vi.resetModules();
  fake = (await import('electron')) as unknown as FakeElectron;
  fake.reset();
  shellModule = await import('./shell.js');
}

async function start(options: { production?: boolean; env?: Record<string, string> } = {}) {
  const shell = await shellModule.startShell({
    rendererRoot: path.join(base, 'renderer'),
    preloadPath: '/built/preload.cjs',
    coreEntryPath: '/built/utility-entry.js',
    env: options.env ?? {},
    production: options.production ?? true,
    log: (event, fields) => logs.push(event + (process.env.DBG ? JSON.stringify(fields) : '')),
    unresponsiveGraceMs: 1,
  });
  if (process.env.DBG) console.log(logs);
  return shell;
}

function theWindow(): FakeBrowserWindow {
  const window = fake.BrowserWindow.instances[0];
  if (window === undefined) throw new Error('no window');
  return window;
}

beforeEach(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'shell-'));
  mkdirSync(path.join(base, 'renderer'));
  mkdirSync(path.join(base, 'userData'));
  writeFileSync(
    path.join(base, 'renderer', 'index.html'),
    '<!doctype html><title>Smart Police Booth</title>',
  );
  logs = [];
  await load();
  fake.control.userData = path.join(base, 'userData');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('before ready', () => {
  it('registers app:// as a privileged standard, secure, fetch-capable scheme and enables the sandbox', () => {
    shellModule.registerBeforeReady();
    expect(fake.calls.privilegedSchemes).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
      },
    ]);
    expect(fake.calls.enableSandbox).toBe(1);
  });
});

describe('single instance', () => {
  it('quits without a window when another instance holds the lock', async () => {
    fake.control.lockGranted = false;
    expect(await start()).toBeUndefined();
    expect(fake.calls.quit).toBe(1);
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    expect(fake.calls.forks).toHaveLength(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    await start();
    fake.app.emit('second-instance');
    expect(theWindow().focused).toBe(1);
  });
});

describe('window and session', () => {
  it('creates the hardened kiosk window, without menu, and loads the app', async () => {
    await start();
    const window = theWindow();
    expect(window.options).toMatchObject({
      kiosk: true,
      fullscreen: true,
      autoHideMenuBar: true,
      show: false,
    });
    expect(window.options.webPreferences).toMatchObject({
      preload: '/built/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
    });
    expect(fake.calls.applicationMenu).toEqual([null]);
    expect(window.webContents.loadedUrls).toEqual(['app://kiosk/index.html']);
    expect(window.webContents.zoomLimits).toContainEqual([1, 1]);
    expect(window.webContents.zoomFactors).toContain(1);
    window.emit('ready-to-show');
    expect(window.shown).toBe(1);
  });

  it('installs the CSP on every response through onHeadersReceived', async () => {
    await start();
    const listener = fake.defaultSession.headersListener;
    expect(listener).toBeDefined();
    let response: unknown;
    listener?.({ responseHeaders: { 'Content-Security-Policy': ['default-src *'] } }, (r) => (response = r));
    expect(response).toEqual({ responseHeaders: { 'Content-Security-Policy': [KIOSK_CSP] } });
  });

  it('serves the renderer over app:// with the CSP, and refuses traversal and POST', async () => {
    await start();
    const handler = fake.defaultSession.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    if (handler === undefined) return;
    const ok = await handler(new Request('app://kiosk/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(KIOSK_CSP);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await handler({ url: 'app://kiosk/..%2f..%2fuserData', method: 'GET' } as Request)).status).toBe(
      403,
    );
    expect((await handler(new Request('app://kiosk/index.html', { method: 'POST', body: 'x' }))).status).toBe(
      405,
    );
  });

  it('grants the camera only to the app origin and denies every other permission', async () => {
    await start();
    const request = fake.defaultSession.permissionRequestHandler;
    const check = fake.defaultSession.permissionCheckHandler;
    const decide = (permission: string, details: Record<string, unknown>): boolean | undefined => {
      let granted: boolean | undefined;
      request?.(theWindow().webContents, permission, (value: boolean) => (granted = value), details);
      return granted;
    };
    const app = { requestingUrl: 'app://kiosk/index.html', isMainFrame: true };
    expect(decide('media', { ...app, mediaTypes: ['video'] })).toBe(true);
    expect(
      decide('media', { requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['video'] }),
    ).toBe(false);
    expect(decide('geolocation', app)).toBe(false);
    expect(decide('notifications', app)).toBe(false);
    expect(decide('clipboard-read', app)).toBe(false);
    expect(check?.(null, 'media', 'app://kiosk', { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(check?.(null, 'media', 'https://evil.example', { isMainFrame: true, mediaType: 'video' })).toBe(
      false,
    );
    expect(check?.(null, 'notifications', 'app://kiosk', { isMainFrame: true })).toBe(false);
    expect(fake.defaultSession.devicePermissionHandler?.({ deviceType: 'hid', origin: 'app://kiosk' })).toBe(
      false,
    );
  });

  it('denies window.open and blocks navigation, redirects and webviews off the app origin', async () => {
    await start();
    const contents = theWindow().webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://kiosk/other' })).toEqual({ action: 'deny' });
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      const evil = fakeEvent({ url: 'https://evil.example/' });
      contents.emit(name, evil);
      expect(evil.defaultPrevented).toBe(true);
      const own = fakeEvent({ url: 'app://kiosk/technician' });
      contents.emit(name, own);
      expect(own.defaultPrevented).toBe(false);
    }
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
    const download = fakeEvent();
    fake.defaultSession.emit('will-download', download);
    expect(download.defaultPrevented).toBe(true);
    expect(logs).not.toContain('https://evil.example/');
  });

  it('blocks zoom and devtools shortcuts and the context menu in production', async () => {
    await start({ production: true });
    const contents = theWindow().webContents;
    const press = (key: string, mods: Record<string, boolean> = {}): boolean => {
      const event = fakeEvent();
      contents.emit('before-input-event', event, {
        type: 'keyDown',
        key,
        control: false,
        meta: false,
        shift: false,
        alt: false,
        ...mods,
      });
      return event.defaultPrevented;
    };
    expect(press('=', { control: true })).toBe(true);
    expect(press('F12')).toBe(true);
    expect(press('I', { control: true, shift: true })).toBe(true);
    expect(press('r', { control: true })).toBe(true);
    expect(press('a')).toBe(false);
    const menu = fakeEvent();
    contents.emit('context-menu', menu, {});
    expect(menu.defaultPrevented).toBe(true);
    contents.emit('devtools-opened');
    expect(contents.devToolsClosed).toBe(1);
    const close = fakeEvent();
    theWindow().emit('close', close);
    expect(close.defaultPrevented).toBe(true);
  });

  it('keeps devtools usable outside production', async () => {
    await start({ production: false });
    const contents = theWindow().webContents;
    expect((theWindow().options.webPreferences as { devTools: boolean }).devTools).toBe(true);
    contents.emit('devtools-opened');
    expect(contents.devToolsClosed).toBe(0);
  });

  it('starts the display-sleep blocker', async () => {
    const shell = await start();
    expect(fake.calls.powerSaveBlocker).toEqual(['prevent-display-sleep']);
    expect(shell?.powerSaveBlockerId).toBe(7);
  });
});

describe('renderer recovery', () => {
  it('reloads the app after a renderer crash, not after a clean exit', async () => {
    await start();
    const contents = theWindow().webContents;
    contents.emit('render-process-gone', fakeEvent(), { reason: 'clean-exit', exitCode: 0 });
    expect(contents.loadedUrls).toHaveLength(1);
    contents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(contents.loadedUrls).toEqual(['app://kiosk/index.html', 'app://kiosk/index.html']);
    contents.emit('render-process-gone', fakeEvent(), { reason: 'oom', exitCode: 0 });
    expect(contents.loadedUrls).toHaveLength(3);
  });

  it('crashes and reloads a renderer that stays unresponsive past the grace period', async () => {
    await start();
    const contents = theWindow().webContents;
    contents.emit('unresponsive');
    await vi.waitFor(() => expect(contents.crashedForcefully).toBe(1), { timeout: 10_000 });
    expect(contents.loadedUrls).toHaveLength(2);
  });

  it('does nothing when the renderer becomes responsive again within the grace period', async () => {
    const shell = await shellModule.startShell({
      rendererRoot: path.join(base, 'renderer'),
      preloadPath: '/p.cjs',
      coreEntryPath: '/c.js',
      env: {},
      production: true,
      log: () => undefined,
      unresponsiveGraceMs: 60_000,
    });
    expect(shell).toBeDefined();
    const contents = theWindow().webContents;
    contents.emit('unresponsive');
    contents.emit('responsive');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(contents.crashedForcefully).toBe(0);
  });
});

describe('kiosk core and its port', () => {
  it('forks the core with the data key only inside the init message', async () => {
    await start({
      env: {
        BOOTH_DATA_DIR: '/var/lib/booth',
        BOOTH_SIMULATE: '0',
        BOOTH_CENTRAL_URL: 'https://central.test/',
      },
    });
    expect(fake.calls.forks).toHaveLength(1);
    const child = fake.calls.forks[0]!;
    expect(child.modulePath).toBe('/built/utility-entry.js');
    expect(child.args).toEqual([]);
    expect(child.options.env).toBeUndefined();
    const init = child.messages[0]?.message as Record<string, unknown>;
    expect(init).toMatchObject({
      type: 'init',
      dataDir: '/var/lib/booth',
      mode: 'production',
      centralUrl: 'https://central.test/',
      appVersion: '0.1.0-test',
    });
    const key = Buffer.from(String(init.dataKey), 'base64');
    expect(key).toHaveLength(32);
    // The key was sealed by safeStorage, and what is on disk is not the key.
    expect(fake.calls.sealed).toEqual([key.toString('base64')]);
    const files = readdirSync(fake.control.userData);
    expect(files).toEqual(['data.key.sealed']);
    const onDisk = readFileSync(path.join(fake.control.userData, 'data.key.sealed'));
    expect(onDisk.includes(key)).toBe(false);
    expect(onDisk.toString().includes(key.toString('base64'))).toBe(false);
    expect(JSON.stringify(process.env)).not.toContain(key.toString('base64'));
  });

  it('reuses the sealed key on the next start', async () => {
    await start();
    const firstKey = (fake.calls.forks[0]?.messages[0]?.message as { dataKey: string }).dataKey;
    await load();
    fake.control.userData = path.join(base, 'userData');
    await start();
    const secondKey = (fake.calls.forks[0]?.messages[0]?.message as { dataKey: string }).dataKey;
    expect(secondKey).toBe(firstKey);
    expect(fake.calls.sealed).toEqual([]);
  });

  it('defaults to production and the userData directory', async () => {
    await start({ env: {} });
    const init = fake.calls.forks[0]?.messages[0]?.message as Record<string, unknown>;
    expect(init).toMatchObject({ mode: 'production', dataDir: fake.control.userData });
    expect(init.centralUrl).toBeUndefined();
  });

  it('runs a demonstration only when BOOTH_SIMULATE=1 asks', async () => {
    await start({ env: { BOOTH_SIMULATE: '1' } });
    expect(fake.calls.forks[0]?.messages[0]?.message).toMatchObject({ mode: 'demonstration' });
  });

  it('a packaged build is production even when BOOTH_SIMULATE=1 asks otherwise', async () => {
    fake.control.isPackaged = true;
    await start({ env: { BOOTH_SIMULATE: '1' } });
    expect(fake.calls.forks[0]?.messages[0]?.message).toMatchObject({
      mode: 'production',
      modeReason: expect.stringContaining('packaged') as unknown,
    });
  });

  it('refuses to start, clearly, when safeStorage is unavailable', async () => {
    fake.control.encryptionAvailable = false;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await start()).toBeUndefined();
    expect(fake.calls.exit).toEqual([1]);
    expect(fake.calls.forks).toHaveLength(0);
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    expect(readdirSync(fake.control.userData)).toEqual([]);
    expect(logs).toContain('data-key.failed');
    expect(errors.mock.calls.join(' ')).toMatch(/keystore/i);
    errors.mockRestore();
  });

  it('hands a port to the core and the other end to the trusted renderer', async () => {
    await start();
    const contents = theWindow().webContents;
    fake.ipcMain.emit('kiosk:connect', { sender: contents, senderFrame: contents.mainFrame });
    expect(fake.calls.channels).toHaveLength(1);
    const { port1, port2 } = fake.calls.channels[0]!;
    const child = fake.calls.forks[0]!;
    expect(child.messages[1]).toEqual({ message: { type: 'connect' }, transfer: [port1] });
    expect(contents.posted).toEqual([{ channel: 'kiosk:port', message: null, ports: [port2] }]);
  });

  it('ignores connect requests from a foreign page, a sub-frame or another sender', async () => {
    await start();
    const contents = theWindow().webContents;
    contents.mainFrame.url = 'https://evil.example/';
    fake.ipcMain.emit('kiosk:connect', { sender: contents, senderFrame: contents.mainFrame });
    contents.mainFrame.url = 'app://kiosk/index.html';
    const subFrame = { url: 'app://kiosk/index.html', parent: contents.mainFrame };
    fake.ipcMain.emit('kiosk:connect', { sender: contents, senderFrame: subFrame });
    fake.ipcMain.emit('kiosk:connect', { sender: contents, senderFrame: null });
    const other = new (fake.BrowserWindow as unknown as new (o: object) => FakeBrowserWindow)({});
    fake.ipcMain.emit('kiosk:connect', {
      sender: other.webContents,
      senderFrame: other.webContents.mainFrame,
    });
    expect(fake.calls.channels).toHaveLength(0);
    expect(contents.posted).toHaveLength(0);
    expect(fake.calls.forks[0]?.messages).toHaveLength(1); // only init
    expect(logs.filter((e) => e === 'ipc.sender-refused')).toHaveLength(4);
  });

  it('restarts a crashed core and sends the renderer a fresh port', async () => {
    await start();
    const contents = theWindow().webContents;
    fake.calls.forks[0]?.emit('exit', 1);
    await vi.waitFor(() => expect(fake.calls.forks).toHaveLength(2), { timeout: 10_000 });
    const restarted = fake.calls.forks[1]!;
    expect((restarted.messages[0]?.message as { type: string }).type).toBe('init');
    expect(restarted.messages[1]?.message).toEqual({ type: 'connect' });
    expect(contents.posted).toHaveLength(1);
    expect((contents.posted[0]?.ports[0] as FakePort).id).toBe(fake.calls.channels[0]?.port2.id);
  });

  it('shuts the core down before quitting, and does not restart it', async () => {
    await start();
    const child = fake.calls.forks[0]!;
    const beforeQuit = fakeEvent();
    fake.app.emit('before-quit', beforeQuit);
    expect(beforeQuit.defaultPrevented).toBe(true);
    expect(child.messages.at(-1)?.message).toEqual({ type: 'shutdown' });
    expect(fake.calls.quit).toBe(0);
    child.emit('exit', 0);
    await vi.waitFor(() => expect(fake.calls.quit).toBe(1), { timeout: 10_000 });
    const again = fakeEvent();
    fake.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.calls.forks).toHaveLength(1);
  });
});
