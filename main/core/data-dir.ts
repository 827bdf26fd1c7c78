import os from 'node:os';
import path from 'node:path';

/**
 * The kiosk's data directory: `BOOTH_DATA_DIR` if set, else the platform's per-user data directory
 * (`$XDG_DATA_HOME/smart-police-booth`, `~/.local/share/smart-police-booth`, or `%APPDATA%\smart-police-booth`).
 * The Electron host passes its userData directory instead.
 */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.BOOTH_DATA_DIR) return path.resolve(env.BOOTH_DATA_DIR);
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'smart-police-booth');
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : null;
  return path.join(xdg ?? path.join(os.homedir(), '.local', 'share'), 'smart-police-booth');
}
