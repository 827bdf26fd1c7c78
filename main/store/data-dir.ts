import os from 'node:os';
import path from 'node:path';

/** The application's folder name under the platform data directory. */
export const APP_DIR_NAME = 'smart-police-booth';

/**
 * The kiosk data directory: `BOOTH_DATA_DIR` if set; else `%APPDATA%\smart-police-booth` on Windows;
 * else `$XDG_DATA_HOME/smart-police-booth`, falling back to `~/.local/share/smart-police-booth`.
 */
export function resolveDataDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const explicit = env.BOOTH_DATA_DIR?.trim();
  if (explicit) return path.resolve(explicit);
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim() || path.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_DIR_NAME);
  }
  const xdg = env.XDG_DATA_HOME?.trim();
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(base, APP_DIR_NAME);
}
