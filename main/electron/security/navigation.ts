/**
 * The one origin the kiosk window may show: the built renderer served over the privileged `app://` scheme.
 * Everything else (the web, file://, other hosts on app://) is refused.
 */

/** The privileged scheme that serves the built renderer. */
export const APP_SCHEME = 'app';
/** The host under the app scheme; together they form the app origin. */
export const APP_HOST = 'kiosk';
/** The app origin as Chromium reports it for a standard scheme. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the kiosk window opens. */
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * Whether `url` belongs to the app origin. `URL.origin` is "null" for non-special schemes in Node, so the
 * parts are compared one by one; credentials or a port (`app://kiosk@evil/`, `app://kiosk:1/`) are refused
 * because they mean someone is trying to smuggle a different authority past a prefix check.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: never one of ours.
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Whether `origin` (as given by permission handlers: "app://kiosk", sometimes with a trailing slash) is the
 * app origin.
 */
export function isAppOrigin(origin: string | undefined | null): boolean {
  if (origin === undefined || origin === null || origin === '') return false;
  return isAppUrl(origin) && /^app:\/\/kiosk\/?$/i.test(origin);
}

/** Whether the kiosk window may navigate (or be redirected) to `url`: only within the app origin. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}
