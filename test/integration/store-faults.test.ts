import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { fictionalVisit, seededRandom } from '../../main/services/transactions/fictional.js';
import { TransactionService } from '../../main/services/transactions/transactions.js';
import { buildApi } from '../../main/api/kiosk-api.js';
import type { ApiDeps } from '../../main/api/ports.js';
import { maskIdNumber } from '../../drivers/id-card/id-number.js';
import { validateCatalog } from '../../contract/catalog/schema.js';
import { VisitService } from '../../main/services/session/visit-service.js';
import { checkStorage, type StorageProbe } from '../../main/store/data-dir.js';
import { MissingKeyError, StoreError } from '../../main/store/errors.js';
import { MESSAGES } from '../../renderer/i18n/messages.js';
import { latestSchemaVersion, currentSchemaVersion } from '../../main/store/migrations.js';
import { openStore } from '../../main/store/store.js';
import { makeReadOnly as makeDirReadOnly } from '../support/read-only.js';

const dirs: string[] = [];
const undo: (() => void)[] = [];
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) u();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'booth-faults-'));
  dirs.push(d);
  return d;
}

/** Makes `dir` read-only for this process until the test's undo list runs. */
function makeReadOnly(dir: string): void {
  undo.push(makeDirReadOnly(dir));
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

function cliIo(): { io: Parameters<typeof runCli>[1]; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: {},
      signal: new AbortController().signal,
    },
    out,
    err,
  };
}

