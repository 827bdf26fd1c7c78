import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { runCli } from '../../main/cli/main.js';
import { createCentralAdminClient, createCentralClient } from '../../main/services/central/client.js';
import { Heartbeat } from '../../main/services/sync/heartbeat.js';
import { createKioskSync } from '../../main/services/sync/kiosk-sync.js';
import { Uploader, readSyncState } from '../../main/services/sync/uploader.js';
import { fictionalVisit, seededRandom } from '../../main/services/transactions/fictional.js';
import {
  TransactionService,
  type CompleteTransactionInput,
} from '../../main/services/transactions/transactions.js';
import { openStore, type KioskStore } from '../../main/store/store.js';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'booth-sync-'));
  dirs.push(d);
  return d;
}
async function central(): Promise<CentralServer> {
  const server = await startCentralServer({
    port: 0,
    dataDir: ':memory:',
    kioskTokens: { 'dev-kiosk': 'dev-kiosk-token' },
    adminToken: 'admin-token',
  });
  cleanups.push(() => server.close());
  return server;
}
async function kiosk(dir: string): Promise<{ store: KioskStore; transactions: TransactionService }> {
  const store = await openStore({ dataDir: dir });
  cleanups.push(() => store.close());
  return { store, transactions: new TransactionService(store) };
}
/** CLI streams; a demonstration data directory unless `env` says otherwise (BOOTH_SIMULATE: '0'). */
function cliIo(env: Record<string, string> = {}): {
  io: Parameters<typeof runCli>[1];
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: { BOOTH_SIMULATE: '1', ...env },
      signal: new AbortController().signal,
    },
    out,
    err,
  };
}

