import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../core/log.js';
import { Sealer } from './crypto.js';
import { checkStorage, secureDataDir } from './data-dir.js';
import type { StorageProbe, StorageState, StoreLog } from './data-dir.js';
import { Database } from './database.js';
import { MissingKeyError, SchemaTooNewError, StoreError, toStoreError } from './errors.js';
import { FileKeyProvider } from './keys.js';
import type { KeyProvider } from './keys.js';
import { currentSchemaVersion, latestSchemaVersion, migrate } from './migrations.js';
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
  /** Where warnings go (permissions fixed at start, storage unavailable); JSON lines on stderr by default. */
  readonly log?: StoreLog;
  /**
   * Open an existing store for reading only (`booth sync status`): nothing in the data directory is created or
   * changed, so it works on a read-only or full disk. Writes fail with a `read-only` StoreError.
   */
  readonly readOnly?: boolean;
  /** Free space below which {@link KioskStore.checkStorage} says `disk-full` (default 50 MB). */
  readonly minFreeBytes?: number;
  /** Test hook: the file system probe behind {@link KioskStore.checkStorage}. */
  readonly storageProbe?: StorageProbe;
}

/** The opened local store: the database, the sealer for personal data, and the small repositories. */
export interface KioskStore {
  readonly dataDir: string;
  readonly db: Database;
  /** Seals personal data. On a read-only store without a key file (and nothing sealed) it throws `key-missing`. */
  readonly sealer: Sealer;
  /** Opened with `readOnly`. */
  readonly readOnly: boolean;
  /**
   * Whether the data directory can take a visit's writes now (writable, enough free space); asked before a
   * citizen starts typing, so a full or read-only disk is said up front instead of at submit.
   */
  checkStorage(): Promise<StorageState>;
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
    // The probe file may not have been created; the writability error (if any) is thrown above.
    await unlink(probe).catch(() => undefined);
  }
}

/** How many of the newest sealed records the data key is tried on before the store refuses it. */
const KEY_TRIAL_ROWS = 3;

/**
 * Gets the data key without ever putting a new key over sealed data: a missing key file while sealed rows
 * exist is a {@link MissingKeyError}, and a key (e.g. one a host passed in) that opens none of the newest
 * sealed records is refused, since everything sealed after that would be readable by neither key.
 * Resolves to null only for a read-only store with no key file and nothing sealed.
 */
async function obtainKey(
  db: Database,
  keyProvider: KeyProvider,
  keyFile: string,
  readOnly: boolean,
): Promise<Sealer | null> {
  const trial = await db.all<{ id: string; sealed: Buffer }>(
    'SELECT id, sealed FROM transactions WHERE sealed IS NOT NULL ORDER BY rowid DESC LIMIT ?',
    [KEY_TRIAL_ROWS],
  );
  const sealedCount = async (): Promise<number> =>
    (await db.get<{ n: number }>('SELECT count(*) AS n FROM transactions WHERE sealed IS NOT NULL'))?.n ?? 0;
  let key: Uint8Array;
  try {
    key = await keyProvider.getDataKey({ create: trial.length === 0 && !readOnly });
  } catch (error) {
    if (error instanceof StoreError && error.kind === 'key-missing') {
      if (trial.length > 0) throw new MissingKeyError(keyFile, db.file, await sealedCount());
      if (readOnly) return null;
    }
    throw error;
  }
  const sealer = new Sealer(key);
  if (trial.length > 0 && !trial.some((row) => opens(sealer, row))) {
    throw new StoreError(
      'decrypt-failed',
      `the data key (${keyFile}) does not open the sealed personal data in ${db.file} ` +
        `(${await sealedCount()} transaction(s)): the key was replaced. Restore the original key from a backup; ` +
        'no sealed data was changed',
    );
  }
  return sealer;
}

function opens(sealer: Sealer, row: { id: string; sealed: Buffer }): boolean {
  try {
    sealer.open(row.sealed, row.id);
    return true;
  } catch {
    // Does not open with this key: that is the answer, not an error.
    return false;
  }
}

