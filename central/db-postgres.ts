import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { CentralDb, SqlValue } from './db.js';

/**
 * Forward-only migrations for PostgreSQL; index + 1 is the version recorded in schema_migrations, and each one
 * means the same as the sqlite migration of that number in central/db.ts. Never edit one in place.
 * Times are epoch milliseconds (BIGINT: they overflow INTEGER); flags stay 0/1 integers so that the server's SQL
 * is the same on both stores.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE transactions (
     idempotency_key TEXT PRIMARY KEY,
     number TEXT NOT NULL,
     kiosk_id TEXT NOT NULL,
     urgent INTEGER NOT NULL,
     completed_at TEXT NOT NULL,
     received_at BIGINT NOT NULL,
     tracking_number TEXT,
     payload TEXT NOT NULL,
     progress_override TEXT,
     progress_override_at BIGINT,
     mailbox_override TEXT,
     mailbox_override_at BIGINT
   );
   CREATE INDEX transactions_number ON transactions (number);
   CREATE INDEX transactions_tracking ON transactions (tracking_number);
   CREATE TABLE catalogs (
     version BIGINT PRIMARY KEY,
     etag TEXT NOT NULL,
     body BYTEA NOT NULL,
     published_at BIGINT NOT NULL
   );
   CREATE TABLE kiosks (
     kiosk_id TEXT PRIMARY KEY,
     first_seen_at BIGINT NOT NULL,
     last_heartbeat_at BIGINT,
     heartbeat TEXT
   );
   CREATE TABLE counters (
     name TEXT PRIMARY KEY,
     value BIGINT NOT NULL
   );`,
  `ALTER TABLE transactions ADD COLUMN payload_hash TEXT;
   ALTER TABLE transactions ADD COLUMN progress_key_hash TEXT;
   CREATE INDEX transactions_kiosk_number ON transactions (kiosk_id, number);`,
  // 3: the web console (central/console.ts): its users (scrypt password hashes), their sessions (the SHA-256
  // of the cookie's random id, never the id) and the audit trail of every sign-in, sign-out and console action.
  `CREATE TABLE console_users (
     name TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE console_sessions (
     id_hash TEXT PRIMARY KEY,
     user_name TEXT NOT NULL REFERENCES console_users (name),
     csrf_token TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     last_seen_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL
   );
   CREATE TABLE console_audit (
     id BIGSERIAL PRIMARY KEY,
     at BIGINT NOT NULL,
     user_name TEXT,
     action TEXT NOT NULL,
     outcome TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX console_audit_at ON console_audit (at);`,
  // Catalogs in the console: target groups, signed audience, key, publisher; kiosks' groups; kiosks' reports.
  `ALTER TABLE catalogs ADD COLUMN target_groups TEXT;
   ALTER TABLE catalogs ADD COLUMN audience TEXT;
   ALTER TABLE catalogs ADD COLUMN key_id TEXT;
   ALTER TABLE catalogs ADD COLUMN published_by TEXT;
   ALTER TABLE kiosks ADD COLUMN kiosk_groups TEXT;
   CREATE TABLE catalog_reports (
     kiosk_id TEXT NOT NULL,
     version BIGINT NOT NULL,
     outcome TEXT NOT NULL,
     reason_code TEXT,
     reason TEXT,
     reported_at BIGINT NOT NULL,
     PRIMARY KEY (kiosk_id, version)
   );
   CREATE INDEX catalog_reports_version ON catalog_reports (version);`,
  // urgent: a duty officer's acknowledgement of an urgent report (central/console-urgent.ts), at most one per
  // transaction (the first officer's; a second one is told who was first), and the urgent reports by arrival.
  `CREATE TABLE urgent_acknowledgements (
     idempotency_key TEXT PRIMARY KEY REFERENCES transactions (idempotency_key),
     officer TEXT NOT NULL,
     acknowledged_at BIGINT NOT NULL
   );
   CREATE INDEX transactions_urgent_received ON transactions (received_at) WHERE urgent = 1;`,
  // The chief's mailbox and transaction progress worked by officers in the console (see central/db.ts).
  `CREATE TABLE mailbox_actions (
     seq BIGSERIAL PRIMARY KEY,
     letter_id TEXT NOT NULL,
     action_key TEXT NOT NULL,
     action TEXT NOT NULL,
     at BIGINT NOT NULL,
     officer TEXT NOT NULL,
     text TEXT,
     UNIQUE (letter_id, action_key)
   );
   ALTER TABLE transactions ADD COLUMN progress_override_by TEXT;
   CREATE INDEX transactions_letters ON transactions (received_at) WHERE tracking_number IS NOT NULL;`,
];

/** Any constant: the advisory lock that lets one of several instances starting at once migrate, the rest wait. */
const MIGRATION_LOCK = 0x626f6f7468; // "booth"

