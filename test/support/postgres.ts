/**
 * A throw-away PostgreSQL cluster for the tests: the system's server binaries (Debian's `postgresql` package,
 * which `npm test` installs when missing), a fresh data directory in /tmp, trust authentication on 127.0.0.1 and
 * a private socket directory, durability switched off (the cluster is deleted afterwards). As root the server runs
 * as the `postgres` user, since PostgreSQL refuses to run as root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A running cluster: its superuser URL (database `postgres`) and how to stop and delete it. */
export interface ThrowawayPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/** The directory holding initdb and postgres: BOOTH_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOOTH_PG_BIN) return env.BOOTH_PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined)
    throw new Error(
      'PostgreSQL server binaries not found (no /usr/lib/postgresql/N/bin/initdb): install the postgresql package (npm test does it), or set BOOTH_PG_BIN',
    );
  return path.join(base, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * As root, the uid and gid the server binaries run as (PostgreSQL refuses root): the `postgres` user's. Set on
 * the child directly (not through runuser/su, which would stand between the server and its signals).
 */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string): number => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    const value = Number(r.stdout.trim());
    if (r.status !== 0 || !Number.isInteger(value))
      throw new Error('running as root needs the postgres user (created by the postgresql package)');
    return value;
  };
  return { uid: id('-u'), gid: id('-g') };
}

/** Options of {@link startThrowawayPostgres}. */
export interface ThrowawayPostgresOptions {
  /**
   * Keep PostgreSQL's durability settings (fsync, synchronous commit, full-page writes) as in production: for
   * benchmarks that compare it with sqlite's synchronous=FULL. Tests leave them off, for speed.
   */
  readonly durable?: boolean;
}

/** Starts a cluster and waits (up to 60 s) until it accepts connections. */
export async function startThrowawayPostgres(
  options: ThrowawayPostgresOptions = {},
): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-pg-'));
  const dataDir = path.join(dir, 'data');
  const user = serverUser();
  if (user) {
    chmodSync(dir, 0o755);
    chownSync(dir, user.uid, user.gid);
  }
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const r = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'booth', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C.UTF-8'],
    { encoding: 'utf8', cwd: dir, ...as },
  );
  if (r.status !== 0) throw new Error(`initdb failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  const port = await freePort();
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    ...(options.durable === true
      ? []
      : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    '-c',
    'max_connections=200',
  ];
  const server: ChildProcess = spawn(path.join(bin, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...as,
  });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgresql://booth@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) {
        server.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(
          `the throw-away PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n${log}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    async stop() {
      // SIGINT: PostgreSQL's fast shutdown (clients disconnected, no waiting for them).
      server.kill('SIGINT');
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
      clearTimeout(timer);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** Creates an empty database in the cluster at `adminUrl` and returns its URL. */
export async function createTestDatabase(adminUrl: string): Promise<string> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${(counter += 1)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
