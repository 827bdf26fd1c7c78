/**
 * Central-side benchmarks for a fleet:
 * - upload throughput (transactions/s and per-batch p50/p99) into sqlite with one instance, and into PostgreSQL
 *   with one and with two instances, side by side in one run; the PostgreSQL cluster keeps its production
 *   durability settings (fsync, synchronous commit), as sqlite keeps synchronous=FULL;
 * - the console's fleet page with 500 kiosks sending heartbeats every 30 s: from navigation to all 500 rows drawn,
 *   and the fleet API behind it.
 *
 *   npx tsx bench/run.ts central
 *
 * Central servers run as processes of their own (bench/central-process.ts); the load generator is this process.
 * On a 2-core machine all of them, and PostgreSQL, share the same two cores: two instances cannot double the
 * throughput here, they show that a second instance on the same database costs nothing in correctness or speed.
 */
import { chromium } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONSOLE_DIR } from '../central/console.js';
import { batchItemOf, sampleHeartbeat, sampleTransaction } from '../central/fixtures.js';
import { createCentralClient, type CentralClient } from '../main/services/central/client.js';
import { CHROMIUM_EXECUTABLE, CHROMIUM_TEST_ARGS } from '../test/support/chromium.js';
import { createTestDatabase, startThrowawayPostgres } from '../test/support/postgres.js';
import { startCentralProcess, type CentralProcess } from './central-process.js';
import { median, percentile, type Benchmark, type Figure } from './harness.js';

/** In the page (this project's tsconfig has no DOM types). */
declare const document: { querySelectorAll(selector: string): { length: number } };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Kiosk ids and tokens, written to a tokens file the way an operator configures the server. */
async function tokensFile(dir: string, count: number, prefix: string): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (let i = 1; i <= count; i++)
    tokens[`${prefix}-${String(i).padStart(3, '0')}`] = `bench-token-${prefix}-${i}-${'x'.repeat(16)}`;
  await writeFile(
    path.join(dir, 'kiosk-tokens'),
    Object.entries(tokens)
      .map(([id, token]) => `${id}=${token}\n`)
      .join(''),
    { mode: 0o600 },
  );
  await writeFile(path.join(dir, 'admin-token'), `bench-admin-${'y'.repeat(24)}\n`, { mode: 0o600 });
  return tokens;
}

function tokenArgs(dir: string): string[] {
  return [
    '--kiosk-tokens-file',
    path.join(dir, 'kiosk-tokens'),
    '--admin-token-file',
    path.join(dir, 'admin-token'),
  ];
}

const UPLOAD_KIOSKS = 16;
const BATCH = 25;
const TOTAL = 6000;
const WARM_UP = 400;

