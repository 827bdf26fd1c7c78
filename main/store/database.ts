import { chmod, open as openFile, stat } from 'node:fs/promises';
import sqlite3 from 'sqlite3';
import { StoreError, toStoreError } from './errors.js';

/** A value sqlite3 can bind. */
export type SqlValue = string | number | bigint | Buffer | Uint8Array | null;
/** Positional parameters. */
export type SqlParams = readonly SqlValue[];
/** One result row, untyped until a repository parses it. */
export type SqlRow = Record<string, unknown>;

/** What a write statement changed. */
export interface RunResult {
  readonly changes: number;
  readonly lastID: number;
}

/** The statements available inside a transaction (all on the writer connection). */
export interface SqlExecutor {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<T = SqlRow>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T = SqlRow>(sql: string, params?: SqlParams): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/** Options for {@link Database.open}. */
export interface DatabaseOptions {
  /** How long a statement waits for another process's lock before failing with `busy`. */
  readonly busyTimeoutMs?: number;
  /** Test hook: caps the database size (in pages) so `SQLITE_FULL` can be produced on demand. */
  readonly maxPageCount?: number;
  /**
   * Open an existing database for reading only: no file is created or changed, writes fail with `read-only`.
   * Works on a read-only or full disk (see {@link Database.open}).
   */
  readonly readOnly?: boolean;
}

function errnoOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : '';
}

/**
 * Creates the database file empty with mode 0600 before sqlite does: sqlite creates it 0644 minus the umask,
 * and its -wal and -shm files copy the main file's mode, so creating this one owner-only covers all three.
 */
async function createPrivateFile(file: string): Promise<void> {
  try {
    await (await openFile(file, 'wx', 0o600)).close();
  } catch (error) {
    if (errnoOf(error) !== 'EEXIST') throw error;
  }
}

/**
 * Takes group and other permissions off the database and its -wal/-shm files where something (an old build, a
 * copy) left them; the owner's bits stay (a file made read-only on purpose must still be refused as such).
 */
async function tightenModes(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      const { mode } = await stat(f);
      if ((mode & 0o077) !== 0) await chmod(f, mode & 0o700);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
    }
  }
}

/** The size of a file, 0 when it does not exist. */
async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return 0;
    throw error;
  }
}

function isCannotOpenShm(error: unknown): boolean {
  const code = errnoOf(error);
  return code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR' || code === 'SQLITE_READONLY';
}

/**
 * Opens a WAL database read-only. sqlite needs the -shm file to exist or to be creatable (and, on a full disk,
 * sizable); on a read-only mount or a full disk after a clean close (no -wal left) it cannot, and fails with
 * CANTOPEN or IOERR. Then nothing is in the WAL and nobody can be writing (the directory or disk takes no
 * writes), so the file is opened `immutable`, which needs neither. With a non-empty -wal left by a crash,
 * immutable would silently skip committed transactions, so that case stays an error.
 */
async function openReadOnlyConnection(file: string): Promise<sqlite3.Database> {
  try {
    await stat(file);
  } catch (error) {
    throw new StoreError(
      errnoOf(error) === 'ENOENT' ? 'data-dir-unusable' : 'io',
      `there is no kiosk database at ${file} (${errnoOf(error) || String(error)}); start the kiosk once or pass --data DIR`,
      { cause: error },
    );
  }
  const plain = await openConnection(file, sqlite3.OPEN_READONLY | sqlite3.OPEN_FULLMUTEX);
  try {
    // sqlite opens lazily: the first read is what touches the -shm file.
    await getOn(plain, 'SELECT count(*) FROM sqlite_schema', []);
    return plain;
  } catch (error) {
    // A failed connection still holds the file open (which would, e.g., keep a mount busy).
    await closeConnection(plain).catch(() => undefined);
    if (!isCannotOpenShm(error)) throw error;
    if ((await sizeOf(`${file}-wal`)) > 0) {
      throw new StoreError(
        'read-only',
        `cannot read ${file} read-only: its write-ahead log holds transactions not yet in the database and ` +
          'the directory cannot take the shared-memory file; free space or make it writable, then retry',
        { cause: error },
      );
    }
  }
  const uri = `file:${encodeURI(file).replace(/\?/g, '%3f').replace(/#/g, '%23')}?immutable=1`;
  const immutable = await openConnection(
    uri,
    sqlite3.OPEN_READONLY | sqlite3.OPEN_URI | sqlite3.OPEN_FULLMUTEX,
  );
  try {
    await getOn(immutable, 'SELECT count(*) FROM sqlite_schema', []);
    return immutable;
  } catch (error) {
    // The check's error is rethrown below; closing the failed connection adds nothing.
    await closeConnection(immutable).catch(() => undefined);
    throw error;
  }
}

