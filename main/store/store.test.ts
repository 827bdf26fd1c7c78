import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sealer } from './crypto.js';
import { Database } from './database.js';
import { SchemaTooNewError, StoreError } from './errors.js';
import { FileKeyProvider, SealedKeyProvider } from './keys.js';
import { currentSchemaVersion, latestSchemaVersion, migrate, migrations } from './migrations.js';
import { DEFAULT_MIN_FREE_BYTES, minFreeBytesFromEnv, resolveDataDir } from './data-dir.js';
import { openStore, type KioskStore } from './store.js';
import { z } from 'zod';

const dirs: string[] = [];
const stores: KioskStore[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('resolveDataDir', () => {
  it('prefers BOOTH_DATA_DIR, then XDG_DATA_HOME, then ~/.local/share, and %APPDATA% on Windows', () => {
    expect(resolveDataDir({ BOOTH_DATA_DIR: '/srv/booth' }, 'linux', '/home/k')).toBe('/srv/booth');
    expect(resolveDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/k')).toBe('/x/smart-police-booth');
    expect(resolveDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/k')).toBe(
      '/home/k/.local/share/smart-police-booth',
    );
    expect(resolveDataDir({}, 'linux', '/home/k')).toBe('/home/k/.local/share/smart-police-booth');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\k\\AppData\\Roaming' }, 'win32', 'C:\\Users\\k')).toBe(
      'C:\\Users\\k\\AppData\\Roaming\\smart-police-booth',
    );
  });
});

describe('minFreeBytesFromEnv', () => {
  it('reads BOOTH_MIN_FREE_MB as whole megabytes and refuses anything else', () => {
    expect(minFreeBytesFromEnv({})).toBe(DEFAULT_MIN_FREE_BYTES);
    expect(DEFAULT_MIN_FREE_BYTES).toBe(50 * 1024 * 1024);
    expect(minFreeBytesFromEnv({ BOOTH_MIN_FREE_MB: ' 200 ' })).toBe(200 * 1024 * 1024);
    expect(minFreeBytesFromEnv({ BOOTH_MIN_FREE_MB: '0' })).toBe(0);
    for (const bad of ['-1', '1.5', '50MB', '99999999'])
      expect(() => minFreeBytesFromEnv({ BOOTH_MIN_FREE_MB: bad })).toThrow(/BOOTH_MIN_FREE_MB/);
  });
});

describe('Sealer', () => {
  const key = new Uint8Array(32).fill(7);
  it('round-trips and uses a fresh IV each time', () => {
    const s = new Sealer(key);
    const a = s.seal(Buffer.from('张三 110101199003070012'), 'T1');
    const b = s.seal(Buffer.from('张三 110101199003070012'), 'T1');
    expect(a.equals(b)).toBe(false);
    expect(a[0]).toBe(1);
    expect(s.open(a, 'T1').toString()).toBe('张三 110101199003070012');
    expect(a.includes(Buffer.from('110101199003070012'))).toBe(false);
  });
  it('refuses another record, a tampered blob, another key, an unknown version', () => {
    const s = new Sealer(key);
    const blob = s.seal(Buffer.from('secret'), 'T1');
    expect(() => s.open(blob, 'T2')).toThrow(StoreError);
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => s.open(tampered, 'T1')).toThrow(/failed authentication/);
    expect(() => new Sealer(new Uint8Array(32).fill(8)).open(blob, 'T1')).toThrow(/failed authentication/);
    const v2 = Buffer.from(blob);
    v2[0] = 2;
    expect(() => s.open(v2, 'T1')).toThrow(/unknown sealed record format 2/);
    expect(() => s.open(Buffer.alloc(5), 'T1')).toThrow(/truncated/);
    expect(() => new Sealer(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe('FileKeyProvider', () => {
  it('creates a 32-byte key 0600 in a 0700 directory and returns the same key later', async () => {
    const dir = await tempDir();
    const provider = FileKeyProvider.forDataDir(dir);
    const key = await provider.getDataKey();
    expect(key.length).toBe(32);
    const file = path.join(dir, 'keys', 'data.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    const again = await FileKeyProvider.forDataDir(dir).getDataKey();
    expect(Buffer.from(again).equals(Buffer.from(key))).toBe(true);
  });
  it('refuses a key file readable by others, and a key of the wrong size', async () => {
    const dir = await tempDir();
    const provider = FileKeyProvider.forDataDir(dir);
    await provider.getDataKey();
    const file = path.join(dir, 'keys', 'data.key');
    await chmod(file, 0o644);
    const err = await FileKeyProvider.forDataDir(dir)
      .getDataKey()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('key-insecure');
    expect((err as StoreError).message).toContain('chmod 600');
    await chmod(file, 0o600);
    await writeFile(file, Buffer.alloc(12));
    await expect(FileKeyProvider.forDataDir(dir).getDataKey()).rejects.toThrow(/12 bytes, expected 32/);
  });
});

describe('FileKeyProvider without creating', () => {
  it('says key-missing and creates nothing when told not to create a key', async () => {
    const dir = await tempDir();
    await expect(FileKeyProvider.forDataDir(dir).getDataKey({ create: false })).rejects.toMatchObject({
      kind: 'key-missing',
    });
    await expect(stat(path.join(dir, 'keys'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('Database.open read-only', () => {
  it('reads an existing database, refuses writes, and never creates one', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'x.sqlite3');
    await expect(Database.open(file, { readOnly: true })).rejects.toMatchObject({
      kind: 'data-dir-unusable',
    });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const rw = await Database.open(file);
    await rw.exec('CREATE TABLE t (a INTEGER) STRICT; INSERT INTO t VALUES (1);');
    await rw.close();
    const ro = await Database.open(file, { readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect(await ro.get('SELECT a FROM t')).toEqual({ a: 1 });
    await expect(ro.run('INSERT INTO t VALUES (2)')).rejects.toMatchObject({ kind: 'read-only' });
    await ro.close();
  });
});

describe('SealedKeyProvider', () => {
  const xor = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x5a));
  it('stores the key sealed by the OS key store and unseals it on the next start', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'keys', 'data.key.sealed');
    const sealer = {
      seal: (b: Buffer) => Buffer.concat([Buffer.from('SEALED'), xor(b)]),
      unseal: (b: Buffer) => xor(b.subarray(6)),
      isAvailable: () => true,
    };
    const key = await new SealedKeyProvider(sealer, file).getDataKey();
    const onDisk = await readFile(file);
    expect(onDisk.subarray(0, 6).toString()).toBe('SEALED');
    expect(onDisk.includes(Buffer.from(key))).toBe(false);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await new SealedKeyProvider(sealer, file).getDataKey();
    expect(Buffer.from(again).equals(Buffer.from(key))).toBe(true);
  });
  it('fails with key-unavailable when the OS key store is not available or cannot unseal', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'k');
    const off = { seal: xor, unseal: xor, isAvailable: () => false };
    await expect(new SealedKeyProvider(off, file).getDataKey()).rejects.toMatchObject({
      kind: 'key-unavailable',
    });
    await new SealedKeyProvider({ seal: xor, unseal: xor, isAvailable: () => true }, file).getDataKey();
    const broken = {
      seal: xor,
      unseal: (): Buffer => {
        throw new Error('keyring locked');
      },
      isAvailable: () => true,
    };
    await expect(new SealedKeyProvider(broken, file).getDataKey()).rejects.toMatchObject({
      kind: 'key-unavailable',
    });
  });
});

describe('openStore and migrations', () => {
  it('opens in WAL mode with synchronous=FULL and foreign keys, and records the schema version', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    stores.push(store);
    expect((await store.db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode).toBe('wal');
    const sync = await store.db.transaction((tx) => tx.get<{ synchronous: number }>('PRAGMA synchronous'));
    expect(sync?.synchronous).toBe(2);
    const fk = await store.db.transaction((tx) => tx.get<{ foreign_keys: number }>('PRAGMA foreign_keys'));
    expect(fk?.foreign_keys).toBe(1);
    expect(await currentSchemaVersion(store.db)).toBe(latestSchemaVersion);
    const rows = await store.db.all<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations',
    );
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    expect(await store.integrityCheck()).toBe('ok');
  });

  it('has STRICT tables and enforces foreign keys', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    stores.push(store);
    await expect(
      store.db.run("INSERT INTO settings (key, value, updated_at) VALUES ('a', '1', 'not a number')"),
    ).rejects.toThrow(/cannot store TEXT value in INTEGER column/);
    await expect(
      store.db.run(
        "INSERT INTO outbox (transaction_id, idempotency_key, lane, enqueued_at, next_attempt_at) VALUES ('nope', 'k', 'normal', 1, 1)",
      ),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('reopening applies nothing twice and keeps the data', async () => {
    const dir = await tempDir();
    const first = await openStore({ dataDir: dir });
    await first.settings.set('retention.days', 3);
    await first.close();
    const second = await openStore({ dataDir: dir });
    stores.push(second);
    expect(await second.settings.get('retention.days', z.number(), 7)).toBe(3);
    const n = await second.db.get<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
    expect(n?.n).toBe(migrations.length);
  });

  it('applies a later migration forward without losing rows', async () => {
    const dir = await tempDir();
    const db = await Database.open(path.join(dir, 'x.sqlite3'));
    await migrate(db);
    await db.run("INSERT INTO settings (key, value, updated_at) VALUES ('k', '\"v\"', 1)");
    const v2 = [
      ...migrations,
      {
        version: latestSchemaVersion + 1,
        name: 'add note',
        sql: 'ALTER TABLE settings ADD COLUMN note TEXT',
      },
    ];
    expect(await migrate(db, v2)).toEqual({ from: latestSchemaVersion, to: latestSchemaVersion + 1 });
    expect(await db.get('SELECT key, value, note FROM settings')).toEqual({
      key: 'k',
      value: '"v"',
      note: null,
    });
    await db.close();
  });

  it('a failing migration leaves the previous version intact', async () => {
    const dir = await tempDir();
    const db = await Database.open(path.join(dir, 'x.sqlite3'));
    await migrate(db);
    const bad = [
      ...migrations,
      {
        version: latestSchemaVersion + 1,
        name: 'broken',
        sql: 'CREATE TABLE t1 (a INTEGER) STRICT; SELECT no_such_function();',
      },
    ];
    await expect(migrate(db, bad)).rejects.toThrow(/no such function/);
    expect(await currentSchemaVersion(db)).toBe(latestSchemaVersion);
    expect(await db.get("SELECT name FROM sqlite_schema WHERE name = 't1'")).toBeUndefined();
    await db.close();
  });

  it('refuses a database from a newer app, naming both versions', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await store.db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
      latestSchemaVersion + 5,
      'future',
      1,
    ]);
    await store.close();
    const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect((err as SchemaTooNewError).kind).toBe('schema-too-new');
    expect((err as Error).message).toContain(
      `version ${latestSchemaVersion + 5} is newer than this app supports (${latestSchemaVersion})`,
    );
  });

  it('rolls back a transaction whose body throws and passes the error through', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    stores.push(store);
    const boom = new Error('domain failure');
    await expect(
      store.db.transaction(async (tx) => {
        await tx.run("INSERT INTO settings (key, value, updated_at) VALUES ('a', '1', 1)");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.db.get("SELECT * FROM settings WHERE key = 'a'")).toBeUndefined();
  });

  it('serialises concurrent transactions through one queue', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    stores.push(store);
    await store.settings.set('counter', 0);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.db.transaction(async (tx) => {
          const row = await tx.get<{ value: string }>("SELECT value FROM settings WHERE key = 'counter'");
          await new Promise((r) => setTimeout(r, 1));
          await tx.run("UPDATE settings SET value = ? WHERE key = 'counter'", [
            String(Number(row?.value) + 1),
          ]);
        }),
      ),
    );
    expect(await store.settings.get('counter', z.number(), -1)).toBe(20);
  });

  it('keeps audit, device config and catalog versions', async () => {
    const store = await openStore({ dataDir: await tempDir(), now: () => 1000 });
    stores.push(store);
    await store.audit.append('technician.login', 'tech', { ok: true });
    expect(await store.audit.recent()).toMatchObject([
      { event: 'technician.login', actor: 'tech', at: 1000, details: { ok: true } },
    ]);
    await store.deviceConfig.set('printer', { kind: 'serial', path: '/dev/ttyS0' });
    expect(await store.deviceConfig.all()).toEqual({ printer: { kind: 'serial', path: '/dev/ttyS0' } });
    await store.catalogVersions.stage(3, { catalog: { version: 3 } });
    expect(await store.catalogVersions.current()).toBeUndefined();
    await store.catalogVersions.markApplied(3);
    expect(await store.catalogVersions.current()).toMatchObject({
      version: 3,
      state: 'applied',
      appliedAt: 1000,
    });
  });
});
