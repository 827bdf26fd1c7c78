import { isAppOrigin, isAppUrl } from './navigation.js';

/**
 * Permission decisions for the kiosk session. The only thing the renderer may use is the camera (face
 * matching), and only from the app origin's main frame. Everything else — the microphone (the kiosk records no
 * sound), geolocation, notifications, HID/serial/USB from the page, clipboard, screen capture, openExternal — is
 * denied.
 */

/** What a permission request carries that matters to the decision (a subset of Electron's details). */
export interface PermissionRequestFacts {
  readonly permission: string;
  readonly requestingUrl?: string | undefined;
  readonly securityOrigin?: string | undefined;
  readonly isMainFrame?: boolean | undefined;
  readonly mediaTypes?: readonly string[] | undefined;
}

/** What a permission check carries that matters to the decision. */
export interface PermissionCheckFacts {
  readonly permission: string;
  readonly requestingOrigin: string;
  readonly securityOrigin?: string | undefined;
  readonly mediaType?: string | undefined;
}

const ALLOWED_MEDIA_TYPES: ReadonlySet<string> = new Set(['video']);

/** Whether to grant a permission request (`session.setPermissionRequestHandler`). */
export function decidePermissionRequest(facts: PermissionRequestFacts): boolean {
  if (facts.permission !== 'media') return false;
  // Sub-frames never get the camera; the kiosk has no iframes and an injected one must not see anything.
  if (facts.isMainFrame === false) return false;
  if (facts.requestingUrl === undefined || !isAppUrl(facts.requestingUrl)) return false;
  if (
    facts.securityOrigin !== undefined &&
    facts.securityOrigin !== '' &&
    !isAppOrigin(facts.securityOrigin)
  ) {
    return false;
  }
  const types = facts.mediaTypes ?? [];
  // An empty list is how Chromium asks for "media" without saying which; refuse rather than guess.
  if (types.length === 0) return false;
  return types.every((type) => ALLOWED_MEDIA_TYPES.has(type));
}

/** Whether a synchronous permission check passes (`session.setPermissionCheckHandler`). */
export function decidePermissionCheck(facts: PermissionCheckFacts): boolean {
  if (facts.permission !== 'media') return false;
  if (!isAppOrigin(facts.requestingOrigin)) return false;
  if (
    facts.securityOrigin !== undefined &&
    facts.securityOrigin !== '' &&
    !isAppOrigin(facts.securityOrigin)
  ) {
    return false;
  }
  // "unknown" is what enumerateDevices() checks with; it reveals device labels only, not frames.
  return (
    facts.mediaType === undefined || facts.mediaType === 'unknown' || ALLOWED_MEDIA_TYPES.has(facts.mediaType)
  );
}
