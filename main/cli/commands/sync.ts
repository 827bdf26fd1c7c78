import { createCentralClient } from '../../services/central/client.js';
import { Uploader, readSyncState, type SyncState } from '../../services/sync/uploader.js';
import { TransactionService } from '../../services/transactions/transactions.js';
import { resolveDataDir } from '../../store/data-dir.js';
import { StoreError } from '../../store/errors.js';
import { openStore, type KioskStore } from '../../store/store.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../main.js';
import { z } from 'zod';

/** Development defaults, matching the reference central server's dev configuration. */
export const DEV_KIOSK_TOKEN = 'dev-kiosk-token';
/** The kiosk id used when BOOTH_KIOSK_ID is not set. */
export const DEV_KIOSK_ID = 'dev-kiosk';

/** Opens the kiosk store for a CLI command; store failures become one-line CLI errors. */
export async function openCliStore(dataOption: string | boolean | undefined, io: CliIO): Promise<KioskStore> {
  const dataDir = typeof dataOption === 'string' && dataOption !== '' ? dataOption : resolveDataDir(io.env);
  try {
    return await openStore({ dataDir });
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(`${error.kind}: ${error.message}`);
    throw error;
  }
}

/** The central connection settings from options and BOOTH_* variables. */
export function centralSettings(
  values: Record<string, string | boolean | undefined>,
  io: CliIO,
): { url: string | undefined; token: string; kioskId: string } {
  const url = typeof values.central === 'string' ? values.central : io.env.BOOTH_CENTRAL_URL;
  const token =
    typeof values.token === 'string' ? values.token : (io.env.BOOTH_CENTRAL_TOKEN ?? DEV_KIOSK_TOKEN);
  const kioskId = io.env.BOOTH_KIOSK_ID ?? DEV_KIOSK_ID;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(kioskId))
    throw new CliError(`BOOTH_KIOSK_ID '${kioskId}' is not a valid kiosk id`, 2);
  return { url: url && url.trim() !== '' ? url.trim() : undefined, token, kioskId };
}

function formatAge(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** The human form of a sync state. */
export function formatSyncState(state: SyncState): string {
  const at = (t: number | null): string => (t === null ? '—' : new Date(t).toISOString());
  return [
    `completed      ${state.completedTotal}`,
    `pending        ${state.pending} (urgent ${state.urgentPending}), oldest ${formatAge(state.oldestPendingAgeMs)}`,
    `acknowledged   ${state.acknowledged}`,
    `rejected       ${state.rejected}`,
    `last success   ${at(state.lastSuccessAt)}`,
    `last error     ${state.lastError ?? '—'}`,
    `circuit        ${state.circuit}`,
  ].join('\n');
}

const timeoutSchema = z.coerce.number().positive().max(86_400);

/**
 * Uploads everything pending to `url`; resolves to the final state or throws a CliError naming why the
 * central API could not be reached in time.
 */
export async function drainTo(
  store: KioskStore,
  settings: { url: string; token: string; kioskId: string },
  timeoutMs: number,
  signal: AbortSignal,
): Promise<SyncState> {
  const client = createCentralClient({
    baseUrl: settings.url,
    token: settings.token,
    kioskId: settings.kioskId,
    timeoutMs: Math.min(15_000, timeoutMs),
  });
  const transactions = new TransactionService(store);
  const uploader = new Uploader({
    store,
    transactions,
    client,
    kioskId: settings.kioskId,
    batchSize: 100,
    lingerMs: 0,
    resetBackoff: true,
    // An operator is waiting: retry often, but still with jitter and Retry-After.
    retry: { baseMs: 250, capMs: Math.max(1000, Math.min(10_000, timeoutMs / 4)), failureThreshold: 5 },
  });
  await uploader.start();
  try {
    return await uploader.drain(timeoutMs, signal);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  } finally {
    await uploader.stop();
  }
}

const statusCommand: CliCommand = {
  path: ['sync', 'status'],
  summary: 'Show the outbox: completed, pending, acknowledged transactions, last error and circuit state',
  usage: 'booth sync status [--data DIR] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { data: { type: 'string' }, json: { type: 'boolean' } });
    const store = await openCliStore(values.data, io);
    try {
      const state = await readSyncState(store);
      io.stdout(
        values.json
          ? `${JSON.stringify({ dataDir: store.dataDir, ...state })}\n`
          : `${formatSyncState(state)}\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};

const drainCommand: CliCommand = {
  path: ['sync', 'drain'],
  summary:
    'Upload every pending transaction to the central API, then exit (non-zero if it cannot be reached in time)',
  usage: 'booth sync drain [--data DIR] [--central URL] [--token T] [--timeout SECONDS]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      data: { type: 'string' },
      central: { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string' },
    });
    const timeout = timeoutSchema.safeParse(values.timeout ?? '60');
    if (!timeout.success) throw new CliError('--timeout must be a number of seconds (0 < s ≤ 86400)', 2);
    const settings = centralSettings(values, io);
    if (settings.url === undefined)
      throw new CliError('no central API: pass --central URL or set BOOTH_CENTRAL_URL', 2);
    const store = await openCliStore(values.data, io);
    try {
      const before = await readSyncState(store);
      if (before.pending === 0) {
        io.stdout(`nothing pending (${before.acknowledged} acknowledged, ${before.rejected} rejected)\n`);
        return 0;
      }
      const started = Date.now();
      const after = await drainTo(store, { ...settings, url: settings.url }, timeout.data * 1000, io.signal);
      io.stdout(
        `drained ${before.pending} pending in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
          `${after.acknowledged} acknowledged, ${after.rejected} rejected in total\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** `booth sync …` commands. */
export const commands: CliCommand[] = [statusCommand, drainCommand];
