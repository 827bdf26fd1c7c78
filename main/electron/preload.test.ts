import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The preload is tested as it runs: bundled to CommonJS like scripts/build-main.mjs does, then evaluated in
 * a VM context that plays the sandboxed preload environment (a `require` that only knows 'electron', a
 * renderer `process`, a `window`).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
let code: string;

beforeAll(async () => {
  const result = await build({
    entryPoints: [path.join(here, 'preload.cts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  code = result.outputFiles[0]?.text ?? '';
});

interface Harness {
  readonly required: string[];
  readonly sent: string[];
  readonly exposed: Map<string, unknown>;
  readonly posted: Array<{ message: unknown; origin: string; transfer: unknown[] }>;
  readonly domListeners: Array<() => void>;
  deliverPort(ports: unknown[]): void;
  document: { readyState: string };
}

function runPreload(options: { origin?: string; readyState?: string; processType?: string } = {}): Harness {
  const required: string[] = [];
  const sent: string[] = [];
  const exposed = new Map<string, unknown>();
  const posted: Harness['posted'] = [];
  const domListeners: Array<() => void> = [];
  const ipcListeners = new Map<string, (event: { ports: unknown[] }) => void>();
  const document = { readyState: options.readyState ?? 'complete' };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      send: (channel: string) => sent.push(channel),
      on: (channel: string, listener: (event: { ports: unknown[] }) => void) =>
        ipcListeners.set(channel, listener),
    },
  };
  const window = {
    location: { origin: options.origin ?? 'app://kiosk' },
    document,
    postMessage: (message: unknown, origin: string, transfer: unknown[] = []) =>
      posted.push({ message, origin, transfer }),
    addEventListener: (type: string, listener: () => void) => {
      if (type === 'DOMContentLoaded') domListeners.push(listener);
    },
  };
  const context = vm.createContext({
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`module not found: ${name}`);
      return electron;
    },
    module: { exports: {} },
    exports: {},
    process: { type: options.processType ?? 'renderer' },
    window,
  });
  vm.runInContext(code, context);
  return {
    required,
    sent,
    exposed,
    posted,
    domListeners,
    document,
    deliverPort: (ports) => ipcListeners.get('kiosk:port')?.({ ports }),
  };
}

describe('preload', () => {
  it('requires only electron, asks for a port on load, and exposes only kioskHost', () => {
    const h = runPreload();
    expect(h.required).toEqual(['electron']);
    expect(h.sent).toEqual(['kiosk:connect']);
    expect([...h.exposed.keys()]).toEqual(['kioskHost']);
    const host = h.exposed.get('kioskHost') as Record<string, unknown>;
    expect(Object.keys(host).sort()).toEqual(['kind', 'reconnect']);
    expect(host.kind).toBe('electron');
  });

  it('does not pass ipcRenderer through: reconnect only re-sends the connect request', () => {
    const h = runPreload();
    const host = h.exposed.get('kioskHost') as { reconnect: (...args: unknown[]) => unknown };
    expect(host.reconnect('evil-channel', { payload: 1 })).toBeUndefined();
    expect(h.sent).toEqual(['kiosk:connect', 'kiosk:connect']);
  });

  it('forwards a delivered port to the page, targeted at the page origin', () => {
    const h = runPreload();
    const port = { fake: 'port' };
    h.deliverPort([port]);
    expect(h.posted).toEqual([{ message: 'kiosk:port', origin: 'app://kiosk', transfer: [port] }]);
  });

  it('waits for DOMContentLoaded while the page is still loading', () => {
    const h = runPreload({ readyState: 'loading' });
    const port = { fake: 'port' };
    h.deliverPort([port]);
    expect(h.posted).toEqual([]);
    h.domListeners.forEach((listener) => listener());
    expect(h.posted).toHaveLength(1);
  });

  it("falls back to '*' only for an opaque origin, and ignores a delivery without exactly one port", () => {
    const h = runPreload({ origin: 'null' });
    h.deliverPort([]);
    h.deliverPort([{}, {}]);
    expect(h.posted).toEqual([]);
    h.deliverPort([{}]);
    expect(h.posted[0]?.origin).toBe('*');
  });

  it('does nothing outside a renderer', () => {
    const h = runPreload({ processType: 'browser' });
    expect(h.required).toEqual([]);
    expect(h.sent).toEqual([]);
  });
});
