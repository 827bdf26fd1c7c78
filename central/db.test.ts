import { describe, expect, it } from 'vitest';
import { CENTRAL_BACKEND, sharedCentralStore } from '../test/support/central-store.js';
import { toPostgresPlaceholders } from './db-postgres.js';
import { isPostgresUrl, openCentralDb, type CentralDb } from './db.js';

/** An empty store of the backend under test, opened; `reopen` opens the same data again (a restart). */
async function openStore(): Promise<{
  db: CentralDb;
  reopen: () => Promise<CentralDb>;
  remove: () => void;
}> {
  const store = await sharedCentralStore();
  const target = store.options.database ?? `${store.options.dataDir}/central.sqlite`;
  return { db: await openCentralDb(target), reopen: () => openCentralDb(target), remove: store.remove };
}

describe(`openCentralDb (${CENTRAL_BACKEND})`, () => {
  it('migrates once, and refuses a database from a newer server', async () => {
    const { db, reopen, remove } = await openStore();
    try {
      if (CENTRAL_BACKEND === 'sqlite')
        expect(await db.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({
          journal_mode: 'wal',
        });
      await db.close();
      const again = await reopen();
      // Every migration once, numbered 1..N without gaps (N is not written here: migrations are appended).
      const versions = (
        await again.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      ).map((row) => row.version);
      expect(versions.length).toBeGreaterThanOrEqual(3);
      expect(versions).toEqual(versions.map((_, index) => index + 1));
      // Migration 2's columns exist.
      await again.run(
        `INSERT INTO transactions (idempotency_key, number, kiosk_id, urgent, completed_at, received_at, payload,
           payload_hash, progress_key_hash) VALUES ('k', 'n', 'SZ-1', 0, 'c', 0, '{}', 'h', 'p')`,
      );
      await again.run('INSERT INTO schema_migrations (version, applied_at) VALUES (99, ?)', [
        '2030-01-01T00:00:00Z',
      ]);
      await again.close();
      await expect(reopen()).rejects.toThrow(/schema version 99 is newer/);
    } finally {
      remove();
    }
  });

  it('rolls a failed transaction back and keeps serving the others', async () => {
    const { db, remove } = await openStore();
    try {
      const failing = db.transaction(async () => {
        await db.run('INSERT INTO counters (name, value) VALUES (?, ?)', ['a', 1]);
        throw new Error('boom');
      });
      const next = db.transaction(() => db.run('INSERT INTO counters (name, value) VALUES (?, ?)', ['b', 2]));
      await expect(failing).rejects.toThrow('boom');
      await next;
      expect(await db.all('SELECT name, value FROM counters ORDER BY name')).toEqual([
        { name: 'b', value: 2 },
      ]);
    } finally {
      await db.close();
      remove();
    }
  });

  it('reads counts, sums and epoch-millisecond times as numbers, and binary bodies as bytes', async () => {
    const { db, remove } = await openStore();
    try {
      const at = Date.UTC(2026, 11, 1, 1, 2, 3, 456);
      await db.run('INSERT INTO catalogs (version, etag, body, published_at) VALUES (?, ?, ?, ?)', [
        7,
        'e',
        Buffer.from([0, 1, 2, 255]),
        at,
      ]);
      await db.run('INSERT INTO counters (name, value) VALUES (?, ?)', ['n', 2 ** 40]);
      expect(await db.get('SELECT version, published_at, body FROM catalogs')).toEqual({
        version: 7,
        published_at: at,
        body: Buffer.from([0, 1, 2, 255]),
      });
      expect(await db.get('SELECT COUNT(*) AS total, SUM(value) AS sum FROM counters')).toEqual({
        total: 1,
        sum: 2 ** 40,
      });
    } finally {
      await db.close();
      remove();
    }
  });

  it('keeps concurrent upserts of one counter exact (several connections on PostgreSQL)', async () => {
    const { db, remove } = await openStore();
    try {
      await Promise.all(
        Array.from({ length: 40 }, () =>
          db.transaction(() =>
            db.run(
              'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counters.value + ?',
              ['c', 1, 1],
            ),
          ),
        ),
      );
      expect(await db.get('SELECT value FROM counters WHERE name = ?', ['c'])).toEqual({ value: 40 });
    } finally {
      await db.close();
      remove();
    }
  });
});

// Only where both stores exist (the central-postgres project): their migrations are written twice, once per SQL
// dialect, and must describe the same schema.
if (CENTRAL_BACKEND === 'postgres') {
  describe('the two stores', () => {
    it('have the same tables with the same columns after their migrations', async () => {
      const { db: pg, remove } = await openStore();
      const sqlite = await openCentralDb(':memory:');
      try {
        const pgColumns = await pg.all<{ t: string; c: string }>(
          `SELECT table_name AS t, column_name AS c FROM information_schema.columns
           WHERE table_schema = 'public' ORDER BY table_name, column_name`,
        );
        const tables = await sqlite.all<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        );
        const sqliteColumns: { t: string; c: string }[] = [];
        for (const { name } of tables)
          for (const col of await sqlite.all<{ name: string }>(`PRAGMA table_info(${name})`))
            sqliteColumns.push({ t: name, c: col.name });
        const key = (r: { t: string; c: string }): string => `${r.t}.${r.c}`;
        expect(pgColumns.map(key).sort()).toEqual(sqliteColumns.map(key).sort());
        expect(pgColumns.length).toBeGreaterThan(20);
      } finally {
        await sqlite.close();
        await pg.close();
        remove();
      }
    });
  });
}

describe('store selection and SQL spelling', () => {
  it('takes postgres:// and postgresql:// URLs as PostgreSQL, anything else as a sqlite file', () => {
    expect(isPostgresUrl('postgresql://booth@db:5432/central')).toBe(true);
    expect(isPostgresUrl('POSTGRES://db/central')).toBe(true);
    expect(isPostgresUrl('/var/lib/booth/central.sqlite')).toBe(false);
    expect(isPostgresUrl(':memory:')).toBe(false);
    expect(isPostgresUrl('mysql://db/central')).toBe(false);
  });

  it('numbers placeholders in order for PostgreSQL', () => {
    expect(toPostgresPlaceholders('UPDATE t SET a = ?, b = ? WHERE c = ?')).toBe(
      'UPDATE t SET a = $1, b = $2 WHERE c = $3',
    );
    expect(toPostgresPlaceholders('SELECT 1')).toBe('SELECT 1');
  });
});
