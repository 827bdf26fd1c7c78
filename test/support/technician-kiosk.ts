/**
 * A demonstration kiosk behind a browser host, set up for the technician screen: discovery lists the PTY links
 * of its own folder (socat pairs made with `pty()`), and one USB drive folder is offered for the diagnostics
 * export. Used by the technician e2e tests and scripts/technician-screenshots.ts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/server.js';
import { serialNodeLister } from '../../main/core/discovery.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import type { RealDevicesOptions } from '../../main/core/real-devices.js';
import { createPtyPair, type PtyPair } from './socat.js';

/** The kiosk, its folders, and a way to plug PTY pairs in. */
export interface TechnicianKiosk {
  readonly core: KioskCore;
  readonly host: BrowserHost;
  /** The kiosk's data directory (kept across `restart()`). */
  readonly dataDir: string;
  readonly ptyDir: string;
  /** The USB drive folder the export offers (labelled `USB-STICK`). */
  readonly usb: string;
  /** Makes a PTY pair in `ptyDir` (closed by `close()`). */
  pty(names: [string, string]): Promise<PtyPair>;
  /**
   * Stops the core and its browser host and starts them again on the same data directory (a new URL);
   * `between` runs while they are stopped (e.g. a `booth` command on the data directory).
   */
  restart(between?: () => Promise<void>): Promise<void>;
  /** Closes everything and removes the folders. */
  close(): Promise<void>;
}

/** Starts the kiosk; `realDevices` tunes the devices a technician assigns (faster reconnects in tests). */
export async function startTechnicianKiosk(realDevices?: RealDevicesOptions): Promise<TechnicianKiosk> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-tech-kiosk-'));
  const ptyDir = mkdtempSync(path.join(tmpdir(), 'booth-tech-pty-'));
  const media = mkdtempSync(path.join(tmpdir(), 'booth-tech-media-'));
  const usb = path.join(media, 'kiosk', 'USB-STICK');
  mkdirSync(usb, { recursive: true });
  const start = async (): Promise<{ core: KioskCore; host: BrowserHost }> => {
    const core = await startKioskCore({
      dataDir,
      mode: 'demonstration',
      host: 'browser',
      log: silentLogger,
      technicianTools: {
        discoveryListers: { serial: serialNodeLister([ptyDir]), hid: async () => [] },
        exportRoots: [media],
        ...(realDevices ? { realDevices } : {}),
      },
    });
    const host = await startBrowserHost({
      core,
      staticDir: path.resolve('dist/renderer'),
      port: 0,
      log: silentLogger,
    });
    return { core, host };
  };
  let running = await start();
  const pairs: PtyPair[] = [];
  return {
    get core() {
      return running.core;
    },
    get host() {
      return running.host;
    },
    dataDir,
    ptyDir,
    usb,
    async pty(names) {
      const pair = await createPtyPair({ dir: ptyDir, names });
      pairs.push(pair);
      return pair;
    },
    async restart(between) {
      await running.host.close();
      await running.core.close();
      await between?.();
      running = await start();
    },
    async close() {
      await running.host.close();
      await running.core.close();
      for (const pair of pairs) await pair.close();
      for (const dir of [dataDir, ptyDir, media]) rmSync(dir, { recursive: true, force: true });
    },
  };
}
