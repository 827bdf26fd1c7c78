import type { Database } from './database.js';
import { SchemaTooNewError } from './errors.js';

/** One forward-only schema step. It may add tables, columns and indexes; it never drops data. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The schema, in order. Append new steps; never edit or remove a released one (kiosks in the field have
 * applied it). Timestamps are integer milliseconds since the epoch (UTC).
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE transactions (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        services TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('completed', 'acknowledged', 'rejected')),
        urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
        created_at INTEGER NOT NULL,
        completed_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        sealed BLOB,
        purged_at INTEGER
      ) STRICT;
      CREATE INDEX transactions_purge ON transactions (state, updated_at) WHERE purged_at IS NULL;

      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions (id),
        idempotency_key TEXT NOT NULL UNIQUE,
        lane TEXT NOT NULL CHECK (lane IN ('urgent', 'normal')),
        enqueued_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        acked_at INTEGER,
        rejected_at INTEGER,
        last_error TEXT
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (lane, seq) WHERE acked_at IS NULL AND rejected_at IS NULL;
      CREATE INDEX outbox_pending_age ON outbox (enqueued_at) WHERE acked_at IS NULL AND rejected_at IS NULL;

      CREATE TABLE daily_sequence (
        day TEXT PRIMARY KEY,
        last INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        event TEXT NOT NULL,
        actor TEXT NOT NULL,
        at INTEGER NOT NULL,
        details TEXT NOT NULL DEFAULT '{}'
      ) STRICT;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE device_config (
        role TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE catalog_versions (
        version INTEGER PRIMARY KEY,
        applied_at INTEGER,
        state TEXT NOT NULL CHECK (state IN ('staged', 'applied', 'rejected')),
        reason TEXT,
        document TEXT NOT NULL
      ) STRICT;
    `,
  },
];

/** The newest schema version this build knows. */
export const latestSchemaVersion: number = migrations.reduce((max, m) => Math.max(max, m.version), 0);

/** Reads the schema version recorded in the database (0 for a new one). */
export async function currentSchemaVersion(db: Database): Promise<number> {
  const table = await db.get<{ n: number }>(
    "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
  );
  if (!table || table.n === 0) return 0;
  const row = await db.get<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return row?.v ?? 0;
}

/**
 * Applies pending migrations, each in its own transaction together with its `schema_migrations` row, so a
 * crash or a full disk leaves the database at the previous version, never half-migrated. Refuses a database
 * from a newer app with {@link SchemaTooNewError}.
 */
export async function migrate(
  db: Database,
  list: readonly Migration[] = migrations,
  now: () => number = Date.now,
): Promise<{ from: number; to: number }> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY,
       name TEXT NOT NULL,
       applied_at INTEGER NOT NULL
     ) STRICT`,
  );
  const known = list.reduce((max, m) => Math.max(max, m.version), 0);
  const from = await currentSchemaVersion(db);
  if (from > known) throw new SchemaTooNewError(from, known);
  const pending = [...list].filter((m) => m.version > from).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        now(),
      ]);
    });
  }
  return { from, to: Math.max(from, ...pending.map((m) => m.version)) };
}
