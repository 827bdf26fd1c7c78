import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCentralDb } from './db.js';

describe('openCentralDb', () => {
  it('migrates once, runs in WAL mode, and refuses a database from a newer server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'central-db-'));
    const file = join(dir, 'central.sqlite');
    try {
      const db = await openCentralDb(file);
      expect(await db.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      await db.close();
      const again = await openCentralDb(file);
      expect(await again.all('SELECT version FROM schema_migrations ORDER BY version')).toEqual([
        { version: 1 },
        { version: 2 },
      ]);
      // Migration 2's columns exist.
      await again.run(
        `INSERT INTO transactions (idempotency_key, number, kiosk_id, urgent, completed_at, received_at, payload,
           payload_hash, progress_key_hash) VALUES ('k', 'n', 'SZ-1', 0, 'c', 0, '{}', 'h', 'p')`,
      );
      await again.run('INSERT INTO schema_migrations (version, applied_at) VALUES (99, ?)', [
        '2030-01-01T00:00:00Z',
      ]);
      await again.close();
      await expect(openCentralDb(file)).rejects.toThrow(/schema version 99 is newer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls a failed transaction back and keeps serving queued ones', async () => {
    const db = await openCentralDb(':memory:');
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
    }
  });
});
