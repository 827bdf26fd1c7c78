import { TransactionService } from '../../services/transactions/transactions.js';
import { minFreeBytesFromEnv, openStore, type KioskStore } from '../../store/index.js';
import type { Logger, RotatingFileOptions } from '../log.js';
import { createFileLogger, createLogger, teeLogger } from '../log.js';
import type { KioskMode } from '../mode.js';
import type { Provisioning } from '../provisioning.js';
import { kioskIdentity, type KioskSettingsOptions } from './settings.js';

/** What most parts of the core need: who and where the kiosk is, its store and its log. */
export interface KioskBase {
  readonly env: NodeJS.ProcessEnv;
  readonly mode: KioskMode;
  readonly dataDir: string;
  readonly kioskId: string;
  readonly kioskGroups: readonly string[];
  readonly store: KioskStore;
  readonly transactions: TransactionService;
  readonly log: Logger;
}

/** The options {@link openKioskBase} reads (a subset of KioskCoreOptions). */
export interface KioskBaseOptions extends KioskSettingsOptions {
  readonly mode: KioskMode;
  readonly dataKey?: Uint8Array;
  readonly log?: Logger;
  readonly fileLog?: false | Omit<RotatingFileOptions, 'file'>;
}

/**
 * The first seam of the start: the log (the host's, teed into `<data dir>/logs/booth.log` unless `fileLog` is
 * false), the kiosk's identity and the store. Opening the store also makes the data directory owner-only (0700,
 * files 0600) and refuses to start when the key of sealed rows is missing; BOOTH_MIN_FREE_MB sets the free space
 * a visit needs to start.
 */
export async function openKioskBase(
  options: KioskBaseOptions,
  env: NodeJS.ProcessEnv,
): Promise<{
  readonly base: KioskBase;
  readonly fileLog: ReturnType<typeof createFileLogger> | null;
  readonly provisioning: Provisioning | null;
}> {
  const fileLog = options.fileLog === false ? null : createFileLogger(options.dataDir, options.fileLog);
  const hostLog = options.log ?? createLogger();
  const log = fileLog ? teeLogger(hostLog, fileLog.log) : hostLog;
  const { mode, dataDir, dataKey } = options;
  const { provisioning, kioskId, kioskGroups } = await kioskIdentity(options, mode, env);
  const store = await openStore({
    dataDir,
    log,
    minFreeBytes: minFreeBytesFromEnv(env),
    ...(dataKey ? { keyProvider: { getDataKey: async () => dataKey } } : {}),
  });
  const transactions = new TransactionService(store);
  return {
    base: { env, mode, dataDir, kioskId, kioskGroups, store, transactions, log },
    fileLog,
    provisioning,
  };
}