/** Opens an existing store read-only: no directory preparation, no migration, no write. */
async function openReadOnly(options: OpenStoreOptions, dataDir: string, log: StoreLog): Promise<KioskStore> {
  const db = await Database.open(path.join(dataDir, DATABASE_FILE), {
    busyTimeoutMs: options.busyTimeoutMs,
    readOnly: true,
  });
  try {
    const version = await currentSchemaVersion(db);
    if (version > latestSchemaVersion) throw new SchemaTooNewError(version, latestSchemaVersion);
    if (version === 0) {
      throw new StoreError(
        'data-dir-unusable',
        `${db.file} holds no kiosk data yet (no schema); start the kiosk once or pass --data DIR`,
      );
    }
    const keyProvider = options.keyProvider ?? FileKeyProvider.forDataDir(dataDir);
    const keyFile = keyProvider.file ?? 'the data key';
    const sealer = await obtainKey(db, keyProvider, keyFile, true);
    return assemble(options, dataDir, db, log, () => {
      if (sealer) return sealer;
      throw new StoreError(
        'key-missing',
        `there is no data key file (${keyFile}); start the kiosk once to create it`,
      );
    });
  } catch (error) {
    // The reading error is rethrown below; closing adds nothing.
    await db.close().catch(() => undefined);
    throw toStoreError(error, 'cannot read the database');
  }
}

function assemble(
  options: OpenStoreOptions,
  dataDir: string,
  db: Database,
  log: StoreLog,
  sealer: () => Sealer,
): KioskStore {
  const now = options.now ?? Date.now;
  return {
    dataDir,
    db,
    get sealer(): Sealer {
      return sealer();
    },
    readOnly: db.readOnly,
    now,
    settings: new SettingsRepository(db, now),
    audit: new AuditRepository(db, now),
    deviceConfig: new DeviceConfigRepository(db, now),
    catalogVersions: new CatalogVersionRepository(db, now),
    async checkStorage(): Promise<StorageState> {
      const state = await checkStorage(dataDir, {
        minFreeBytes: options.minFreeBytes,
        probe: options.storageProbe,
      });
      if (!state.ok) {
        log.warn('storage.unavailable', {
          reason: state.error.code,
          freeMb: state.error.freeBytes === null ? null : Math.floor(state.error.freeBytes / (1024 * 1024)),
        });
      }
      return state;
    },
    async integrityCheck(): Promise<string> {
      const rows = await db.all<{ integrity_check: string }>('PRAGMA integrity_check(5)');
      return rows.map((r) => r.integrity_check).join('; ');
    },
    close: () => db.close(),
  };
}

/**
 * Opens the kiosk store: prepares the data directory and makes it owner-only (0700, files 0600), opens the
 * database (WAL, synchronous=FULL, created 0600), applies migrations, and gets the data key — never a new one
 * over sealed data. With `readOnly`, only opens an existing store for reading. Failures are
 * {@link StoreError}s with a one-line reason ({@link MissingKeyError} for a lost key file).
 */
export async function openStore(options: OpenStoreOptions): Promise<KioskStore> {
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger();
  const dataDir = path.resolve(options.dataDir);
  if (options.readOnly) return openReadOnly(options, dataDir, log);
  await prepareDataDir(dataDir);
  await secureDataDir(dataDir, log);
  const db = await Database.open(path.join(dataDir, DATABASE_FILE), {
    busyTimeoutMs: options.busyTimeoutMs,
    maxPageCount: options.maxPageCount,
  });
  let sealer: Sealer;
  try {
    await migrate(db, undefined, now);
    // sqlite silently opens a write-protected file read-only; one real write now turns that into a clear
    // error at start instead of a failed completion in front of a citizen.
    await db.run(
      `INSERT INTO settings (key, value, updated_at) VALUES ('store.openedAt', ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [JSON.stringify(now()), now()],
    );
    const keyProvider = options.keyProvider ?? FileKeyProvider.forDataDir(dataDir);
    const obtained = await obtainKey(db, keyProvider, keyProvider.file ?? 'the data key', false);
    // obtainKey returns null only for read-only stores; a writable one always gets or creates a key.
    if (!obtained) throw new StoreError('key-unavailable', 'no data key');
    sealer = obtained;
  } catch (error) {
    // The preparing error is rethrown below; closing adds nothing.
    await db.close().catch(() => undefined);
    throw toStoreError(error, 'cannot prepare the database');
  }
  return assemble(options, dataDir, db, log, () => sealer);
}
