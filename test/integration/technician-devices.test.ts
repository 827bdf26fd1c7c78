import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IdCardSimulator } from '../../drivers/id-card/simulator.js';
import { serveSimulatorOn } from '../../drivers/printer/serve.js';
import { PrinterSimulator } from '../../drivers/printer/simulator.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import type { DeviceStatusView, VisitView } from '../../main/services/views.js';
import type { KioskCore } from '../../main/core/kiosk-core.js';
import { serialNodeLister } from '../../main/core/discovery.js';
import { silentLogger } from '../../main/core/log.js';
import { createPtyPair, type PtyPair } from '../support/socat.js';
import { nextEvent, startSignedInKiosk, type KioskClient } from '../support/kiosk-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pty(dir: string, names: [string, string]): Promise<PtyPair> {
  const pair = await createPtyPair({ dir, names });
  cleanups.push(() => pair.close());
  return pair;
}

/** A demonstration kiosk (simulated devices to start with) whose discovery lists the PTY links in `ptyDir`. */
async function kiosk(ptyDir: string, exportRoot?: string): Promise<{ core: KioskCore; client: KioskClient }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-tech-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { core, client } = await startSignedInKiosk({
    dataDir,
    log: silentLogger,
    fileLog: false,
    technicianTools: {
      discoveryListers: { serial: serialNodeLister([ptyDir]), hid: async () => [] },
      realDevices: { reconnectIntervalMs: 200, monitorIntervalMs: 300, idCardPollIntervalMs: 100 },
      exportRoots: exportRoot ? [exportRoot] : [],
    },
  });
  cleanups.push(() => core.close());
  return { core, client };
}

const ofKind = (kind: string) => (v: DeviceStatusView) => v.kind === kind;

