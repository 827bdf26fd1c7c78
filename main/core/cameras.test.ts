import { describe, expect, it } from 'vitest';
import type { DeviceStatusView } from '../services/views.js';
import { CameraRoles, cameraMatches, cameraSelector } from './cameras.js';

const none = { spec: null, source: 'none' } as const;
const FRONT = { deviceId: 'a1', label: 'USB2.0 HD UVC WebCam (0bda:58c2)' };
const DOCS = { deviceId: 'b2', label: 'Document Camera (1234:5678)' };

describe('camera roles on the running core', () => {
  it('matches by id, then by the stored label when the id changed; a label piece matches any case', () => {
    const byId = { kind: 'camera-id', deviceId: 'a1', label: FRONT.label } as const;
    expect(cameraMatches(byId, FRONT)).toBe(true);
    expect(cameraMatches(byId, { deviceId: 'zz', label: FRONT.label })).toBe(true);
    expect(cameraMatches(byId, DOCS)).toBe(false);
    expect(cameraMatches({ kind: 'camera-id', deviceId: 'a1' }, { deviceId: 'zz', label: FRONT.label })).toBe(
      false,
    );
    expect(cameraMatches({ kind: 'camera-label', label: 'document' }, DOCS)).toBe(true);
    expect(cameraSelector(byId)).toEqual({ deviceId: 'a1', label: FRONT.label });
    expect(cameraSelector(null)).toBeNull();
  });

  it('says per role whether its camera is there, and tells only of rows that changed', () => {
    const roles = new CameraRoles({ citizenCamera: none, documentCamera: none });
    const changed: DeviceStatusView[] = [];
    roles.events.on('changed', (row) => changed.push(row));
    expect(roles.statuses().map((r) => [r.kind, r.status.state])).toEqual([
      ['citizen-camera', 'offline'],
      ['document-camera', 'no-device'],
    ]);
    // Unassigned, the citizen camera is the first one listed.
    roles.reported({ cameras: [FRONT], labelsKnown: true });
    expect(changed.map((r) => [r.kind, r.status.state])).toEqual([['citizen-camera', 'online']]);
    roles.reported({ cameras: [FRONT], labelsKnown: true });
    expect(changed).toHaveLength(1);

    roles.set('documentCamera', { kind: 'camera-id', deviceId: 'b2', label: DOCS.label });
    expect(changed.at(-1)).toMatchObject({
      kind: 'document-camera',
      status: { state: 'no-device', reason: 'missing' },
    });
    roles.reported({ cameras: [FRONT, DOCS], labelsKnown: true });
    expect(changed.at(-1)).toMatchObject({ kind: 'document-camera', status: { state: 'online' } });
    expect(changed.at(-1)?.connection).toContain(DOCS.label);
    // Before the page was granted the camera, an assigned camera cannot be told apart.
    roles.reported({ cameras: [{ deviceId: '', label: '' }], labelsKnown: false });
    expect(roles.statuses()[1]?.status).toEqual({ state: 'offline', reason: 'no-permission' });
    roles.reported({ cameras: [], labelsKnown: false });
    expect(roles.statuses().map((r) => r.status.state)).toEqual(['no-device', 'no-device']);
    expect(roles.faceSettings()).toEqual({
      citizenCamera: null,
      documentCamera: { deviceId: 'b2', label: DOCS.label },
    });
  });

  it('shows a stored setting that cannot be used as a configuration error', () => {
    const roles = new CameraRoles({
      citizenCamera: {
        spec: null,
        source: 'stored',
        error: 'stored citizen-camera configuration is invalid',
      },
      documentCamera: none,
    });
    expect(roles.statuses()[0]?.status).toMatchObject({ state: 'error', code: 'device-misconfigured' });
    roles.set('citizenCamera', null);
    expect(roles.statuses()[0]?.status.state).toBe('offline');
  });
});
