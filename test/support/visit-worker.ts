/**
 * A kiosk core in a child process for the crash test: completes fictional visits through the real store,
 * outbox and uploader, printing `DONE <id>` for each transaction only AFTER its COMMIT returned, then drains
 * the outbox and prints `DRAINED`. The test kills it with SIGKILL at random points and restarts it; each
 * run resumes from what the store holds.
 *
 *   node --import tsx test/support/visit-worker.ts --data DIR --central URL --target N [--seed S]
 *     [--token T --kiosk ID] [--pause-ms MS]
 *
 * `--pause-ms` waits between visits, as citizens take time: the run then lasts long enough for the test to kill
 * things around it while batches are on their way.
 */
import { parseArgs } from 'node:util';
import { createCentralClient } from '../../main/services/central/client.js';
import { Uploader } from '../../main/services/sync/uploader.js';
import { fictionalVisit, seededRandom } from '../../main/services/transactions/fictional.js';
import { TransactionService } from '../../main/services/transactions/transactions.js';
import { openStore } from '../../main/store/store.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    central: { type: 'string' },
    target: { type: 'string' },
    seed: { type: 'string' },
    token: { type: 'string' },
    kiosk: { type: 'string' },
    'pause-ms': { type: 'string' },
  },
});
if (!values.data || !values.central || !values.target) {
  process.stderr.write('usage: visit-worker --data DIR --central URL --target N [--seed S]\n');
  process.exit(2);
}
const target = Number(values.target);
const kioskId = values.kiosk ?? 'dev-kiosk';
const pauseMs = Number(values['pause-ms'] ?? '0');

// stdout to a pipe is synchronous on Linux, so a line written here is in the parent's pipe before the
// next statement runs: a SIGKILL right after cannot lose it.
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const store = await openStore({ dataDir: values.data });
const transactions = new TransactionService(store);
const uploader = new Uploader({
  store,
  transactions,
  client: createCentralClient({
    baseUrl: values.central,
    token: values.token ?? 'dev-kiosk-token',
    kioskId,
    timeoutMs: 5000,
  }),
  kioskId,
  batchSize: 50,
  lingerMs: 20,
  retry: { baseMs: 50, capMs: 1000, failureThreshold: 5 },
});
await uploader.start();
const random = seededRandom(Number(values.seed ?? '1') + process.pid);
const already = await transactions.count();
say(`START ${already}`);
for (let i = already; i < target; i++) {
  const done = await transactions.complete(fictionalVisit(random, random() < 0.05));
  say(`DONE ${done.id}`);
  if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
say('COMPLETED_ALL');
await uploader.drain(60_000);
await uploader.stop();
await store.close();
say('DRAINED');
