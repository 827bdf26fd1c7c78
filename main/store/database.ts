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
  ) {}

  /** Opens (creating if needed) a database file in WAL mode with `synchronous=FULL` and foreign keys on. */
  static async open(file: string, options: DatabaseOptions = {}): Promise<Database> {
    const busy = options.busyTimeoutMs ?? 5000;
    let writer: sqlite3.Database | undefined;
    let reader: sqlite3.Database | undefined;
    try {
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
      if (file === ':memory:') {
        reader = writer;
      } else {
        reader = await openConnection(file, sqlite3.OPEN_READONLY | sqlite3.OPEN_FULLMUTEX);
        reader.configure('busyTimeout', busy);
        await execOn(reader, 'PRAGMA foreign_keys=ON; PRAGMA query_only=ON;');
      }
      return new Database(writer, reader, file);
    } catch (error) {
      if (reader && reader !== writer) await closeConnection(reader).catch(() => undefined);
      if (writer) await closeConnection(writer).catch(() => undefined);
      throw toStoreError(error, `cannot open the database ${file}`);
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('closed', 'the store is closed'));
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
    if (this.reader !== this.writer) await closeConnection(this.reader).catch(() => undefined);
    await execOn(this.writer, 'PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
    await closeConnection(this.writer);
  }
}
