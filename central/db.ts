import sqlite3 from 'sqlite3';

/** A value bound to a statement parameter. */
export type SqlValue = string | number | bigint | Buffer | null;

/** A promise wrapper over one node-sqlite3 connection, with a lock that serializes write transactions. */
export interface CentralDb {
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on error). Calls are queued: node-sqlite3 shares one
   * connection, so two interleaved BEGINs from concurrent requests would otherwise collide.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Forward-only sqlite migrations; index + 1 is the version recorded in schema_migrations (central/db-postgres.ts
 * has the same numbers for PostgreSQL). Never edit one in place.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE transactions (
     idempotency_key TEXT PRIMARY KEY,
     number TEXT NOT NULL,
     kiosk_id TEXT NOT NULL,
     urgent INTEGER NOT NULL,
     completed_at TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     tracking_number TEXT,
     payload TEXT NOT NULL,
     progress_override TEXT,
     progress_override_at INTEGER,
     mailbox_override TEXT,
     mailbox_override_at INTEGER
   ) STRICT;
   CREATE INDEX transactions_number ON transactions (number);
   CREATE INDEX transactions_tracking ON transactions (tracking_number);
   CREATE TABLE catalogs (
     version INTEGER PRIMARY KEY,
     etag TEXT NOT NULL,
     body BLOB NOT NULL,
     published_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE kiosks (
     kiosk_id TEXT PRIMARY KEY,
     first_seen_at INTEGER NOT NULL,
     last_heartbeat_at INTEGER,
     heartbeat TEXT
   ) STRICT;
   CREATE TABLE counters (
     name TEXT PRIMARY KEY,
     value INTEGER NOT NULL
   ) STRICT;`,
  // 2: the SHA-256 of each item's canonical payload (a re-sent id with another payload is a conflict), the
  // SHA-256 of the progress link key (the key itself is never stored), and look-ups by kiosk and number.
  // Rows stored before this have no hashes: their payload hash is computed from the stored payload when needed,
  // and their progress page never opens (their keys were derived from the id, which is not a secret).
  `ALTER TABLE transactions ADD COLUMN payload_hash TEXT;
   ALTER TABLE transactions ADD COLUMN progress_key_hash TEXT;
   CREATE INDEX transactions_kiosk_number ON transactions (kiosk_id, number);`,
  // 3: the web console (central/console.ts): its users (scrypt password hashes), their sessions (the SHA-256
  // of the cookie's random id, never the id) and the audit trail of every sign-in, sign-out and console action.
  `CREATE TABLE console_users (
     name TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE console_sessions (
     id_hash TEXT PRIMARY KEY,
     user_name TEXT NOT NULL REFERENCES console_users (name),
     csrf_token TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE console_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     user_name TEXT,
     action TEXT NOT NULL,
     outcome TEXT NOT NULL,
     detail TEXT
   ) STRICT;
   CREATE INDEX console_audit_at ON console_audit (at);`,
  // Catalogs in the console (central/console-catalogs.ts): whom a catalog is published to (target groups, null =
  // every kiosk), its signed audience, the key that verified it and who published it; the groups each kiosk's
  // heartbeat names; and each kiosk's report on each published catalog (applied, or rejected and why).
  `ALTER TABLE catalogs ADD COLUMN target_groups TEXT;
   ALTER TABLE catalogs ADD COLUMN audience TEXT;
   ALTER TABLE catalogs ADD COLUMN key_id TEXT;
   ALTER TABLE catalogs ADD COLUMN published_by TEXT;
   ALTER TABLE kiosks ADD COLUMN kiosk_groups TEXT;
   CREATE TABLE catalog_reports (
     kiosk_id TEXT NOT NULL,
     version INTEGER NOT NULL,
     outcome TEXT NOT NULL,
     reason_code TEXT,
     reason TEXT,
     reported_at INTEGER NOT NULL,
     PRIMARY KEY (kiosk_id, version)
   ) STRICT;
   CREATE INDEX catalog_reports_version ON catalog_reports (version);`,
  // urgent: a duty officer's acknowledgement of an urgent report (central/console-urgent.ts), at most one per
  // transaction (the first officer's; a second one is told who was first), and the urgent reports by arrival.
  `CREATE TABLE urgent_acknowledgements (
     idempotency_key TEXT PRIMARY KEY REFERENCES transactions (idempotency_key),
     officer TEXT NOT NULL,
     acknowledged_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX transactions_urgent_received ON transactions (received_at) WHERE urgent = 1;`,
  // The chief's mailbox and transaction progress worked by officers in the console (central/mailbox.ts,
  // central/console-letters.ts): each officer action on a letter with who and when (a reply with its text; the
  // action key makes signing, closing and a re-sent reply idempotent), and who set a transaction's progress.
  `CREATE TABLE mailbox_actions (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     letter_id TEXT NOT NULL,
     action_key TEXT NOT NULL,
     action TEXT NOT NULL,
     at INTEGER NOT NULL,
     officer TEXT NOT NULL,
     text TEXT,
     UNIQUE (letter_id, action_key)
   ) STRICT;
   ALTER TABLE transactions ADD COLUMN progress_override_by TEXT;
   CREATE INDEX transactions_letters ON transactions (received_at) WHERE tracking_number IS NOT NULL;`,
];

/** Whether `target` names a PostgreSQL database (a postgres:// or postgresql:// URL) rather than a sqlite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(target);
}

/**
 * Opens the central store: PostgreSQL for a postgres:// URL (the production store, shared by several central
 * instances; central/db-postgres.ts), else the sqlite file at `target` (or ':memory:'), the embedded default for
 * development and single-instance use. Both apply the same numbered migrations.
 */
export async function openCentralDb(target: string): Promise<CentralDb> {
  if (isPostgresUrl(target)) {
    const { openPostgresCentralDb } = await import('./db-postgres.js');
    return openPostgresCentralDb(target);
  }
  return openSqliteCentralDb(target);
}

/**
 * Opens (creating if needed) the sqlite central database at `file` (or ':memory:') and applies pending migrations.
 * Servers starting on the same new file at once can find it locked in ways SQLite's busy timeout does not wait
 * out (the switch to WAL, lock upgrades it refuses to avoid a deadlock): such an attempt is closed and made again,
 * for up to 15 s.
 */
async function openSqliteCentralDb(file: string): Promise<CentralDb> {
  const deadline = Date.now() + 15_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSqliteCentralDbOnce(file);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, 20 * attempt) * (0.5 + Math.random())));
    }
  }
}

async function openSqliteCentralDbOnce(file: string): Promise<CentralDb> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(handle)));
  });
  try {
    return await prepareSqliteCentralDb(db);
  } catch (error) {
    await new Promise<void>((resolve) => db.close(() => resolve()));
    throw error;
  }
}

async function prepareSqliteCentralDb(db: sqlite3.Database): Promise<CentralDb> {
  // node-sqlite3's API is callback based; params are typed `any` there, hence the casts to unknown[].
  const run = (sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> =>
    new Promise((resolve, reject) => {
      db.run(sql, params as unknown[], function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve({ changes: this.changes });
      });
    });
  const get = <T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> =>
    new Promise((resolve, reject) => {
      db.get(sql, params as unknown[], (error: Error | null, row: T | undefined) =>
        error ? reject(error) : resolve(row),
      );
    });
  const all = <T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> =>
    new Promise((resolve, reject) => {
      db.all(sql, params as unknown[], (error: Error | null, rows: T[]) =>
        error ? reject(error) : resolve(rows),
      );
    });
  const exec = (sql: string): Promise<void> =>
    new Promise((resolve, reject) => {
      db.exec(sql, (error) => (error ? reject(error) : resolve()));
    });

  let queue: Promise<unknown> = Promise.resolve();
  const transaction = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(async () => {
      await exec('BEGIN IMMEDIATE');
      try {
        const value = await work();
        await exec('COMMIT');
        return value;
      } catch (error) {
        // The transaction's own error is rethrown; a failed ROLLBACK leaves nothing more to undo.
        await exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    // Only the queue's order: the caller of `next` gets its error.
    queue = next.catch(() => undefined);
    return next;
  };

  // The busy timeout first, so that the statements after it wait for another server's lock.
  await exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  await exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT',
  );
  const row = await get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  const current = row?.version ?? 0;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `central database schema version ${current} is newer than this server (${MIGRATIONS.length})`,
    );
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version - 1] ?? '';
    await transaction(async () => {
      // Read again under the write lock: another server starting on the same file may have migrated meanwhile.
      const now = await get<{ version: number | null }>(
        'SELECT MAX(version) AS version FROM schema_migrations',
      );
      if ((now?.version ?? 0) >= version) return;
      await exec(sql);
      await run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [
        version,
        new Date().toISOString(),
      ]);
    });
  }

  return {
    run,
    get,
    all,
    exec,
    transaction,
    close: () =>
      new Promise((resolve, reject) => {
        db.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