describe('uploader against the reference central server', () => {
  it('sends an urgent report at once, ahead of a lingering batch, and tells when it is acknowledged', async () => {
    const server = await central();
    const { store, transactions } = await kiosk(await tempDir());
    const client = createCentralClient({
      baseUrl: server.url,
      token: 'dev-kiosk-token',
      kioskId: 'dev-kiosk',
      timeoutMs: 5000,
    });
    // A long linger: normal items would wait a minute; the urgent one must not.
    const uploader = new Uploader({
      store,
      transactions,
      client,
      kioskId: 'dev-kiosk',
      batchSize: 50,
      lingerMs: 60_000,
    });
    await uploader.start();
    cleanups.push(() => uploader.stop());
    const random = seededRandom(1);
    for (let i = 0; i < 5; i++) await transactions.complete(fictionalVisit(random, false));
    const urgent = await transactions.complete(fictionalVisit(random, true));
    expect(urgent.urgent).toBe(true);
    await uploader.waitForAcknowledgement(urgent.id);
    expect((await server.stats()).urgent).toBe(1);
    expect((await server.stats()).transactions).toBe(1);
    const state = await uploader.state();
    expect(state).toMatchObject({
      pending: 5,
      urgentPending: 0,
      acknowledged: 1,
      completedTotal: 6,
      circuit: 'closed',
    });
    const progress = await client.progress(urgent.number);
    expect(progress.ok && progress.value?.number).toBe(urgent.number);
  });

  it('flags a transaction the server holds with a different payload as a conflict: never acknowledged, never resent', async () => {
    const server = await central();
    const { store, transactions } = await kiosk(await tempDir());
    const client = createCentralClient({
      baseUrl: server.url,
      token: 'dev-kiosk-token',
      kioskId: 'dev-kiosk',
      timeoutMs: 5000,
    });
    const random = seededRandom(5);
    const clash = await transactions.complete(fictionalVisit(random, false));
    const fine = await transactions.complete(fictionalVisit(random, false));
    // Something else already stored another payload under the first transaction's id.
    const other = { ...(await transactions.payload(clash.id, 'dev-kiosk')), locale: 'en' as const };
    const planted = await client.uploadBatch([{ idempotencyKey: clash.id, transaction: other }]);
    expect(planted.ok && planted.value.results[0]?.status).toBe('stored');

    const logged: string[] = [];
    const log = {
      info: () => undefined,
      warn: () => undefined,
      error: (event: string, fields?: Record<string, unknown>) =>
        logged.push(`${event} ${JSON.stringify(fields)}`),
    };
    const uploader = new Uploader({ store, transactions, client, kioskId: 'dev-kiosk', lingerMs: 0, log });
    const refused = uploader.waitForAcknowledgement(clash.id);
    refused.catch(() => undefined);
    await uploader.start();
    await expect(refused).rejects.toThrow(/rejected: conflict: /);
    await uploader.waitForAcknowledgement(fine.id);
    const state = await uploader.drain(10_000);
    expect(state).toMatchObject({ pending: 0, acknowledged: 1, rejected: 1, conflicts: 1 });
    expect((await transactions.get(clash.id))?.state).toBe('rejected');
    expect((await server.stats()).conflicts).toBe(1);
    expect(logged).toEqual([
      `sync.conflict {"transactionNumber":"${clash.number}","code":"idempotency-conflict"}`,
    ]);
    const audit = await store.audit.recent(10);
    expect(audit.find((e) => e.event === 'sync.conflict')?.details).toEqual({
      transactionNumber: clash.number,
    });
    // Kicking again sends nothing more: the conflict is permanent, not a retry loop.
    const batches = (await server.stats()).batches;
    uploader.kick();
    await uploader.drain(1_000);
    await uploader.stop();
    expect((await server.stats()).batches).toBe(batches);
    expect(await readSyncState(store)).toMatchObject({ conflicts: 1, rejected: 1 });
  });

  it('heartbeat reports the outbox and announces a newer catalog once', async () => {
    const server = await central();
    const { store, transactions } = await kiosk(await tempDir());
    const random = seededRandom(2);
    for (let i = 0; i < 3; i++) await transactions.complete(fictionalVisit(random, false));
    const admin = createCentralAdminClient({ baseUrl: server.url, token: 'admin-token' });
    const published = await admin.publishCatalog({ catalog: { version: 7 }, signature: { alg: 'ed25519' } });
    expect(published.ok).toBe(true);
    const client = createCentralClient({
      baseUrl: server.url,
      token: 'dev-kiosk-token',
      kioskId: 'dev-kiosk',
    });
    const heartbeat = new Heartbeat({
      client,
      appVersion: '0.1.0',
      devices: () => ({ printer: { state: 'error', code: 'paper-out' }, idcard: { state: 'ready' } }),
      catalogVersion: () => 6,
      outbox: async () => {
        const s = await readSyncState(store);
        return { depth: s.pending, oldestAgeMs: s.oldestPendingAgeMs };
      },
    });
    const announced: { version: number; etag: string }[] = [];
    heartbeat.events.on('catalog-announced', (a) => announced.push(a));
    expect(await heartbeat.beat()).not.toBeNull();
    expect(await heartbeat.beat()).not.toBeNull();
    expect(announced).toHaveLength(1);
    expect(announced[0]?.version).toBe(7);
    expect(published.ok && announced[0]?.etag).toBe(published.ok ? published.value.etag : null);
    const fleet = await admin.fleet();
    expect(fleet.ok).toBe(true);
    const me = fleet.ok ? fleet.value.kiosks.find((k) => k.kioskId === 'dev-kiosk') : undefined;
    expect(me).toMatchObject({
      appVersion: '0.1.0',
      catalogVersion: 6,
      outbox: { depth: 3 },
      devices: { printer: { state: 'error', code: 'paper-out' } },
    });
    // A heartbeat to an unreachable server fails quietly.
    const failures: string[] = [];
    const dead = new Heartbeat({
      client: createCentralClient({
        baseUrl: 'http://127.0.0.1:9',
        token: 'x',
        kioskId: 'dev-kiosk',
        timeoutMs: 2000,
      }),
      appVersion: '0.1.0',
      devices: () => ({}),
      catalogVersion: () => null,
      outbox: () => Promise.resolve({ depth: 0, oldestAgeMs: null }),
    });
    dead.events.on('failed', (f) => failures.push(f.message));
    expect(await dead.beat()).toBeNull();
    expect(failures[0]).toMatch(/^network/);
  });
});

describe('createKioskSync', () => {
  it('wires uploader, heartbeat and purge into one event stream', async () => {
    const server = await central();
    const { store, transactions } = await kiosk(await tempDir());
    const random = seededRandom(5);
    const old = await transactions.complete(fictionalVisit(random, false));
    await store.db.run("UPDATE transactions SET state = 'acknowledged', updated_at = 0 WHERE id = ?", [
      old.id,
    ]);
    await store.db.run('UPDATE outbox SET acked_at = 0 WHERE transaction_id = ?', [old.id]);
    const admin = createCentralAdminClient({ baseUrl: server.url, token: 'admin-token' });
    expect((await admin.publishCatalog({ catalog: { version: 2 }, signature: {} })).ok).toBe(true);
    const sync = createKioskSync({
      store,
      transactions,
      client: createCentralClient({ baseUrl: server.url, token: 'dev-kiosk-token', kioskId: 'dev-kiosk' }),
      kioskId: 'dev-kiosk',
      appVersion: '0.1.0',
      devices: () => ({ printer: { state: 'ready' } }),
      catalogVersion: () => 1,
      lingerMs: 0,
    });
    const seen: string[] = [];
    const purged: number[] = [];
    sync.events.on('acknowledged', (a) => seen.push(`ack ${a.id}`));
    sync.events.on('catalog-announced', (c) => seen.push(`catalog ${c.version}`));
    transactions.events.on('purged', (p) => purged.push(p.count));
    await sync.start();
    cleanups.push(() => sync.stop());
    const urgent = await transactions.complete(fictionalVisit(random, true));
    await sync.uploader.waitForAcknowledgement(urgent.id);
    await expect.poll(() => seen).toEqual(expect.arrayContaining([`ack ${urgent.id}`, 'catalog 2']));
    // The purge ran at start: the old acknowledged transaction kept its number, lost its personal data.
    await expect.poll(() => purged).toEqual([1]);
    expect(await transactions.get(old.id)).toMatchObject({ purged: true, number: old.number });
    expect(await sync.state()).toMatchObject({ pending: 0, acknowledged: 2 });
  });
});

