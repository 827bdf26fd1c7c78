import { describe, expect, it } from 'vitest';
import {
  DeviceConfigError,
  formatCameraSpec,
  parseCameraRole,
  parseCameraSpec,
  resolveCameraConfig,
} from './device-config.js';

describe('camera roles', () => {
  it('parses role names and id:/label: specs, and formats them back', () => {
    expect(parseCameraRole('citizen-camera')).toBe('citizenCamera');
    expect(parseCameraRole('DocumentCamera')).toBe('documentCamera');
    expect(parseCameraRole('printer')).toBeNull();
    const byLabel = parseCameraSpec('label:USB2.0 HD UVC', 'SPEC');
    expect(byLabel).toEqual({ kind: 'camera-label', label: 'USB2.0 HD UVC' });
    expect(formatCameraSpec(byLabel)).toBe('label:USB2.0 HD UVC');
    expect(formatCameraSpec(parseCameraSpec('id:4f1c9e', 'SPEC'))).toBe('id:4f1c9e');
    expect(parseCameraSpec('none', 'SPEC')).toBeNull();
  });

  it('keeps the label beside a device id, so the camera is found again when the browser changes its id', () => {
    const spec = parseCameraSpec('id:4f1c9e?label=USB2.0 HD UVC (0bda:58c2)', 'SPEC');
    expect(spec).toEqual({ kind: 'camera-id', deviceId: '4f1c9e', label: 'USB2.0 HD UVC (0bda:58c2)' });
    expect(formatCameraSpec(spec)).toBe('id:4f1c9e?label=USB2.0 HD UVC (0bda:58c2)');
    expect(() => parseCameraSpec('id:?label=Front', 'SPEC')).toThrow(DeviceConfigError);
  });

  it('refuses other forms with a one-line reason naming the source', () => {
    expect(() => parseCameraSpec('serial:/dev/video0', 'BOOTH_CAMERA_CITIZEN')).toThrow(DeviceConfigError);
    expect(() => parseCameraSpec('label:', 'SPEC')).toThrow(/^SPEC: 'label:' is not id:DEVICE_ID/);
  });

  it('takes the environment over the store, and reports a bad stored row without throwing', async () => {
    const stored = {
      all: async (): Promise<Record<string, unknown>> => ({
        'citizen-camera': { kind: 'camera-label', label: 'Front' },
        'document-camera': { kind: 'bogus' },
      }),
    };
    const fromStore = await resolveCameraConfig({ env: {}, stored });
    expect(fromStore.citizenCamera).toEqual({
      spec: { kind: 'camera-label', label: 'Front' },
      source: 'stored',
    });
    expect(fromStore.documentCamera.spec).toBeNull();
    expect(fromStore.documentCamera.error).toMatch(/document-camera/);
    const fromEnv = await resolveCameraConfig({ env: { BOOTH_CAMERA_CITIZEN: 'id:abc' }, stored });
    expect(fromEnv.citizenCamera).toEqual({ spec: { kind: 'camera-id', deviceId: 'abc' }, source: 'env' });
  });
});
