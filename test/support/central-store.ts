import { inject } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CentralServerOptions } from '../../central/server.js';
import { createTestDatabase } from './postgres.js';

/**
 * Which store the central server's tests run on: the same test files run twice, once per store (vitest.config.ts,
 * project `central-postgres` sets BOOTH_TEST_CENTRAL_BACKEND=postgres and starts a throw-away cluster).
 */
export const CENTRAL_BACKEND: 'sqlite' | 'postgres' =
  process.env.BOOTH_TEST_CENTRAL_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** The store options of a central server that starts empty. */
export type CentralStoreOptions = Pick<CentralServerOptions, 'dataDir' | 'database'>;

/** An empty store for one server: sqlite in memory, or a new database in the throw-away PostgreSQL cluster. */
export async function freshCentralStore(): Promise<CentralStoreOptions> {
  if (CENTRAL_BACKEND === 'sqlite') return { dataDir: ':memory:' };
  return { dataDir: ':memory:', database: await createTestDatabase(inject('postgresUrl')) };
}

/**
 * An empty store that outlives a server, so that another server (a restart, or a second instance at the same
 * time) opens the same data: a sqlite directory on disk, or a new PostgreSQL database. `remove` deletes the directory.
 */
export async function sharedCentralStore(): Promise<{ options: CentralStoreOptions; remove: () => void }> {
  if (CENTRAL_BACKEND === 'postgres') return { options: await freshCentralStore(), remove: () => undefined };
  const dir = mkdtempSync(path.join(tmpdir(), 'central-'));
  return { options: { dataDir: dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
