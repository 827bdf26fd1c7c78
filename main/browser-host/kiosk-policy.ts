import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Chromium's managed (mandatory) policy folder on Debian and Ubuntu's chromium packages. Chromium reads every
 * JSON file in it at start; a user cannot override it, not even from the command line or DevTools.
 */
export const CHROMIUM_MANAGED_POLICY_DIR = '/etc/chromium/policies/managed';

/** The name of the kiosk's policy file in that folder. */
export const KIOSK_POLICY_FILE = 'booth-kiosk.json';

/** The kiosk origin the policy allows: the browser host's loopback address with an explicit port. */
export const kioskOriginSchema = z
  .string()
  .regex(/^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/, 'an origin such as http://127.0.0.1:8570')
  .refine((origin) => {
    const port = Number(new URL(origin).port);
    return port >= 1 && port <= 65535;
  }, 'a port between 1 and 65535');

/**
 * The managed policy that locks the kiosk's Chromium down: no DevTools, no page but the kiosk's own origin
 * (every other navigation is blocked, typed, linked or opened by a shortcut), no other profiles, no
 * downloads, file pickers, printing dialogs, password or form storage, extensions or pop-ups; the camera only
 * for the kiosk. It applies to every Chromium on the machine — meant for a machine that is a kiosk.
 * `URLBlocklist` gates navigations; the page's own requests (its WebSocket included) stay same-origin by CSP.
 */
export function kioskBrowserPolicy(origin: string): Record<string, unknown> {
  const kiosk = kioskOriginSchema.parse(origin);
  return {
    DeveloperToolsAvailability: 2,
    URLBlocklist: ['*'],
    URLAllowlist: [kiosk],
    IncognitoModeAvailability: 1,
    BrowserGuestModeEnabled: false,
    BrowserAddPersonEnabled: false,
    BrowserSignin: 0,
    SyncDisabled: true,
    PasswordManagerEnabled: false,
    AutofillAddressEnabled: false,
    AutofillCreditCardEnabled: false,
    DownloadRestrictions: 3,
    AllowFileSelectionDialogs: false,
    PrintingEnabled: false,
    TranslateEnabled: false,
    SearchSuggestEnabled: false,
    ExtensionInstallBlocklist: ['*'],
    DefaultPopupsSetting: 2,
    DefaultNotificationsSetting: 2,
    DefaultGeolocationSetting: 2,
    AudioCaptureAllowed: false,
    VideoCaptureAllowedUrls: [kiosk],
    TaskManagerEndProcessEnabled: false,
    BookmarkBarEnabled: false,
    EditBookmarksEnabled: false,
    MetricsReportingEnabled: false,
    BackgroundModeEnabled: false,
  };
}

/** The policy file's text for an origin (what gets installed, byte for byte). */
export function kioskPolicyText(origin: string): string {
  return `${JSON.stringify(kioskBrowserPolicy(origin), null, 2)}\n`;
}

/** Whether the kiosk policy for an origin is in force on this machine. */
export type KioskPolicyState =
  | { readonly state: 'installed'; readonly path: string }
  | { readonly state: 'missing'; readonly path: string }
  | { readonly state: 'different'; readonly path: string };

/** Checks the installed policy file against the one for `origin` (reads only). */
export function kioskPolicyState(
  origin: string,
  dir: string = CHROMIUM_MANAGED_POLICY_DIR,
): KioskPolicyState {
  const file = path.join(dir, KIOSK_POLICY_FILE);
  let installed: string;
  try {
    installed = readFileSync(file, 'utf8');
  } catch {
    return { state: 'missing', path: file };
  }
  return installed === kioskPolicyText(origin)
    ? { state: 'installed', path: file }
    : { state: 'different', path: file };
}

/** What {@link installKioskPolicy} did. */
export type KioskPolicyInstall =
  | { readonly installed: true; readonly path: string }
  | { readonly installed: false; readonly path: string; readonly reason: string };

/**
 * Writes the policy file into Chromium's managed folder when this process may (in practice: root, from the
 * deployment command — the kiosk itself runs unprivileged and cannot, by design). Created 0644: Chromium
 * runs as the kiosk user and must read it; only root may change it. Never throws for a folder it cannot
 * write; says why instead.
 */
export function installKioskPolicy(
  origin: string,
  dir: string = CHROMIUM_MANAGED_POLICY_DIR,
): KioskPolicyInstall {
  const text = kioskPolicyText(origin);
  const file = path.join(dir, KIOSK_POLICY_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    rmSync(temporary, { force: true });
    writeFileSync(temporary, text, { mode: 0o644, flag: 'wx' });
    chmodSync(temporary, 0o644);
    renameSync(temporary, file);
    return { installed: true, path: file };
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written there either.
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    const reason =
      code === 'EACCES' || code === 'EPERM'
        ? `${dir} is not writable by this user (install it as root)`
        : code === 'EROFS'
          ? `${dir} is on a read-only file system`
          : `${dir} cannot be written (${code})`;
    return { installed: false, path: file, reason };
  }
}
