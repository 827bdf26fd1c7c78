import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The file, in the data directory, that holds the kiosk URL when it is not printed (`BOOTH_PRINT_TOKEN=0`). */
export const KIOSK_URL_FILE = 'kiosk-url';

/** Options of {@link announceKioskUrl}. */
export interface AnnounceKioskUrlOptions {
  /** The kiosk URL with the per-launch token. */
  readonly kioskUrl: string;
  /** Whether a Chromium window was opened on the kiosk (it was given a one-time launch link instead). */
  readonly browserOpened: boolean;
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes one line to the operator's terminal. */
  readonly say: (line: string) => void;
}

/** Where the kiosk URL went. */
export type KioskUrlAnnouncement =
  | { readonly kind: 'printed' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'withheld' };

/**
 * Tells the operator where the kiosk is. The URL carries the per-launch token, which lets whoever holds it
 * take the kiosk's session (and see the citizen at the kiosk), so it goes only where it is needed:
 * - a Chromium window was opened: nowhere — the window got a one-time launch link, and a terminal, its
 *   scroll-back or a service journal capturing stdout must not hold the token;
 * - headless: to the operator's terminal, who has to open the kiosk somewhere;
 * - headless with `BOOTH_PRINT_TOKEN=0` (stdout collected by a journal or a supervisor): into
 *   `<data dir>/kiosk-url`, readable by the kiosk's user only.
 * Never to the structured log. A file left by an earlier launch is removed whenever it is not rewritten.
 */
export function announceKioskUrl(options: AnnounceKioskUrlOptions): KioskUrlAnnouncement {
  const file = path.join(options.dataDir, KIOSK_URL_FILE);
  if (options.browserOpened) {
    rmSync(file, { force: true });
    options.say('the kiosk window was given a one-time launch link; the access token is not printed');
    return { kind: 'withheld' };
  }
  if (options.env.BOOTH_PRINT_TOKEN === '0') {
    writeOwnerOnly(file, `${options.kioskUrl}\n`);
    options.say(`the kiosk URL (with its access token) is in ${file}, readable by this user only`);
    return { kind: 'file', path: file };
  }
  rmSync(file, { force: true });
  // The operator's own terminal needs the full URL to open the kiosk elsewhere (headless machines).
  options.say(`open the kiosk at: ${options.kioskUrl}`);
  return { kind: 'printed' };
}

/** Writes a file created 0600 from the start (never briefly readable by others), replacing any earlier one. */
function writeOwnerOnly(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  // The umask can only take bits away; this makes the mode exactly 0600 whatever it is.
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