describe('data directory problems at start', () => {
  it('a data directory path under a regular file: data-dir-unusable, with a clear message', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'not-a-dir'), 'x');
    const err = await openStore({ dataDir: path.join(dir, 'not-a-dir', 'booth') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('data-dir-unusable');
    expect((err as StoreError).message).toMatch(
      /cannot create the data directory .*not-a-dir.*ENOTDIR.*BOOTH_DATA_DIR/,
    );
  });

  it('a read-only data directory: the kiosk refuses to start, `booth sync status` still reads it, nothing changes', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const tx = new TransactionService(store);
    const random = seededRandom(3);
    for (let i = 0; i < 3; i++) await tx.complete(fictionalVisit(random, false));
    await store.close();
    const db = path.join(dir, 'booth.sqlite3');
    const before = await sha256(db);
    const filesBefore = await readdir(dir);

    makeReadOnly(dir);
    const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('read-only');
    expect((err as StoreError).message).toContain('read-only');
    // The visit-start check says so too, from the real file system (no injected probe).
    expect(await checkStorage(dir)).toMatchObject({ ok: false, error: { code: 'read-only' } });
    // A technician can still see the queue: the store is opened read-only (a clean close left no WAL, so
    // sqlite cannot create its shared-memory file here and the database is read as immutable).
    const { io, out, err: stderr } = cliIo();
    expect(await runCli(['sync', 'status', '--data', dir], io)).toBe(0);
    expect(stderr.join('')).toBe('');
    expect(out.join('')).toMatch(/^completed\s+3\npending\s+3 /);
    expect(await sha256(db)).toBe(before);
    expect(await readdir(dir)).toEqual(filesBefore);

    for (const u of undo.splice(0).reverse()) u();
    const again = await openStore({ dataDir: dir });
    expect(await new TransactionService(again).count()).toBe(3);
    expect(await again.integrityCheck()).toBe('ok');
    await again.close();
  });

  it('`booth sync status` reads transactions still in the WAL of a kiosk that is running, on a read-only mount', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const tx = new TransactionService(store);
    const random = seededRandom(4);
    for (let i = 0; i < 2; i++) await tx.complete(fictionalVisit(random, false));
    // Not closed: the last commits are in booth.sqlite3-wal, not yet in the database file.
    expect((await stat(path.join(dir, 'booth.sqlite3-wal'))).size).toBeGreaterThan(0);
    makeReadOnly(dir);
    const { io, out } = cliIo();
    expect(await runCli(['sync', 'status', '--json', '--data', dir], io)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ completedTotal: 2, pending: 2 });
    // sqlite shares one lock table per file within a process: the kiosk's connection goes first.
    await store.close();
  });

  it('a write-protected database file in a writable directory: read-only error at start', async () => {
    const dir = await tempDir();
    await (await openStore({ dataDir: dir })).close();
    const db = path.join(dir, 'booth.sqlite3');
    // root ignores file modes; the immutable attribute stops root too (ext4, as in CI's temp directory).
    if (process.getuid?.() === 0) {
      execFileSync('chattr', ['+i', db]);
      undo.push(() => execFileSync('chattr', ['-i', db]));
    } else {
      await chmod(db, 0o444);
      undo.push(() => execFileSync('chmod', ['0644', db]));
    }
    const before = await sha256(db);
    const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('read-only');
    expect(await sha256(db)).toBe(before);
  });

  it('a read-only new data directory: no database file is left behind', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    await mkdir(data);
    makeReadOnly(data);
    await expect(openStore({ dataDir: data })).rejects.toMatchObject({ kind: 'read-only' });
    for (const u of undo.splice(0).reverse()) u();
    await expect(readFile(path.join(data, 'booth.sqlite3'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('disk full (simulated with PRAGMA max_page_count)', () => {
  it('at start: a disk-full error and a database that opens cleanly once space is back', async () => {
    const dir = await tempDir();
    const err = await openStore({ dataDir: dir, maxPageCount: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('disk-full');
    expect((err as StoreError).message).toMatch(/full/);
    const store = await openStore({ dataDir: dir });
    expect(await store.integrityCheck()).toBe('ok');
    expect(await currentSchemaVersion(store.db)).toBe(latestSchemaVersion);
    await store.close();
  });

  it('while running: completions fail with disk-full, nothing half-written, earlier data intact', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const tx = new TransactionService(store);
    const random = seededRandom(5);
    for (let i = 0; i < 5; i++) await tx.complete(fictionalVisit(random, false));
    const pages = await store.db.transaction((t) => t.get<{ page_count: number }>('PRAGMA page_count'));
    await store.db.exec(`PRAGMA max_page_count = ${pages?.page_count ?? 0}`);
    let failures = 0;
    for (let i = 0; i < 50; i++) {
      const e = await tx.complete(fictionalVisit(random, false)).catch((error: unknown) => error);
      if (e instanceof StoreError) {
        expect(e.kind).toBe('disk-full');
        failures += 1;
      }
    }
    expect(failures).toBeGreaterThan(0);
    const count = await tx.count();
    const outbox = await store.db.get<{ n: number }>('SELECT count(*) AS n FROM outbox');
    const orphans = await store.db.get<{ n: number }>(
      'SELECT count(*) AS n FROM transactions t LEFT JOIN outbox o ON o.transaction_id = t.id WHERE o.seq IS NULL',
    );
    expect(outbox?.n).toBe(count);
    expect(orphans?.n).toBe(0);
    expect(count).toBe(5 + 50 - failures);
    expect(await store.integrityCheck()).toBe('ok');
    await store.db.exec('PRAGMA max_page_count = 1073741823');
    await tx.complete(fictionalVisit(random, false));
    expect(await tx.count()).toBe(count + 1);
    await store.close();
  });
});

describe('key file', () => {
  it('refuses to start with a key file readable by others', async () => {
    const dir = await tempDir();
    await (await openStore({ dataDir: dir })).close();
    await chmod(path.join(dir, 'keys', 'data.key'), 0o644);
    const { io, err } = cliIo();
    expect(await runCli(['sync', 'status', '--data', dir], io)).toBe(1);
    expect(err.join('')).toMatch(/key-insecure: .*mode 0644.*chmod 600/);
  });
});

/** Every entry under `dir` (itself included) with its permission bits, symbolic links left out. */
async function modes(dir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const walk = async (entry: string): Promise<void> => {
    const info = await lstat(entry);
    if (info.isSymbolicLink()) return;
    found.set(path.relative(dir, entry) || '.', info.mode & 0o7777);
    if (info.isDirectory()) for (const name of await readdir(entry)) await walk(path.join(entry, name));
  };
  await walk(dir);
  return found;
}

describe('data at rest: owner-only data directory', () => {
  it('a 0755 data directory with 0644 files becomes 0700 with 0600 files at start, with one warning', async () => {
    const dir = await tempDir();
    const first = await openStore({ dataDir: dir });
    await new TransactionService(first).complete(fictionalVisit(seededRandom(1), false));
    await first.close();
    // As a directory made by hand, or restored from a backup, often is.
    await mkdir(path.join(dir, 'catalog', 'usb'), { recursive: true });
    await writeFile(path.join(dir, 'catalog', 'applied.json'), '{}');
    const outside = path.join(await tempDir(), 'elsewhere.txt');
    await writeFile(outside, 'not ours');
    await chmod(outside, 0o644);
    await symlink(outside, path.join(dir, 'catalog', 'link'));
    for (const [entry] of await modes(dir)) {
      const full = path.join(dir, entry);
      await chmod(full, (await stat(full)).isDirectory() ? 0o755 : 0o644);
    }
    const loose = await modes(dir);
    expect([...loose.values()].every((m) => m === 0o755 || m === 0o644)).toBe(true);

    const warnings: { event: string; fields: Record<string, unknown> }[] = [];
    const store = await openStore({
      dataDir: dir,
      log: { warn: (event, fields = {}) => warnings.push({ event, fields }) },
    });
    await store.close();
    const after = await modes(dir);
    for (const [entry, mode] of after) {
      const isDir = (await stat(path.join(dir, entry))).isDirectory();
      expect([entry, mode]).toEqual([entry, isDir ? 0o700 : 0o600]);
    }
    // The key file was among them; a link's target outside is not ours to change.
    expect(after.get(path.join('keys', 'data.key'))).toBe(0o600);
    expect((await stat(outside)).mode & 0o777).toBe(0o644);
    expect(warnings).toEqual([
      {
        event: 'data-dir.permissions-fixed',
        fields: expect.objectContaining({ fixed: loose.size, failed: 0 }) as unknown,
      },
    ]);
    // Counts only: no path (it may hold a user name), nothing personal.
    expect(JSON.stringify(warnings)).not.toContain(dir);

    // The next start finds nothing to fix and says nothing.
    const quiet: string[] = [];
    await (await openStore({ dataDir: dir, log: { warn: (e) => quiet.push(e) } })).close();
    expect(quiet).toEqual([]);
  });

  it('creates the database and its -wal/-shm files 0600 whatever the umask', async () => {
    const dir = await tempDir();
    const previous = process.umask(0o022);
    try {
      const store = await openStore({ dataDir: dir });
      await new TransactionService(store).complete(fictionalVisit(seededRandom(2), false));
      for (const name of ['booth.sqlite3', 'booth.sqlite3-wal', 'booth.sqlite3-shm'])
        expect([name, (await stat(path.join(dir, name))).mode & 0o777]).toEqual([name, 0o600]);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });
});

describe('data at rest: the data key', () => {
  it('a missing key file while sealed rows exist: refuses to start, says how to recover, never a new key', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const tx = new TransactionService(store);
    const done = await tx.complete(fictionalVisit(seededRandom(6), false));
    await tx.complete(fictionalVisit(seededRandom(7), true));
    await store.close();
    const keyFile = path.join(dir, 'keys', 'data.key');
    const key = await readFile(keyFile);
    await unlink(keyFile);

    const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingKeyError);
    expect(err).toMatchObject({ kind: 'key-missing', code: 'key-missing', sealedRows: 2 });
    const message = (err as Error).message;
    expect(message).toContain(`the data key file ${keyFile} is missing`);
    expect(message).toMatch(/2 transaction\(s\) with sealed personal data that only that key can read/);
    expect(message).toMatch(/Restore the key file from a backup/);
    expect(message).toMatch(/queued transactions have been accounted for .* move .*booth\.sqlite3.* aside/);
    await expect(stat(keyFile)).rejects.toMatchObject({ code: 'ENOENT' });
    // The CLI says the same in one line.
    const { io, err: stderr } = cliIo();
    expect(await runCli(['sync', 'status', '--data', dir], io)).toBe(1);
    expect(stderr.join('')).toMatch(/^booth sync status: key-missing: the data key file .* is missing/);
    expect(stderr.join('').trim().split('\n')).toHaveLength(1);

    // With the key restored, everything is readable again.
    await writeFile(keyFile, key, { mode: 0o600 });
    const again = await openStore({ dataDir: dir });
    expect((await new TransactionService(again).payload(done.id, 'k1')).citizen).toBeDefined();
    await again.close();
  });

  it('a missing key file with nothing sealed (a fresh store, or all purged) gets a new key', async () => {
    const dir = await tempDir();
    await (await openStore({ dataDir: dir })).close();
    const keyFile = path.join(dir, 'keys', 'data.key');
    const firstKey = await readFile(keyFile);
    await unlink(keyFile);
    const store = await openStore({ dataDir: dir });
    const tx = new TransactionService(store);
    await tx.complete(fictionalVisit(seededRandom(8), false));
    const secondKey = await readFile(keyFile);
    expect(secondKey.equals(firstKey)).toBe(false);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    // Purged (acknowledged and past retention): the rows stay, the sealed data is gone, so the key is free.
    await store.db.run('UPDATE transactions SET sealed = NULL, purged_at = 1');
    await store.close();
    await unlink(keyFile);
    const purged = await openStore({ dataDir: dir });
    expect(await new TransactionService(purged).count()).toBe(1);
    await purged.close();
  });

  it('a key that opens none of the sealed rows (a replaced key passed by a host) is refused', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await new TransactionService(store).complete(fictionalVisit(seededRandom(9), false));
    await store.close();
    const wrong = { getDataKey: async (): Promise<Uint8Array> => new Uint8Array(32).fill(9) };
    await expect(openStore({ dataDir: dir, keyProvider: wrong })).rejects.toMatchObject({
      kind: 'decrypt-failed',
      message: expect.stringMatching(/does not open the sealed personal data .* Restore the original key/),
    });
  });
});

const parsedCatalog = validateCatalog(
  JSON.parse(await readFile('resources/catalog/default-catalog.json', 'utf8')),
);
if (!parsedCatalog.ok) throw new Error('default catalog invalid');
const catalog = parsedCatalog.value;

/** The KioskApi over a real store and visit service, with the core's wiring of the storage check. */
function apiOver(store: Awaited<ReturnType<typeof openStore>>): {
  api: ReturnType<typeof buildApi>;
  changes: unknown[];
} {
  const changes: unknown[] = [];
  const visits = new VisitService({
    catalog: () => catalog,
    maskIdNumber,
    onChange: (v) => changes.push(v),
    checkStorage: () => store.checkStorage(),
  });
  const deps = {
    info: () => {
      throw new Error('not used');
    },
    catalog: () => catalog,
    visits,
    devices: () => [],
    wedgeScan: () => {
      throw new Error('not used');
    },
    simulation: null,
    technician: {} as ApiDeps['technician'],
  } as unknown as ApiDeps;
  return { api: buildApi(deps), changes };
}

describe('disk full or read-only at visit start', () => {
  const serviceId = catalog.services.find((s) => s.identity !== 'none')?.id ?? '';

  it('a full disk (injected free-space probe) is said when the visit starts, before any form', async () => {
    const dir = await tempDir();
    let freeBytes = 10 * 1024 * 1024;
    const probe: StorageProbe = {
      statfs: async () => ({ bavail: freeBytes / 4096, bsize: 4096 }),
      access: async () => undefined,
    };
    const warnings: { event: string; fields: Record<string, unknown> }[] = [];
    const store = await openStore({
      dataDir: dir,
      storageProbe: probe,
      log: { warn: (event, fields = {}) => warnings.push({ event, fields }) },
    });
    try {
      const { api, changes } = apiOver(store);
      const ctx = { connectionId: 1 };
      const refused = await api['visit.start'].handler({ serviceIds: [serviceId] }, ctx);
      expect(refused).toEqual({
        ok: false,
        error: { code: 'storage-unavailable', messageKey: 'errors.storage-unavailable', detail: 'disk-full' },
      });
      // No visit began: nothing to type into, nothing of the citizen's kept.
      expect(await api['visit.get'].handler(undefined, ctx)).toEqual({ ok: true, value: null });
      expect(changes).toEqual([]);
      expect(warnings).toEqual([
        { event: 'storage.unavailable', fields: { reason: 'disk-full', freeMb: 10 } },
      ]);
      // The citizen's message exists in every language and says nothing was lost.
      expect(MESSAGES['zh-CN']['errors.storage-unavailable']).toContain('没有丢失');
      expect(MESSAGES['zh-HK']['errors.storage-unavailable']).toContain('沒有遺失');
      expect(MESSAGES.en['errors.storage-unavailable']).toMatch(/cannot save right now.*Nothing was lost/);

      // Space is back: the visit starts.
      freeBytes = 60 * 1024 * 1024;
      const started = await api['visit.start'].handler({ serviceIds: [serviceId] }, ctx);
      expect(started).toMatchObject({ ok: true, value: { step: 'identify' } });
    } finally {
      await store.close();
    }
  });

  it('a read-only data directory (injected probe) is said the same way', async () => {
    const dir = await tempDir();
    const probe: StorageProbe = {
      statfs: async () => ({ bavail: 1e9, bsize: 4096 }),
      access: async () => {
        throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
      },
    };
    const store = await openStore({ dataDir: dir, storageProbe: probe, log: { warn: () => undefined } });
    try {
      const { api } = apiOver(store);
      expect(
        await api['visit.start'].handler({ serviceIds: [serviceId] }, { connectionId: 1 }),
      ).toMatchObject({
        ok: false,
        error: { code: 'storage-unavailable', detail: 'read-only' },
      });
    } finally {
      await store.close();
    }
  });

  it('the threshold is configurable, and the real probe sees this disk', async () => {
    const dir = await tempDir();
    expect(await checkStorage(dir, { minFreeBytes: 0 })).toMatchObject({ ok: true });
    expect(await checkStorage(dir, { minFreeBytes: Number.MAX_SAFE_INTEGER })).toMatchObject({
      ok: false,
      error: { code: 'disk-full' },
    });
  });
});

describe('a really full disk', () => {
  /**
   * Fills a small file system mounted on `dir`. Only root can mount one; as another user the closest thing is a
   * directory that takes no writes (chmod 0555), which fails sqlite's shared-memory file the same way.
   */
  async function fullDisk(dir: string): Promise<'full' | 'read-only'> {
    if (process.getuid?.() !== 0) {
      makeReadOnly(dir);
      return 'read-only';
    }
    const chunk = Buffer.alloc(256 * 1024);
    for (let i = 0; ; i++) {
      try {
        await writeFile(path.join(dir, `fill-${i}`), chunk);
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOSPC') return 'full';
        throw error;
      }
    }
  }

  it('`booth sync status` still reads the store, and the kiosk and the visit check say disk-full', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    await mkdir(data);
    if (process.getuid?.() === 0) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', data]);
      undo.push(() => execFileSync('umount', [data]));
    }
    const store = await openStore({ dataDir: data });
    const tx = new TransactionService(store);
    const random = seededRandom(10);
    for (let i = 0; i < 3; i++) await tx.complete(fictionalVisit(random, false));
    await store.close();
    const state = await fullDisk(data);

    const { io, out, err } = cliIo();
    expect(await runCli(['sync', 'status', '--json', '--data', data], io)).toBe(0);
    expect(err.join('')).toBe('');
    expect(JSON.parse(out.join(''))).toMatchObject({ completedTotal: 3, pending: 3 });
    const reason = state === 'full' ? 'disk-full' : 'read-only';
    expect(await checkStorage(data)).toMatchObject({ ok: false, error: { code: reason } });
    await expect(openStore({ dataDir: data })).rejects.toMatchObject({ kind: reason });
  });
});
