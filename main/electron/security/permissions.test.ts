import { describe, expect, it } from 'vitest';
import { decidePermissionCheck, decidePermissionRequest } from './permissions.js';

const appPage = 'app://kiosk/index.html';

describe('permission requests', () => {
  it('grants the camera, and only the camera, to the app main frame', () => {
    expect(
      decidePermissionRequest({
        permission: 'media',
        requestingUrl: appPage,
        isMainFrame: true,
        mediaTypes: ['video'],
        securityOrigin: 'app://kiosk/',
      }),
    ).toBe(true);
    // The kiosk records no sound: the microphone is refused, alone or asked for with the camera.
    for (const mediaTypes of [['audio'], ['video', 'audio']]) {
      expect(
        decidePermissionRequest({
          permission: 'media',
          requestingUrl: appPage,
          isMainFrame: true,
          mediaTypes,
        }),
      ).toBe(false);
    }
    expect(
      decidePermissionCheck({ permission: 'media', requestingOrigin: 'app://kiosk', mediaType: 'audio' }),
    ).toBe(false);
    expect(
      decidePermissionCheck({ permission: 'media', requestingOrigin: 'app://kiosk', mediaType: 'video' }),
    ).toBe(true);
  });

  it('denies media to any other origin, a sub-frame, or without media types', () => {
    const base = { permission: 'media', isMainFrame: true, mediaTypes: ['video'] } as const;
    expect(decidePermissionRequest({ ...base, requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(decidePermissionRequest({ ...base, requestingUrl: 'app://evil/index.html' })).toBe(false);
    expect(
      decidePermissionRequest({ ...base, requestingUrl: appPage, securityOrigin: 'https://evil.example' }),
    ).toBe(false);
    expect(decidePermissionRequest({ ...base, requestingUrl: undefined })).toBe(false);
    expect(decidePermissionRequest({ ...base, requestingUrl: appPage, isMainFrame: false })).toBe(false);
    expect(decidePermissionRequest({ ...base, requestingUrl: appPage, mediaTypes: [] })).toBe(false);
    expect(
      decidePermissionRequest({ ...base, requestingUrl: appPage, mediaTypes: ['video', 'screen'] }),
    ).toBe(false);
  });

  it.each([
    'geolocation',
    'notifications',
    'display-capture',
    'clipboard-read',
    'hid',
    'serial',
    'usb',
    'midi',
    'openExternal',
    'fullscreen',
    'pointerLock',
    'fileSystem',
    'unknown',
  ])('denies %s even to the app origin', (permission) => {
    expect(
      decidePermissionRequest({
        permission,
        requestingUrl: appPage,
        isMainFrame: true,
        mediaTypes: ['video'],
      }),
    ).toBe(false);
  });
});

describe('permission checks', () => {
  it('passes media checks from the app origin', () => {
    expect(
      decidePermissionCheck({ permission: 'media', requestingOrigin: 'app://kiosk', mediaType: 'video' }),
    ).toBe(true);
    expect(
      decidePermissionCheck({ permission: 'media', requestingOrigin: 'app://kiosk/', mediaType: 'unknown' }),
    ).toBe(true);
    expect(decidePermissionCheck({ permission: 'media', requestingOrigin: 'app://kiosk' })).toBe(true);
  });

  it('fails everything else', () => {
    expect(
      decidePermissionCheck({
        permission: 'media',
        requestingOrigin: 'https://evil.example',
        mediaType: 'video',
      }),
    ).toBe(false);
    expect(
      decidePermissionCheck({
        permission: 'media',
        requestingOrigin: 'app://kiosk',
        securityOrigin: 'https://x.example',
      }),
    ).toBe(false);
    expect(decidePermissionCheck({ permission: 'geolocation', requestingOrigin: 'app://kiosk' })).toBe(false);
    expect(decidePermissionCheck({ permission: 'notifications', requestingOrigin: 'app://kiosk' })).toBe(
      false,
    );
    expect(decidePermissionCheck({ permission: 'serial', requestingOrigin: 'app://kiosk' })).toBe(false);
  });
});
