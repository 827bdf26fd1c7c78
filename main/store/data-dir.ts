import { constants } from 'node:fs';
import { access, chmod, lstat, readdir, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result.js';

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

/** The structured logger subset the store needs (main/core/log's Logger fits it). */
export interface StoreLog {
  warn(event: string, fields?: Record<string, string | number | boolean | null>): void;
}

/** The permission bits of group and others, and the set-id and sticky bits: none belong in the data directory. */
const NOT_OWNER_BITS = 0o7077;

function errnoOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : '';
}

/**
 * Makes the data directory owner-only: group and others lose every permission on the directory and everything
 * below it (0755 → 0700, 0644 → 0600; what the kiosk creates is already 0700/0600). Runs at every start, since
 * a directory made by hand or restored from a backup is often 0755 with 0644 files, and the databases, key and
 * catalogs in it are not for other local users. Symbolic links are neither followed nor changed (a link's target
 * is not ours to change). Entries that cannot be fixed (owned by another user) are counted in the warning, not
 * fatal: the key file's own check still refuses a key others can read. Logs one warning with the counts (never
 * paths: they can hold a user name) when anything changed. Windows has no POSIX modes (the profile's ACLs
 * protect it), so there it does nothing.
 */
export async function secureDataDir(
  dir: string,
  log: StoreLog,
  platform: NodeJS.Platform = process.platform,
): Promise<{ fixed: number; failed: number }> {
  if (platform === 'win32') return { fixed: 0, failed: 0 };
  let fixed = 0;
  let failed = 0;
  const visit = async (entry: string, isRoot: boolean): Promise<void> => {
    let info;
    let isDir: boolean;
    try {
      info = await lstat(entry);
      if (info.isSymbolicLink() && !isRoot) return;
      isDir = isRoot ? (await stat(entry)).isDirectory() : info.isDirectory();
    } catch (error) {
      // Removed while we walked (a catalog swapped in, a WAL file checkpointed away): nothing to secure.
      if (errnoOf(error) !== 'ENOENT') failed += 1;
      return;
    }
    if (!isDir && !info.isFile()) return; // sockets, FIFOs: leave them be
    // Only what group and others may do is taken away; the owner's own bits stay, so a file or directory the
    // owner made read-only on purpose stays read-only (0755 → 0700, 0644 → 0600, 0444 → 0400).
    if ((info.mode & NOT_OWNER_BITS) !== 0) {
      try {
        await chmod(entry, info.mode & 0o700);
        fixed += 1;
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') failed += 1;
      }
    }
    if (!isDir) return;
    let names: string[];
    try {
      names = await readdir(entry);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') failed += 1;
      return;
    }
    for (const name of names) await visit(path.join(entry, name), false);
  };
  await visit(dir, true);
  if (fixed > 0 || failed > 0) {
    log.warn('data-dir.permissions-fixed', {
      fixed,
      failed,
      advice:
        failed > 0
          ? 'some entries are owned by another user; chown the data directory to the kiosk user'
          : 'the data directory is owner-only again (directories 0700, files 0600)',
    });
  }
  return { fixed, failed };
}

/** Free space below which the kiosk stops starting visits: a completion, its outbox row and WAL need room. */
export const DEFAULT_MIN_FREE_BYTES = 50 * 1024 * 1024;

const minFreeMbSchema = z
  .string()
  .regex(/^\d{1,7}$/)
  .transform(Number)
  .pipe(z.number().int().max(1_048_576));

/**
 * `BOOTH_MIN_FREE_MB` (a whole number of megabytes, 0 to 1,048,576) as bytes; the default when unset; throws on
 * a malformed value, so a typo does not silently disable the check.
 */
export function minFreeBytesFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.BOOTH_MIN_FREE_MB?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MIN_FREE_BYTES;
  const parsed = minFreeMbSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`BOOTH_MIN_FREE_MB must be a whole number of megabytes up to 1048576 (got '${raw}')`);
  return parsed.data * 1024 * 1024;
}

/** Why the data directory cannot take a visit's writes now. */
export interface StorageProblem {
  /** `disk-full`: less free space than the threshold; `read-only`: the directory refuses writes. */
  readonly code: 'disk-full' | 'read-only';
  readonly freeBytes: number | null;
}

/** Whether the data directory can take a visit's writes now: the free bytes, or the problem. */
export type StorageState = Result<{ readonly freeBytes: number }, StorageProblem>;

/** The file system calls {@link checkStorage} makes; injected by tests to play a full or read-only disk. */
export interface StorageProbe {
  statfs(dir: string): Promise<{ bavail: number | bigint; bsize: number | bigint }>;
  access(dir: string, mode: number): Promise<void>;
}

const realProbe: StorageProbe = { statfs: (dir) => statfs(dir), access: (dir, mode) => access(dir, mode) };

/**
 * Checks, without writing, that the data directory is writable and has at least `minFreeBytes` available to
 * this user. access(W_OK) answers EROFS for a read-only mount even for root; free space is what an
 * unprivileged process may use (bavail), not what root could.
 */
export async function checkStorage(
  dir: string,
  options: { readonly minFreeBytes?: number; readonly probe?: StorageProbe } = {},
): Promise<StorageState> {
  const probe = options.probe ?? realProbe;
  const min = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  try {
    await probe.access(dir, constants.W_OK);
  } catch {
    return err({ code: 'read-only', freeBytes: null });
  }
  let freeBytes: number;
  try {
    const s = await probe.statfs(dir);
    freeBytes = Number(s.bavail) * Number(s.bsize);
  } catch (error) {
    // A data directory that vanished or cannot be examined cannot be trusted with a citizen's data either.
    return err({ code: errnoOf(error) === 'ENOSPC' ? 'disk-full' : 'read-only', freeBytes: null });
  }
  return freeBytes < min ? err({ code: 'disk-full', freeBytes }) : ok({ freeBytes });
}
