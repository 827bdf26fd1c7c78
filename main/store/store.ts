import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Sealer } from './crypto.js';
import { Database } from './database.js';
import { StoreError, toStoreError } from './errors.js';
import { FileKeyProvider } from './keys.js';
import type { KeyProvider } from './keys.js';
import { migrate } from './migrations.js';
import {
  AuditRepository,
  CatalogVersionRepository,
  DeviceConfigRepository,
  SettingsRepository,
} from './repositories.js';

/** The database file name inside the data directory. */
export const DATABASE_FILE = 'booth.sqlite3';

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** The kiosk data directory (see resolveDataDir). */
  readonly dataDir: string;
  /** Where the data key comes from; defaults to `<dataDir>/keys/data.key`. */
  readonly keyProvider?: KeyProvider;
  /** The clock (ms since epoch); injected by tests. */
  readonly now?: () => number;
  /** Busy timeout for the sqlite lock. */
  readonly busyTimeoutMs?: number;
  /** Test hook: database size cap in pages, to produce `SQLITE_FULL`. */
  readonly maxPageCount?: number;
}

/** The opened local store: the database, the sealer for personal data, and the small repositories. */
export interface KioskStore {
  readonly dataDir: string;
  readonly db: Database;
  readonly sealer: Sealer;
  readonly now: () => number;
  readonly settings: SettingsRepository;
  readonly audit: AuditRepository;
  readonly deviceConfig: DeviceConfigRepository;
  readonly catalogVersions: CatalogVersionRepository;
  /** Runs sqlite's integrity check; resolves to `'ok'` or the first problems found. */
  integrityCheck(): Promise<string>;
  close(): Promise<void>;
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : '';
}

/** Creates the data directory and proves it is writable, before sqlite gets a chance to half-create a file. */
async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = codeOf(error);
    const kind =
      code === 'ENOSPC'
        ? 'disk-full'
        : code === 'EROFS' || code === 'EACCES'
          ? 'read-only'
          : 'data-dir-unusable';
    throw new StoreError(
      kind,
      `cannot create the data directory ${dataDir} (${code || String(error)}); set BOOTH_DATA_DIR to a writable directory`,
      {
        cause: error,
      },
    );
  }
  const probe = path.join(dataDir, `.write-probe-${process.pid}`);
  try {
    const handle = await open(probe, 'w', 0o600);
    try {
      await handle.writeFile('probe');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = codeOf(error);
    const kind =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? 'disk-full'
        : code === 'ENOTDIR'
          ? 'data-dir-unusable'
          : 'read-only';
    const what =
      kind === 'disk-full'
        ? 'the disk is full'
        : kind === 'read-only'
          ? 'it is read-only'
          : 'it is not a directory';
    throw new StoreError(
      kind,
      `cannot write to the data directory ${dataDir}: ${what} (${code || String(error)})`,
      { cause: error },
    );
  } finally {
    await unlink(probe).catch(() => undefined);
  }
}

/**
 * Opens the kiosk store: prepares the data directory, gets the data key, opens the database (WAL,
 * synchronous=FULL) and applies migrations. Failures are {@link StoreError}s with a one-line reason.
 */
export async function openStore(options: OpenStoreOptions): Promise<KioskStore> {
  const now = options.now ?? Date.now;
  const dataDir = path.resolve(options.dataDir);
  await prepareDataDir(dataDir);
  const keyProvider = options.keyProvider ?? FileKeyProvider.forDataDir(dataDir);
  const sealer = new Sealer(await keyProvider.getDataKey());
  const db = await Database.open(path.join(dataDir, DATABASE_FILE), {
    busyTimeoutMs: options.busyTimeoutMs,
    maxPageCount: options.maxPageCount,
  });
  try {
    await migrate(db, undefined, now);
    // sqlite silently opens a write-protected file read-only; one real write now turns that into a clear
    // error at start instead of a failed completion in front of a citizen.
    await db.run(
      `INSERT INTO settings (key, value, updated_at) VALUES ('store.openedAt', ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [JSON.stringify(now()), now()],
    );
  } catch (error) {
    await db.close().catch(() => undefined);
    throw toStoreError(error, 'cannot prepare the database');
  }
  return {
    dataDir,
    db,
    sealer,
    now,
    settings: new SettingsRepository(db, now),
    audit: new AuditRepository(db, now),
    deviceConfig: new DeviceConfigRepository(db, now),
    catalogVersions: new CatalogVersionRepository(db, now),
    async integrityCheck(): Promise<string> {
      const rows = await db.all<{ integrity_check: string }>('PRAGMA integrity_check(5)');
      return rows.map((r) => r.integrity_check).join('; ');
    },
    close: () => db.close(),
  };
}