describe('personal data at rest', () => {
  it('the database, its WAL, the key directory and the CLI output never contain a plaintext name, ID number or progress key', async () => {
    const server = await central();
    const dir = await tempDir();
    const { store, transactions } = await kiosk(dir);
    const random = seededRandom(77);
    const visits: CompleteTransactionInput[] = [];
    for (let i = 0; i < 40; i++) visits.push(fictionalVisit(random, i % 10 === 0));
    const progressKeys: string[] = [];
    for (const v of visits.slice(0, 20)) progressKeys.push((await transactions.complete(v)).progressKey);
    const uploader = new Uploader({
      store,
      transactions,
      client: createCentralClient({ baseUrl: server.url, token: 'dev-kiosk-token', kioskId: 'dev-kiosk' }),
      kioskId: 'dev-kiosk',
      lingerMs: 0,
    });
    await uploader.start();
    for (const v of visits.slice(20)) progressKeys.push((await transactions.complete(v)).progressKey);
    await uploader.drain(60_000);
    await uploader.stop();

    const secrets = [
      ...visits.flatMap((v) =>
        [v.citizen?.name, v.citizen?.idNumber, v.citizen?.address, v.missingPerson?.name].filter(
          (s): s is string => !!s,
        ),
      ),
      // A progress key unlocks the citizen's receipt: sealed like personal data.
      ...progressKeys,
    ];
    expect(secrets.length).toBeGreaterThan(120);
    // The WAL is live (the store is still open), so recent pages are only there.
    expect((await stat(path.join(dir, 'booth.sqlite3-wal'))).size).toBeGreaterThan(0);
    const cli = cliIo();
    expect(await runCli(['sync', 'status', '--data', dir], cli.io)).toBe(0);
    const files: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(path.join(d, e.name));
        else files.push(path.join(d, e.name));
      }
    };
    await walk(dir);
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['booth.sqlite3', 'booth.sqlite3-wal', 'data.key']),
    );
    const blobs = [
      ...(await Promise.all(files.map((f) => readFile(f)))),
      Buffer.from(cli.out.join('') + cli.err.join('')),
    ];
    for (const secret of secrets) {
      const needle = Buffer.from(secret, 'utf8');
      for (const blob of blobs)
        expect(blob.includes(needle), `found "${secret.slice(0, 1)}…" in plaintext`).toBe(false);
    }
    // The search can fail: the same needles are found in the unsealed payload the uploader sends.
    const first = await store.db.get<{ id: string }>('SELECT id FROM transactions ORDER BY id LIMIT 1');
    const payload = Buffer.from(
      JSON.stringify(await transactions.payload(first?.id ?? '', 'dev-kiosk')),
      'utf8',
    );
    expect(payload.includes(Buffer.from(visits[0]?.citizen?.idNumber ?? '-', 'utf8'))).toBe(true);
    expect(payload.includes(Buffer.from(visits[0]?.citizen?.name ?? '-', 'utf8'))).toBe(true);
    expect(payload.includes(Buffer.from(progressKeys[0] ?? '-', 'utf8'))).toBe(true);
  });
});