describe('technician: discover, assign and test devices without a restart', () => {
  it('lists a plugged printer, probes it, assigns it, prints a test page and follows its paper live', async () => {
    const ptyDir = mkdtempSync(path.join(tmpdir(), 'booth-pty-'));
    cleanups.push(() => rmSync(ptyDir, { recursive: true, force: true }));
    const { core, client } = await kiosk(ptyDir);
    const { api } = client;
    expect(await api['technician.discover']()).toMatchObject({ ok: true, value: { devices: [] } });

    // Plug: the list changes by itself (the screen listens to this event).
    const listed = nextEvent(
      client,
      'technician.discovery',
      (v) => v.devices.some((d) => d.path === path.join(ptyDir, 'printer')),
      'the plugged printer listed',
    );
    const pair = await pty(ptyDir, ['printer', 'printer-sim']);
    await listed;
    const sim = new PrinterSimulator();
    const endpoint = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b, baudRate: 115200 }));
    cleanups.push(() => endpoint.close());

    expect(await api['technician.probe']({ path: pair.a })).toMatchObject({
      ok: true,
      value: { kind: 'receipt-printer' },
    });
    const online = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'printer' && v.connection.startsWith('serial:') && v.status.state === 'online',
      'the assigned printer online',
    );
    expect(await api['technician.assign']({ role: 'printer', spec: `serial:${pair.a}@115200` })).toEqual({
      ok: true,
      value: {
        ok: true,
        role: 'printer',
        spec: `serial:${pair.a}@115200`,
        applied: 'now',
        overriddenBy: null,
      },
    });
    await online;
    // The same setting `booth config set-device` writes.
    expect((await core.store.deviceConfig.all()).printer).toEqual({
      kind: 'serial',
      path: pair.a,
      baudRate: 115200,
    });
    // In use now: listed with its role, and never probed.
    expect(await api['technician.probe']({ path: pair.a })).toMatchObject({
      ok: true,
      value: { kind: 'in-use', detail: 'printer' },
    });

    const printed = await api['technician.printTest']();
    expect(printed).toMatchObject({ ok: true, value: { outcome: 'printed', reason: null, widthMm: 80 } });
    if (!printed.ok || !printed.value.previewPng) throw new Error('no preview');
    expect(Buffer.from(printed.value.previewPng, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(sim.jobs.length).toBeGreaterThan(0);

    // Out of paper: the status follows live, and the bits say so in words.
    const paperOut = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'printer' && v.status.state === 'error',
      'paper-out shown',
    );
    sim.setScenario('paper-out');
    expect((await paperOut).status).toMatchObject({ state: 'error' });
    const bits = await api['technician.printerBits']();
    expect(bits.ok && bits.value.flags).toContain('paper-end');
    const devices = await api['devices.status']();
    expect(devices.ok && devices.value.find(ofKind('printer'))?.connection).toBe(`serial:${pair.a}@115200`);
  });

  it('unplugging and replugging an assigned ID card reader goes no device → online without a restart', async () => {
    const ptyDir = mkdtempSync(path.join(tmpdir(), 'booth-pty-'));
    cleanups.push(() => rmSync(ptyDir, { recursive: true, force: true }));
    const { client } = await kiosk(ptyDir);
    const { api } = client;
    let pair = await pty(ptyDir, ['reader', 'reader-sim']);
    let sim = new IdCardSimulator(new SerialTransport({ path: pair.b }));
    await sim.start();
    expect(await api['technician.probe']({ path: pair.a })).toMatchObject({
      ok: true,
      value: { kind: 'id-card-reader' },
    });
    const online = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'id-card' && v.connection.startsWith('serial:') && v.status.state === 'online',
      'reader online',
    );
    expect(await api['technician.assign']({ role: 'id-card', spec: `serial:${pair.a}` })).toMatchObject({
      ok: true,
      value: { ok: true, applied: 'now' },
    });
    await online;

    const gone = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'id-card' && v.status.state === 'no-device',
      'reader no-device after unplug',
    );
    await sim.stop();
    await pair.close();
    await gone;

    const back = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'id-card' && v.status.state === 'online',
      'reader online after replug',
    );
    pair = await pty(ptyDir, ['reader', 'reader-sim']);
    sim = new IdCardSimulator(new SerialTransport({ path: pair.b }));
    await sim.start();
    cleanups.push(() => sim.stop());
    await back;
    const status = await api['devices.status']();
    expect(status.ok && status.value.find(ofKind('id-card'))?.status.state).toBe('online');
  });

  it('refuses a bad setting with its reason, and applies one made during a visit when the visit ends', async () => {
    const ptyDir = mkdtempSync(path.join(tmpdir(), 'booth-pty-'));
    cleanups.push(() => rmSync(ptyDir, { recursive: true, force: true }));
    const { client } = await kiosk(ptyDir);
    const { api } = client;
    const bad = await api['technician.assign']({ role: 'scanner', spec: 'tcp:192.0.2.1:9100' });
    expect(bad).toMatchObject({ ok: true, value: { ok: false, role: 'scanner' } });
    expect(bad.ok && !bad.value.ok && bad.value.problem).toMatch(/cannot be the scanner/);

    expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({ ok: true });
    expect(await api['technician.assign']({ role: 'scanner', spec: 'none' })).toMatchObject({
      ok: true,
      value: { ok: true, applied: 'after-visit' },
    });
    let status = await api['devices.status']();
    expect(status.ok && status.value.find(ofKind('scanner'))?.connection).toBe('simulated');
    const swapped = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'scanner' && v.status.state === 'no-device',
      'scanner removed after the visit',
    );
    const ended = nextEvent(client, 'visit.changed', (v: VisitView | null) => v === null, 'visit ended');
    await api['visit.cancel']();
    await ended;
    await swapped;
    status = await api['devices.status']();
    expect(status.ok && status.value.find(ofKind('scanner'))?.connection).toBe('not configured');
  });

  it('writes the diagnostics bundle to an offered USB folder only', async () => {
    const ptyDir = mkdtempSync(path.join(tmpdir(), 'booth-pty-'));
    const media = mkdtempSync(path.join(tmpdir(), 'booth-media-'));
    cleanups.push(() => rmSync(ptyDir, { recursive: true, force: true }));
    cleanups.push(() => rmSync(media, { recursive: true, force: true }));
    mkdirSync(path.join(media, 'kiosk', 'USB-STICK'), { recursive: true });
    const { client } = await kiosk(ptyDir, media);
    const { api } = client;
    const targets = await api['technician.exportTargets']();
    const usb = path.join(media, 'kiosk', 'USB-STICK');
    expect(targets).toMatchObject({ ok: true, value: [{ path: usb, label: 'USB-STICK' }] });
    const written = await api['technician.exportDiagnostics']({ target: usb });
    expect(written).toMatchObject({ ok: true, value: { ok: true } });
    const [file] = readdirSync(usb);
    expect(file).toMatch(/^booth-diagnostics-.*\.tar\.gz$/);
    expect(statSync(path.join(usb, file as string)).size).toBeGreaterThan(100);
    // Any other folder is refused: the screen cannot write where it likes.
    expect(await api['technician.exportDiagnostics']({ target: tmpdir() })).toEqual({
      ok: true,
      value: { ok: false, problem: 'not-an-export-target' },
    });
  });

  it('scan test: the next code with its symbology and GS1 AIs; nothing scanned is said, not an error', async () => {
    const ptyDir = mkdtempSync(path.join(tmpdir(), 'booth-pty-'));
    cleanups.push(() => rmSync(ptyDir, { recursive: true, force: true }));
    const { core, client } = await kiosk(ptyDir);
    const { api } = client;
    const result = api['technician.scanTest']();
    // A GS1 DataMatrix as a scanner sends it: AIM id ]d2, then (01) GTIN and (17) expiry.
    await core.devices.simulation?.scan(']d2010950123456789017261231');
    expect(await result).toMatchObject({
      ok: true,
      value: {
        scanned: true,
        text: '010950123456789017261231',
        gs1: [
          { ai: '01', value: '09501234567890' },
          { ai: '17', value: '261231' },
        ],
      },
    });
    const done = await result;
    // The symbology comes from the AIM identifier, named (not null).
    expect(done.ok && done.value.scanned ? done.value.symbology : null).toEqual(expect.any(String));
  });
});
