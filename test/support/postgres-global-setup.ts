import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throw-away cluster's superuser URL (the central-postgres test project). */
    postgresUrl: string;
  }
}

/**
 * Global set-up of the `central-postgres` test project: one throw-away PostgreSQL cluster for the run, stopped
 * and deleted afterwards. Each central server under test gets its own database in it (test/support/central-store.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startThrowawayPostgres();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
