/**
 * Typed failures of the local store. Each has a stable `kind` the core maps to a screen or a CLI line, and a
 * message free of personal data that names what to do.
 */

/** What went wrong with the local store. */
export type StoreErrorKind =
  /** The data directory cannot be created or is not a directory. */
  | 'data-dir-unusable'
  /** The data directory or database file is read-only. */
  | 'read-only'
  /** The disk (or the database's size limit) is full. */
  | 'disk-full'
  /** The database was written by a newer version of the app. */
  | 'schema-too-new'
  /** The database file is damaged or not a database. */
  | 'corrupt'
  /** The data key cannot be obtained (no key store, key file unreadable). */
  | 'key-unavailable'
  /** The key file is readable by other users, or malformed. */
  | 'key-insecure'
  /** The key file is gone while the database holds sealed personal data only it can open. */
  | 'key-missing'
  /** A sealed record failed authentication (wrong key, tampering, wrong record). */
  | 'decrypt-failed'
  /** Another process holds the database lock for longer than the busy timeout. */
  | 'busy'
  /** The store was closed. */
  | 'closed'
  /** Any other I/O or SQL failure. */
  | 'io';

/** A typed store failure. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * The data key file is missing but the database still holds sealed personal data. Creating a new key would
 * make that data unreadable for good (and the queued transactions unsendable), so the store refuses to start
 * and says how to recover. {@link MissingKeyError.code} is stable for hosts that map it to a screen.
 */
export class MissingKeyError extends StoreError {
  /** A stable code for hosts and scripts. */
  readonly code = 'key-missing';

  constructor(
    /** Where the key file was expected. */
    readonly keyFile: string,
    /** The database file holding the sealed rows. */
    readonly databaseFile: string,
    /** How many transactions still hold sealed personal data. */
    readonly sealedRows: number,
  ) {
    super(
      'key-missing',
      `the data key file ${keyFile} is missing, but ${databaseFile} holds ${sealedRows} transaction(s) with ` +
        'sealed personal data that only that key can read; the kiosk will not create a new key over them. ' +
        `Restore the key file from a backup to ${keyFile} (mode 0600), or, once the queued transactions have ` +
        `been accounted for with the central system, move ${databaseFile} (and its -wal/-shm files) aside to ` +
        'start with an empty store',
    );
    this.name = 'MissingKeyError';
  }
}

/** The database was written by a newer app: we refuse to touch it rather than risk its data. */
export class SchemaTooNewError extends StoreError {
  constructor(
    readonly databaseVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      'schema-too-new',
      `database schema version ${databaseVersion} is newer than this app supports (${supportedVersion}); ` +
        'install the newer app version instead of downgrading',
    );
    this.name = 'SchemaTooNewError';
  }
}

const sqliteKinds: Record<string, StoreErrorKind> = {
  SQLITE_FULL: 'disk-full',
  SQLITE_READONLY: 'read-only',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
  SQLITE_BUSY: 'busy',
  SQLITE_LOCKED: 'busy',
};

const fsKinds: Record<string, StoreErrorKind> = {
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EROFS: 'read-only',
  EACCES: 'read-only',
  EPERM: 'read-only',
  ENOTDIR: 'data-dir-unusable',
  EEXIST: 'data-dir-unusable',
};

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Turns a sqlite3 or fs error into a {@link StoreError}. sqlite3 errors carry `code: 'SQLITE_FULL'` etc.;
 * their message may quote SQL but never bound values, so it is safe to keep.
 */
export function toStoreError(error: unknown, context: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = codeOf(error) ?? '';
  const raw = error instanceof Error ? error.message : String(error);
  // SQLITE_IOERR with a full disk surfaces as IOERR on some platforms; the message then says so.
  let kind: StoreErrorKind = sqliteKinds[code] ?? fsKinds[code] ?? 'io';
  if (kind === 'io' && /disk is full|database or disk is full/i.test(raw)) kind = 'disk-full';
  if (kind === 'io' && /readonly|read-only/i.test(raw)) kind = 'read-only';
  if (code === 'SQLITE_CANTOPEN') kind = 'read-only';
  const advice: Record<StoreErrorKind, string> = {
    'data-dir-unusable': 'set BOOTH_DATA_DIR to a writable directory',
    'read-only': 'the data directory must be writable by the kiosk user',
    'disk-full': 'free disk space; no data was lost',
    'schema-too-new': 'install the newer app version',
    corrupt: 'restore the database from a backup',
    'key-unavailable': 'check the key store',
    'key-insecure': 'fix the key file permissions',
    'key-missing': 'restore the key file from a backup',
    'decrypt-failed': 'the data key does not match this database',
    busy: 'another process is using the database',
    closed: 'the store was closed',
    io: 'see the system log',
  };
  return new StoreError(kind, `${context}: ${raw} (${advice[kind]})`, { cause: error });
}