function openConnection(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}

function runOn(db: sqlite3.Database, sql: string, params: SqlParams): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    db.run(sql, params as unknown[], function (this: sqlite3.RunResult, error: Error | null) {
      if (error) reject(error);
      else resolve({ changes: this.changes, lastID: this.lastID });
    });
  });
}

function getOn<T>(db: sqlite3.Database, sql: string, params: SqlParams): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    db.get(sql, params as unknown[], (error: Error | null, row: T | undefined) =>
      error ? reject(error) : resolve(row),
    );
  });
}

function allOn<T>(db: sqlite3.Database, sql: string, params: SqlParams): Promise<T[]> {
  return new Promise((resolve, reject) => {
    db.all(sql, params as unknown[], (error: Error | null, rows: T[]) =>
      error ? reject(error) : resolve(rows),
    );
  });
}

function execOn(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    db.exec(sql, (error) => (error ? reject(error) : resolve()));
  });
}

function closeConnection(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => {
    db.close((error) => (error ? reject(error) : resolve()));
  });
}

function isDriverError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_') || code.startsWith('E'));
}

/**
 * A small promise layer over node-sqlite3. Writes go through ONE queue on a writer connection, so a
 * `transaction(fn)` body never interleaves with another write (node-sqlite3 would otherwise run statements
 * from concurrent callers inside our BEGIN…COMMIT). Reads use a second, query-only connection: WAL lets it
 * read the last committed state while a write is in progress.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly writer: sqlite3.Database,
    private readonly reader: sqlite3.Database,
    /** The database file path. */
    readonly file: string,
    /** Opened with `readOnly`: every write is refused. */
    readonly readOnly = false,
  ) {}

  /**
   * Opens (creating if needed, mode 0600) a database file in WAL mode with `synchronous=FULL` and foreign keys
   * on. With `readOnly`, opens an existing file on one query-only connection and creates nothing.
   */
  static async open(file: string, options: DatabaseOptions = {}): Promise<Database> {
    const busy = options.busyTimeoutMs ?? 5000;
    if (options.readOnly) {
      try {
        const conn = await openReadOnlyConnection(file);
        conn.configure('busyTimeout', busy);
        await execOn(conn, 'PRAGMA query_only=ON; PRAGMA trusted_schema=OFF;');
        return new Database(conn, conn, file, true);
      } catch (error) {
        throw toStoreError(error, `cannot open the database ${file} read-only`);
      }
    }
    let writer: sqlite3.Database | undefined;
    let reader: sqlite3.Database | undefined;
    try {
      if (file !== ':memory:') {
        await createPrivateFile(file);
        await tightenModes(file);
      }
      writer = await openConnection(
        file,
        sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE | sqlite3.OPEN_FULLMUTEX,
      );
      writer.configure('busyTimeout', busy);
      // The journal mode pragma returns the mode in force; anything but 'wal' means the directory refused it.
      const mode = await getOn<{ journal_mode: string }>(writer, 'PRAGMA journal_mode=WAL', []);
      if (file !== ':memory:' && mode?.journal_mode !== 'wal') {
        throw new StoreError(
          'io',
          `could not switch ${file} to WAL mode (got ${mode?.journal_mode ?? 'nothing'})`,
        );
      }
      await execOn(
        writer,
        'PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF;',
      );
      if (options.maxPageCount !== undefined)
        await execOn(writer, `PRAGMA max_page_count=${Math.floor(options.maxPageCount)}`);
      // The -wal and -shm files now exist; an old -wal copied in with a loose mode is tightened too.
      if (file !== ':memory:') await tightenModes(file);
      if (file === ':memory:') {
        reader = writer;
      } else {
        reader = await openConnection(file, sqlite3.OPEN_READONLY | sqlite3.OPEN_FULLMUTEX);
        reader.configure('busyTimeout', busy);
        await execOn(reader, 'PRAGMA foreign_keys=ON; PRAGMA query_only=ON;');
      }
      return new Database(writer, reader, file);
    } catch (error) {
      // The opening error is rethrown below; closing a half-open connection adds nothing.
      if (reader && reader !== writer) await closeConnection(reader).catch(() => undefined);
      // The opening error is rethrown below; closing a half-open connection adds nothing.
      if (writer) await closeConnection(writer).catch(() => undefined);
      throw toStoreError(error, `cannot open the database ${file}`);
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('closed', 'the store is closed'));
    if (this.readOnly)
      return Promise.reject(new StoreError('read-only', `${this.file} was opened read-only`));
    const result = this.queue.then(task, task);
    // The queue continues whatever the task's outcome; the caller sees the outcome through `result`.
    this.queue = result.catch(() => undefined);
    return result;
  }

  private readonly writeExecutor: SqlExecutor = {
    run: (sql, params = []) => runOn(this.writer, sql, params),
    get: <T>(sql: string, params: SqlParams = []) => getOn<T>(this.writer, sql, params),
    all: <T>(sql: string, params: SqlParams = []) => allOn<T>(this.writer, sql, params),
    exec: (sql) => execOn(this.writer, sql),
  };

  /** Runs one write statement through the write queue. */
  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return this.enqueue(() => runOn(this.writer, sql, params)).catch((e: unknown) => {
      throw toStoreError(e, 'write failed');
    });
  }

  /** Runs a script (several statements) through the write queue. */
  exec(sql: string): Promise<void> {
    return this.enqueue(() => execOn(this.writer, sql)).catch((e: unknown) => {
      throw toStoreError(e, 'write failed');
    });
  }

  /** Reads one row from the last committed state. */
  get<T = SqlRow>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    if (this.closed) return Promise.reject(new StoreError('closed', 'the store is closed'));
    return getOn<T>(this.reader, sql, params).catch((e: unknown) => {
      throw toStoreError(e, 'read failed');
    });
  }

  /** Reads rows from the last committed state. Callers page with LIMIT: never load an unbounded table. */
  all<T = SqlRow>(sql: string, params: SqlParams = []): Promise<T[]> {
    if (this.closed) return Promise.reject(new StoreError('closed', 'the store is closed'));
    return allOn<T>(this.reader, sql, params).catch((e: unknown) => {
      throw toStoreError(e, 'read failed');
    });
  }

  /**
   * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT` on the writer connection; rolls back if it throws. The body
   * must use the executor it is given (not this object's methods, which would wait behind it forever).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      await execOn(this.writer, 'BEGIN IMMEDIATE');
      try {
        const value = await fn(this.writeExecutor);
        await execOn(this.writer, 'COMMIT');
        return value;
      } catch (error) {
        // After SQLITE_FULL sqlite may already have rolled back; a failing ROLLBACK then is expected.
        await execOn(this.writer, 'ROLLBACK').catch(() => undefined);
        throw error;
      }
    }).catch((e: unknown) => {
      // Errors the body threw on purpose (validation, domain) pass through untouched.
      throw isDriverError(e) ? toStoreError(e, 'transaction failed') : e;
    });
  }

  /** Waits for queued writes, checkpoints the WAL into the main file, and closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    // Closing: the writer's close below is what must succeed; the reader is read-only.
    if (this.reader !== this.writer) await closeConnection(this.reader).catch(() => undefined);
    // A checkpoint only shrinks the WAL; SQLite replays it on the next open.
    if (!this.readOnly) await execOn(this.writer, 'PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
    await closeConnection(this.writer);
  }
}