interface UploadFigures {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * UPLOAD_KIOSKS kiosks upload `total` transactions at once, in batches of BATCH; with several instances each
 * kiosk sends its batches to them in turn (no sticky routing). Every batch must come back stored.
 */
async function upload(
  urls: readonly string[],
  tokens: Record<string, string>,
  total: number,
): Promise<UploadFigures> {
  const kiosks = Object.keys(tokens).slice(0, UPLOAD_KIOSKS);
  const clients: CentralClient[][] = kiosks.map((kioskId) =>
    urls.map((baseUrl) =>
      createCentralClient({ baseUrl, token: tokens[kioskId] ?? '', kioskId, timeoutMs: 30_000 }),
    ),
  );
  const batchesPerKiosk = Math.ceil(total / BATCH / kiosks.length);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    kiosks.map(async (kioskId, k) => {
      for (let b = 0; b < batchesPerKiosk; b++) {
        const items = Array.from({ length: BATCH }, () => batchItemOf(sampleTransaction(kioskId)));
        const client = clients[k]?.[(b + k) % urls.length];
        if (!client) throw new Error('no client');
        const t0 = performance.now();
        const result = await client.uploadBatch(items);
        latencies.push(performance.now() - t0);
        if (!result.ok) throw new Error(`batch refused: ${result.error.code} ${result.error.message}`);
        if (result.value.results.some((r) => r.status !== 'stored'))
          throw new Error('a batch item was not stored');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: (batchesPerKiosk * kiosks.length * BATCH) / seconds,
    p50: median(latencies),
    p99: percentile(latencies, 99),
  };
}

/** Starts `count` instances on one store, warms them up, measures, stops them. */
async function measureUpload(
  count: number,
  storeArgs: readonly string[],
  dir: string,
  tokens: Record<string, string>,
): Promise<UploadFigures> {
  const instances: CentralProcess[] = [];
  try {
    // One first, so it migrates the store alone; the second then finds it migrated.
    instances.push(await startCentralProcess(['--port', '0', ...storeArgs, ...tokenArgs(dir)]));
    for (let i = 1; i < count; i++)
      instances.push(await startCentralProcess(['--port', '0', ...storeArgs, ...tokenArgs(dir)]));
    const urls = instances.map((i) => i.url);
    await upload(urls, tokens, WARM_UP);
    return await upload(urls, tokens, TOTAL);
  } finally {
    for (const i of instances) await i.stop();
  }
}

const uploadThroughput: Benchmark = {
  name: 'central: upload throughput',
  async run(): Promise<Figure[]> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-bench-central-'));
    const cluster = await startThrowawayPostgres({ durable: true });
    try {
      const tokens = await tokensFile(dir, UPLOAD_KIOSKS, 'UP');
      const sqlite = await measureUpload(1, ['--data', path.join(dir, 'sqlite')], dir, tokens);
      const pgOne = await measureUpload(
        1,
        ['--database', await createTestDatabase(cluster.url)],
        dir,
        tokens,
      );
      const pgTwo = await measureUpload(
        2,
        ['--database', await createTestDatabase(cluster.url)],
        dir,
        tokens,
      );
      const rows: [string, UploadFigures][] = [
        ['sqlite, 1 instance', sqlite],
        ['PostgreSQL, 1 instance', pgOne],
        ['PostgreSQL, 2 instances', pgTwo],
      ];
      return [
        ...rows.flatMap(([label, f]): Figure[] => [
          { name: `${label}: transactions/s`, value: f.perSecond, unit: 'tx/s' },
          { name: `${label}: batch of ${BATCH}, p50`, value: f.p50, unit: 'ms' },
          { name: `${label}: batch of ${BATCH}, p99`, value: f.p99, unit: 'ms' },
        ]),
        {
          name: 'PostgreSQL 1 instance / sqlite, transactions/s',
          value: pgOne.perSecond / sqlite.perSecond,
          unit: 'ratio',
        },
        {
          name: 'PostgreSQL 2 instances / 1 instance, transactions/s',
          value: pgTwo.perSecond / pgOne.perSecond,
          unit: 'ratio',
        },
      ];
    } finally {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

const FLEET = 500;
const HEARTBEAT_PERIOD_MS = 30_000;
const RENDERS = 10;
const PASSWORD = 'bench console password, long enough';

/** Sends one heartbeat for each kiosk in `ids`; resolves when all are answered. */
async function heartbeats(
  url: string,
  tokens: Record<string, string>,
  ids: readonly string[],
): Promise<void> {
  await Promise.all(
    ids.map(async (kioskId, i) => {
      const client = createCentralClient({ baseUrl: url, token: tokens[kioskId] ?? '', kioskId });
      const result = await client.heartbeat(
        sampleHeartbeat({
          catalogVersion: 3,
          outbox: { depth: i % 7, oldestAgeMs: i % 7 === 0 ? null : 60_000 },
        }),
      );
      if (!result.ok) throw new Error(`heartbeat refused: ${result.error.message}`);
    }),
  );
}

const fleetPage: Benchmark = {
  name: 'central: console fleet page',
  async run(): Promise<Figure[]> {
    if (!existsSync(path.join(DEFAULT_CONSOLE_DIR, 'index.html')))
      throw new Error('the console is not built: run npm run build:console first');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'booth-bench-fleet-'));
    const cluster = await startThrowawayPostgres({ durable: true });
    let central: CentralProcess | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    const browser = await chromium.launch({
      executablePath: CHROMIUM_EXECUTABLE,
      args: [...CHROMIUM_TEST_ARGS],
    });
    try {
      const tokens = await tokensFile(dir, FLEET, 'FL');
      const database = await createTestDatabase(cluster.url);
      await writeFile(path.join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 });
      const user = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'central/main.ts',
          'user',
          'add',
          'bench',
          '--role',
          'administrator',
          '--database',
          database,
          '--password-file',
          path.join(dir, 'password'),
        ],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
      if (user.status !== 0) throw new Error(`user add failed: ${user.stderr}`);
      central = await startCentralProcess(['--port', '0', '--database', database, ...tokenArgs(dir)]);
      const url = central.url;
      const ids = Object.keys(tokens);
      await heartbeats(url, tokens, ids);
      // From here on, the fleet's steady load: 500 kiosks every 30 s, spread evenly (one every 60 ms).
      let next = 0;
      let sent = 0;
      timer = setInterval(
        () => {
          const id = ids[next];
          next = (next + 1) % ids.length;
          if (id) void heartbeats(url, tokens, [id]).then(() => (sent += 1));
        },
        Math.round(HEARTBEAT_PERIOD_MS / FLEET),
      );

      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const page = await context.newPage();
      await page.goto(`${url}/console/`);
      await page.getByLabel('用户名 User name').fill('bench');
      await page.getByLabel('密码 Password').fill(PASSWORD);
      await page.getByRole('button', { name: '登录 Sign in' }).click();
      const allRows = async (): Promise<void> => {
        await page.waitForFunction((n) => document.querySelectorAll('table tbody tr').length >= n, FLEET, {
          timeout: 60_000,
        });
      };
      await allRows();

      const renders: number[] = [];
      for (let i = 0; i < RENDERS; i++) {
        const t0 = performance.now();
        await page.goto(`${url}/console/`);
        await allRows();
        renders.push(performance.now() - t0);
      }
      // The fleet API alone, with the page's own session cookie.
      const api: number[] = [];
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      for (let i = 0; i < RENDERS; i++) {
        const t0 = performance.now();
        const res = await fetch(`${url}/console/api/fleet`, { headers: { cookie } });
        const body = (await res.json()) as { kiosks?: unknown[] };
        api.push(performance.now() - t0);
        if (res.status !== 200 || body.kiosks?.length !== FLEET)
          throw new Error(`fleet API answered ${res.status} with ${body.kiosks?.length ?? 0} kiosks`);
      }
      await context.close();
      return [
        { name: `navigation → ${FLEET} kiosk rows drawn, p50`, value: median(renders), unit: 'ms' },
        {
          name: `navigation → ${FLEET} kiosk rows drawn, max of ${RENDERS}`,
          value: Math.max(...renders),
          unit: 'ms',
        },
        { name: `fleet API (${FLEET} kiosks), p50`, value: median(api), unit: 'ms' },
        { name: `fleet API (${FLEET} kiosks), max of ${RENDERS}`, value: Math.max(...api), unit: 'ms' },
        { name: 'heartbeats answered during the measurement', value: sent, unit: 'heartbeats' },
      ];
    } finally {
      if (timer) clearInterval(timer);
      await browser.close();
      await central?.stop();
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export const benchmarks: Benchmark[] = [uploadThroughput, fleetPage];
