import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { fictionalVisit, seededRandom } from '../../main/services/transactions/fictional.js';
import { TransactionService } from '../../main/services/transactions/transactions.js';
import { StoreError } from '../../main/store/errors.js';
import { latestSchemaVersion, currentSchemaVersion } from '../../main/store/migrations.js';
import { openStore } from '../../main/store/store.js';

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

/**
 * Makes `dir` read-only for this process. An ordinary user gets chmod 0555; root ignores modes, so as root
 * we bind-mount the directory onto itself read-only (root may mount; the kernel then answers EROFS).
 */
function makeReadOnly(dir: string): void {
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['0555', dir]);
    undo.push(() => execFileSync('chmod', ['0755', dir]));
    return;
  }
  execFileSync('mount', ['--bind', dir, dir]);
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
  } finally {
    undo.push(() => execFileSync('umount', [dir]));
  }
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

  it('a read-only data directory with an existing database: read-only error, database untouched', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const tx = new TransactionService(store);
    const random = seededRandom(3);
    for (let i = 0; i < 3; i++) await tx.complete(fictionalVisit(random, false));
    await store.close();
    const db = path.join(dir, 'booth.sqlite3');
    const before = await sha256(db);

    makeReadOnly(dir);
    const err = await openStore({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('read-only');
    expect((err as StoreError).message).toContain('read-only');
    // The CLI says so in one line and exits non-zero.
    const { io, err: stderr } = cliIo();
    expect(await runCli(['sync', 'status', '--data', dir], io)).toBe(1);
    expect(stderr.join('')).toMatch(
      /^booth sync status: read-only: cannot write to the data directory .* it is read-only/,
    );
    expect(stderr.join('').trim().split('\n')).toHaveLength(1);
    expect(await sha256(db)).toBe(before);

    for (const u of undo.splice(0).reverse()) u();
    const again = await openStore({ dataDir: dir });
    expect(await new TransactionService(again).count()).toBe(3);
    expect(await again.integrityCheck()).toBe('ok');
    await again.close();
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
