import { createCentralClient } from '../../services/central/client.js';
import { Uploader, readSyncState, type SyncState } from '../../services/sync/uploader.js';
import { TransactionService } from '../../services/transactions/transactions.js';
import { resolveDataDir } from '../../store/data-dir.js';
import { StoreError } from '../../store/errors.js';
import { openStore, type KioskStore } from '../../store/store.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEV_KIOSK_TOKEN } from '../../core/kiosk-core.js';
import { DEV_KIOSK_ID } from '../../core/kiosk-identity.js';
import { resolveKioskMode, type KioskMode } from '../../core/mode.js';
import { ProvisioningError, readProvisioning, type Provisioning } from '../../core/provisioning.js';

/**
 * Opens the kiosk store for a CLI command; store failures become one-line CLI errors. `readOnly` is for commands
 * that only look (`booth sync status`): they then work on a read-only or full disk and change nothing.
 */
export async function openCliStore(
  dataOption: string | boolean | undefined,
  io: CliIO,
  options: { readonly readOnly?: boolean } = {},
): Promise<KioskStore> {
  const dataDir = typeof dataOption === 'string' && dataOption !== '' ? dataOption : resolveDataDir(io.env);
  // The store's warnings (e.g. permissions it had to fix) as one human line each on stderr.
  const log = {
    warn: (event: string, fields: Record<string, string | number | boolean | null> = {}): void =>
      io.stderr(
        `warning: ${event} ${Object.entries(fields)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ')}\n`,
      ),
  };
  try {
    return await openStore({ dataDir, log, readOnly: options.readOnly === true });
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(`${error.kind}: ${error.message}`);
    throw error;
  }
}

/** The data directory a kiosk-side command works on: `--data DIR`, else BOOTH_DATA_DIR or the default. */
export function cliDataDir(dataOption: string | boolean | undefined, io: CliIO): string {
  return typeof dataOption === 'string' && dataOption !== '' ? dataOption : resolveDataDir(io.env);
}

/** The kiosk's mode for a CLI command on its data directory (a provisioned one is always production). */
export async function cliKioskMode(
  dataDir: string,
  io: CliIO,
): Promise<{ mode: KioskMode; provisioning: Provisioning | null }> {
  let provisioning: Provisioning | null;
  try {
    provisioning = await readProvisioning(dataDir);
  } catch (error) {
    if (error instanceof ProvisioningError) throw new CliError(error.message);
    throw error;
  }
  return { mode: resolveKioskMode({ env: io.env, provisioned: provisioning !== null }).mode, provisioning };
}

/**
 * The central connection settings, as the kiosk on this data directory would use them: `--central URL`,
 * BOOTH_CENTRAL_URL or the enrolment's URL; the token from `--token-file`, BOOTH_CENTRAL_TOKEN or the enrolment
 * — never from the command line — and the development token on demonstration data directories only.
 */
export async function centralSettings(
  values: Record<string, string | boolean | undefined>,
  io: CliIO,
  dataDir: string,
): Promise<{ url: string | undefined; token: string; kioskId: string }> {
  if (typeof values.token === 'string') {
    throw new CliError(
      'a token on the command line is visible to every user (ps, shell history): use --token-file FILE or BOOTH_CENTRAL_TOKEN',
      2,
    );
  }
  const { mode, provisioning } = await cliKioskMode(dataDir, io);
  const url =
    typeof values.central === 'string'
      ? values.central
      : (io.env.BOOTH_CENTRAL_URL ?? provisioning?.centralUrl);
  let token: string | undefined;
  if (typeof values['token-file'] === 'string') {
    try {
      token = (await readFile(values['token-file'], 'utf8')).split('\n')[0]?.trim();
    } catch (error) {
      throw new CliError(`cannot read the token file: ${(error as Error).message}`);
    }
  }
  token ||=
    io.env.BOOTH_CENTRAL_TOKEN ??
    provisioning?.token ??
    (mode === 'demonstration' ? DEV_KIOSK_TOKEN : undefined);
  const kioskId = provisioning?.kioskId ?? io.env.BOOTH_KIOSK_ID ?? DEV_KIOSK_ID;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(kioskId))
    throw new CliError(`BOOTH_KIOSK_ID '${kioskId}' is not a valid kiosk id`, 2);
  const trimmed = url && url.trim() !== '' ? url.trim() : undefined;
  if (trimmed && !token) {
    throw new CliError(
      'no kiosk token: enrol the kiosk with booth provision, or use --token-file FILE or BOOTH_CENTRAL_TOKEN',
      2,
    );
  }
  return { url: trimmed, token: token ?? '', kioskId };
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
    `rejected       ${state.rejected}${state.conflicts > 0 ? ` (${state.conflicts} conflicting with what the central system holds: compare them)` : ''}`,
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
    // Read-only: a technician must be able to see the queue on a kiosk whose disk is full or read-only.
    const store = await openCliStore(values.data, io, { readOnly: true });
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
  usage: 'booth sync drain [--data DIR] [--central URL] [--token-file FILE] [--timeout SECONDS]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      data: { type: 'string' },
      central: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      timeout: { type: 'string' },
    });
    const timeout = timeoutSchema.safeParse(values.timeout ?? '60');
    if (!timeout.success) throw new CliError('--timeout must be a number of seconds (0 < s ≤ 86400)', 2);
    const settings = await centralSettings(values, io, cliDataDir(values.data, io));
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
