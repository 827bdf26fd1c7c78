import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatusView, VisitView } from '../../main/services/views.js';
import { runCli } from '../../main/cli/main.js';
import { silentLogger } from '../../main/core/log.js';
import { nextEvent, startSignedInKiosk } from '../support/kiosk-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function kiosk(dataDir: string): ReturnType<typeof startSignedInKiosk> {
  const started = await startSignedInKiosk({
    dataDir,
    log: silentLogger,
    fileLog: false,
    technicianTools: { discoveryListers: { serial: async () => [], hid: async () => [] }, exportRoots: [] },
  });
  cleanups.push(() => started.core.close());
  return started;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-cam-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const row = (rows: readonly DeviceStatusView[], kind: string): DeviceStatusView | undefined =>
  rows.find((r) => r.kind === kind);

const FRONT = { deviceId: 'a1b2c3', label: 'USB2.0 HD UVC WebCam (0bda:58c2)' };
const DOCS = { deviceId: 'd4e5f6', label: 'Document Camera (1234:5678)' };

describe('technician: camera roles', () => {
  it('assigns the citizen camera by id and label, stored like booth config set-device, in force at once and after a restart', async () => {
    const dataDir = tempDir();
    const { core, client } = await kiosk(dataDir);
    const { api } = client;
    expect(await api['face.settings']()).toEqual({
      ok: true,
      value: { citizenCamera: null, documentCamera: null },
    });

    expect(await api['technician.assignCamera']({ role: 'citizen-camera', camera: FRONT })).toEqual({
      ok: true,
      value: {
        ok: true,
        role: 'citizen-camera',
        spec: `id:${FRONT.deviceId}?label=${FRONT.label}`,
        applied: 'now',
        overriddenBy: null,
      },
    });
    // The next face check opens it: no restart.
    expect(await api['face.settings']()).toEqual({
      ok: true,
      value: { citizenCamera: FRONT, documentCamera: null },
    });
    await core.close();

    // Stored exactly as the command stores it: `booth config devices` reads it back.
    const out: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: () => undefined,
      env: {},
      signal: new AbortController().signal,
    };
    expect(await runCli(['config', 'devices', '--data', dataDir, '--json'], io)).toBe(0);
    const listed = JSON.parse(out.join('')) as {
      devices: { role: string; spec: string | null; source: string }[];
    };
    expect(listed.devices.find((r) => r.role === 'citizen-camera')).toMatchObject({
      spec: `id:${FRONT.deviceId}?label=${FRONT.label}`,
      source: 'stored',
    });

    // A restarted core uses it.
    const again = await kiosk(dataDir);
    expect(await again.client.api['face.settings']()).toEqual({
      ok: true,
      value: { citizenCamera: FRONT, documentCamera: null },
    });
  });

  it('refuses what is not a camera role or a camera setting, through the API schema and the tools', async () => {
    const { client } = await kiosk(tempDir());
    const { api } = client;
    const wrongRole = await api['technician.assignCamera']({
      role: 'printer' as 'citizen-camera',
      camera: FRONT,
    });
    expect(wrongRole).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const noId = await api['technician.assignCamera']({
      role: 'citizen-camera',
      camera: { deviceId: '', label: 'x' },
    });
    expect(noId).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const badText = await api['technician.assign']({ role: 'document-camera', spec: 'serial:/dev/video0' });
    expect(badText).toMatchObject({ ok: true, value: { ok: false, role: 'document-camera' } });
    expect(badText.ok && !badText.value.ok && badText.value.problem).toMatch(/is not id:DEVICE_ID/);
    // The same text the command takes works here too.
    expect(await api['technician.assign']({ role: 'document-camera', spec: 'label:Document' })).toMatchObject(
      {
        ok: true,
        value: { ok: true, spec: 'label:Document', applied: 'now' },
      },
    );
  });

  it('follows the reported cameras: connected, or no device for an assigned camera that is absent', async () => {
    const { client } = await kiosk(tempDir());
    const { api } = client;
    await api['technician.assignCamera']({ role: 'citizen-camera', camera: FRONT });
    const missing = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'citizen-camera' && v.status.state === 'no-device',
      'citizen camera missing',
    );
    // Another camera is there, but not the assigned one: not silently used.
    await api['devices.cameras']({ cameras: [DOCS], labelsKnown: true });
    await missing;
    const online = nextEvent(
      client,
      'device.status',
      (v) => v.kind === 'citizen-camera' && v.status.state === 'online',
      'citizen camera back',
    );
    // Plugged back in, with a new id (another USB port, a new browser profile): found by its label.
    await api['devices.cameras']({
      cameras: [DOCS, { deviceId: 'ffff', label: FRONT.label }],
      labelsKnown: true,
    });
    expect((await online).connection).toContain(FRONT.label);
    const status = await api['devices.status']();
    expect(status.ok && row(status.value, 'document-camera')?.status).toEqual({
      state: 'no-device',
      reason: 'not configured',
    });
    const overview = await api['technician.overview']();
    expect(overview.ok && row(overview.value.devices, 'citizen-camera')?.status.state).toBe('online');
  });

  it('applies an assignment made during a visit when the visit ends', async () => {
    const { client } = await kiosk(tempDir());
    const { api } = client;
    expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({ ok: true });
    expect(await api['technician.assignCamera']({ role: 'citizen-camera', camera: FRONT })).toMatchObject({
      ok: true,
      value: { ok: true, applied: 'after-visit' },
    });
    // The visit's face check keeps the camera it was given.
    expect(await api['face.settings']()).toMatchObject({ ok: true, value: { citizenCamera: null } });
    const ended = nextEvent(client, 'visit.changed', (v: VisitView | null) => v === null, 'visit ended');
    await api['visit.cancel']();
    await ended;
    await expect
      .poll(async () => {
        const r = await api['face.settings']();
        return r.ok ? r.value.citizenCamera : null;
      })
      .toEqual(FRONT);
  });
});
