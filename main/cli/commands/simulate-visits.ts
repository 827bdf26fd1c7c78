import { z } from 'zod';
import { createCentralClient } from '../../services/central/client.js';
import { Uploader, readSyncState } from '../../services/sync/uploader.js';
import { fictionalVisit, seededRandom } from '../../services/transactions/fictional.js';
import { TransactionService } from '../../services/transactions/transactions.js';
import type { CliCommand } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { centralSettings, cliDataDir, cliKioskMode, openCliStore } from './sync.js';

const optionsSchema = z.object({
  count: z.coerce.number().int().min(1).max(1_000_000),
  urgentRatio: z.coerce.number().min(0).max(1),
  timeout: z.coerce.number().positive().max(86_400),
  seed: z.coerce.number().int(),
});

const simulateVisits: CliCommand = {
  path: ['simulate', 'visits'],
  summary: 'Run N complete fictional visits through the real store, outbox and uploader, and report counts',
  usage:
    'booth simulate visits --count N [--central URL] [--token-file FILE] [--urgent-ratio R] [--timeout S] [--seed N] [--data DIR] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      count: { type: 'string' },
      central: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'urgent-ratio': { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.count === undefined) throw new CliError('--count N is required', 2);
    const parsed = optionsSchema.safeParse({
      count: values.count,
      urgentRatio: values['urgent-ratio'] ?? '0.05',
      timeout: values.timeout ?? '120',
      seed: values.seed ?? String(Date.now() % 2 ** 31),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CliError(
        `invalid ${String(issue?.path[0] ?? 'option')}: ${issue?.message ?? 'bad value'}`,
        2,
      );
    }
    const opts = parsed.data;
    const dataDir = cliDataDir(values.data, io);
    // Fictional transactions belong in demonstration data only, never in a real kiosk's outbox.
    if ((await cliKioskMode(dataDir, io)).mode !== 'demonstration') {
      throw new CliError(
        'fictional visits are for demonstration kiosks only (BOOTH_SIMULATE=1, on a data directory never provisioned)',
        2,
      );
    }
    const settings = await centralSettings(values, io, dataDir);
    const store = await openCliStore(dataDir, io);
    const transactions = new TransactionService(store);
    const uploader = settings.url
      ? new Uploader({
          store,
          transactions,
          client: createCentralClient({
            baseUrl: settings.url,
            token: settings.token,
            kioskId: settings.kioskId,
            timeoutMs: 15_000,
          }),
          kioskId: settings.kioskId,
          batchSize: 100,
          lingerMs: 200,
          resetBackoff: true,
          retry: { baseMs: 250, capMs: 5000 },
        })
      : undefined;
    try {
      const random = seededRandom(opts.seed);
      await uploader?.start();
      const started = Date.now();
      let urgent = 0;
      for (let i = 0; i < opts.count; i++) {
        if (io.signal.aborted) break;
        const isUrgent = random() < opts.urgentRatio;
        const done = await transactions.complete(fictionalVisit(random, isUrgent));
        if (done.urgent) urgent += 1;
      }
      const completedIn = (Date.now() - started) / 1000;
      let drained = false;
      if (uploader) {
        try {
          await uploader.drain(opts.timeout * 1000, io.signal);
          drained = true;
        } catch (error) {
          io.stderr(`booth simulate visits: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
      const state = await readSyncState(store);
      const report = {
        visits: opts.count,
        urgent,
        completedSeconds: Number(completedIn.toFixed(2)),
        uploaded: uploader !== undefined,
        drained,
        completedTotal: state.completedTotal,
        pending: state.pending,
        acknowledged: state.acknowledged,
        rejected: state.rejected,
      };
      if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
      else {
        io.stdout(
          `${opts.count} visits completed (${urgent} urgent) in ${report.completedSeconds} s` +
            (uploader
              ? `; ${drained ? 'outbox drained' : 'outbox NOT drained'}`
              : '; no central API given, left queued') +
            `\nstore: ${state.completedTotal} completed, ${state.pending} pending, ${state.acknowledged} acknowledged, ${state.rejected} rejected\n`,
        );
      }
      return uploader && !drained ? 1 : 0;
    } finally {
      await uploader?.stop();
      await store.close();
    }
  },
};

/** `booth simulate visits`. */
export const commands: CliCommand[] = [simulateVisits];