describe('booth sync / simulate visits CLI', () => {
  it('simulate visits, sync status --json, sync drain (in-process)', async () => {
    const server = await central();
    const dir = await tempDir();
    const queued = cliIo();
    expect(
      await runCli(
        [
          'simulate',
          'visits',
          '--count',
          '12',
          '--urgent-ratio',
          '0.5',
          '--seed',
          '4',
          '--data',
          dir,
          '--json',
        ],
        queued.io,
      ),
    ).toBe(0);
    const report = JSON.parse(queued.out.join('')) as Record<string, unknown>;
    expect(report).toMatchObject({
      visits: 12,
      uploaded: false,
      completedTotal: 12,
      pending: 12,
      acknowledged: 0,
    });
    expect(report.urgent).toBeGreaterThan(0);

    const status = cliIo();
    expect(await runCli(['sync', 'status', '--json', '--data', dir], status.io)).toBe(0);
    const json = JSON.parse(status.out.join('')) as Record<string, unknown>;
    expect(json).toMatchObject({
      completedTotal: 12,
      pending: 12,
      acknowledged: 0,
      lastError: null,
      lastSuccessAt: null,
    });
    expect(json.oldestPendingAgeMs).toEqual(expect.any(Number));

    const drain = cliIo({ BOOTH_CENTRAL_URL: server.url });
    expect(await runCli(['sync', 'drain', '--data', dir, '--timeout', '60'], drain.io)).toBe(0);
    expect(drain.out.join('')).toMatch(/drained 12 pending in .* 12 acknowledged, 0 rejected/);
    expect((await server.stats()).transactions).toBe(12);

    const human = cliIo();
    expect(await runCli(['sync', 'status', '--data', dir], human.io)).toBe(0);
    expect(human.out.join('')).toMatch(/completed\s+12\npending\s+0 \(urgent 0\)[\s\S]*acknowledged\s+12/);

    const sim = cliIo({ BOOTH_CENTRAL_URL: server.url });
    expect(await runCli(['simulate', 'visits', '--count', '20', '--data', dir], sim.io)).toBe(0);
    expect(sim.out.join('')).toMatch(
      /20 visits completed .*outbox drained\nstore: 32 completed, 0 pending, 32 acknowledged/,
    );
    expect((await server.stats()).transactions).toBe(32);
  });

  it('on a production data directory: no fictional visits, no development token, no token on argv', async () => {
    const dir = await tempDir();
    const production = cliIo({ BOOTH_SIMULATE: '0' });
    expect(await runCli(['simulate', 'visits', '--count', '2', '--data', dir], production.io)).toBe(2);
    expect(production.err.join('')).toMatch(/demonstration kiosks only/);
    const noToken = cliIo({ BOOTH_SIMULATE: '0' });
    expect(
      await runCli(['sync', 'drain', '--data', dir, '--central', 'http://127.0.0.1:9'], noToken.io),
    ).toBe(2);
    expect(noToken.err.join('')).toMatch(/no kiosk token/);
    const argv = cliIo();
    expect(
      await runCli(
        ['sync', 'drain', '--data', dir, '--central', 'http://127.0.0.1:9', '--token', 'secret-on-argv'],
        argv.io,
      ),
    ).toBe(2);
    expect(argv.err.join('')).toMatch(/visible to every user/);
    expect(argv.err.join('')).not.toContain('secret-on-argv');
  });

  it('fails with a one-line reason when the central API cannot be reached in time, or is not given', async () => {
    const dir = await tempDir();
    expect(await runCli(['simulate', 'visits', '--count', '2', '--data', dir], cliIo().io)).toBe(0);
    const down = cliIo();
    expect(
      await runCli(
        ['sync', 'drain', '--data', dir, '--central', 'http://127.0.0.1:9', '--timeout', '2'],
        down.io,
      ),
    ).toBe(1);
    expect(down.err.join('')).toMatch(
      /^booth sync drain: central API not reached in time: 2 pending; last error: network/,
    );
    const none = cliIo();
    expect(await runCli(['sync', 'drain', '--data', dir], none.io)).toBe(2);
    expect(none.err.join('')).toContain('pass --central URL or set BOOTH_CENTRAL_URL');
    const bad = cliIo();
    expect(await runCli(['simulate', 'visits', '--count', 'many', '--data', dir], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/invalid count/);
    const badTimeout = cliIo();
    expect(
      await runCli(
        ['sync', 'drain', '--data', dir, '--central', 'http://127.0.0.1:9', '--timeout', '-1'],
        badTimeout.io,
      ),
    ).toBe(2);
  });

  it('runs as a real subprocess: booth sync status --json', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const { transactions } = await kiosk(dir);
    await transactions.complete(fictionalVisit(seededRandom(9), false));
    const { stdout } = await run(
      process.execPath,
      [path.join(root, 'bin/booth.mjs'), 'sync', 'status', '--json'],
      {
        cwd: root,
        env: { ...process.env, BOOTH_DATA_DIR: dir },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      dataDir: dir,
      completedTotal: 1,
      pending: 1,
      acknowledged: 0,
    });
  });
});