/** SQLSTATEs after which a whole transaction is simply tried again: serialization failure, deadlock detected. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/**
 * BIGINT and NUMERIC (COUNT, SUM) arrive as strings by default; every one of ours is a count or an epoch-ms time
 * well inside 2^53, so they are read as numbers — the same values the sqlite store gives.
 */
const types = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    return format === undefined
      ? pg.types.getTypeParser(oid)
      : pg.types.getTypeParser(oid, format as 'text' | 'binary');
  }) as typeof pg.types.getTypeParser,
};

/** `?` placeholders (the sqlite spelling the server's SQL uses) → `$1, $2, …`. Our SQL has no `?` in literals. */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The user name and host of a connection URL, for messages (never the password). */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username || '(default user)'}@${u.host || 'local socket'}${u.pathname}`;
  } catch {
    // Only a description for messages: an unparsable URL is named as such, the real error comes from connecting.
    return 'an unparsable PostgreSQL URL';
  }
}

/** Options of {@link openPostgresCentralDb}. */
export interface PostgresCentralDbOptions {
  /** Connections in the pool (per central instance). Default 10. */
  readonly poolSize?: number;
}

/**
 * Opens the central store in PostgreSQL at `url` (postgres:// or postgresql://), applying pending migrations
 * under an advisory lock so that several instances may start at once. Queries go through a connection pool;
 * {@link CentralDb.transaction} holds one connection for its work (found again through async context, so the
 * server's code is the same as with sqlite) and is retried on a serialization failure or deadlock.
 */
export async function openPostgresCentralDb(
  url: string,
  options: PostgresCentralDbOptions = {},
): Promise<CentralDb> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types });
  // An idle connection the server drops (a restart, a failover) must not crash the central process.
  pool.on('error', () => undefined);
  const inTransaction = new AsyncLocalStorage<pg.PoolClient>();
  const query = (sql: string, params: readonly SqlValue[] = []): Promise<pg.QueryResult> => {
    const client = inTransaction.getStore();
    const text = toPostgresPlaceholders(sql);
    return client ? client.query(text, params as unknown[]) : pool.query(text, params as unknown[]);
  };

  const transaction = async <T>(work: () => Promise<T>): Promise<T> => {
    // Nested calls join the transaction already open (as the sqlite store's queue would deadlock instead).
    if (inTransaction.getStore()) return work();
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await inTransaction.run(client, work);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        // The transaction's own error is rethrown below; a failed ROLLBACK means the connection is broken anyway.
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
        // Full jitter, so that two instances that collided do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      } finally {
        client.release();
      }
    }
  };

  try {
    await transaction(async () => {
      await query('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      const row = (await query('SELECT MAX(version) AS version FROM schema_migrations')).rows[0] as
        { version: number | null } | undefined;
      const current = row?.version ?? 0;
      if (current > MIGRATIONS.length) {
        throw new Error(
          `central database schema version ${current} is newer than this server (${MIGRATIONS.length})`,
        );
      }
      for (let version = current + 1; version <= MIGRATIONS.length; version++) {
        await query(MIGRATIONS[version - 1] ?? '');
        await query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [
          version,
          new Date().toISOString(),
        ]);
      }
    });
  } catch (error) {
    // The opening error is rethrown below; closing a pool that never worked adds nothing.
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the central database ${describePostgresUrl(url)}: ${reason}`, {
      cause: error,
    });
  }

  return {
    async run(sql, params) {
      return { changes: (await query(sql, params)).rowCount ?? 0 };
    },
    async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
      return (await query(sql, params)).rows[0] as T | undefined;
    },
    async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
      return (await query(sql, params)).rows as T[];
    },
    async exec(sql) {
      // Several statements, no parameters: the simple query protocol.
      const client = inTransaction.getStore();
      await (client ? client.query(sql) : pool.query(sql));
    },
    transaction,
    close: () => pool.end(),
  };
}
