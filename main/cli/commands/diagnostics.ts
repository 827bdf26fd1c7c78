import { stat } from 'node:fs/promises';
import path from 'node:path';
import { diagnosticsFileName, writeDiagnosticsBundle } from '../../core/diagnostics.js';
import type { CliCommand } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { defaultDeviceListers, listDevices } from './devices.js';
import { dataDirHealth } from './health.js';
import { cliDataDir, openCliStore } from './sync.js';

const exportCommand: CliCommand = {
  path: ['diagnostics', 'export'],
  summary:
    'Write one .tar.gz with logs, health, devices, configuration without secrets and catalog status — no personal data',
  usage: 'booth diagnostics export [--data DIR] --out PATH (a file, or a folder to write a named bundle in)',
  async run(args, io) {
    const { values } = parseOptions(args, { data: { type: 'string' }, out: { type: 'string' } });
    if (typeof values.out !== 'string' || values.out === '') throw new CliError('--out PATH is required', 2);
    const dataDir = cliDataDir(values.data, io);
    const health = await dataDirHealth(dataDir, io);
    // `--out` that does not exist yet is a file path to create.
    const isFolder = await stat(values.out).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const out = isFolder
      ? path.join(values.out, diagnosticsFileName(health.kioskId, Date.now()))
      : path.resolve(values.out);
    const store = await openCliStore(dataDir, io, { readOnly: true });
    try {
      const result = await writeDiagnosticsBundle(
        {
          dataDir,
          env: io.env,
          health,
          attached: await listDevices(defaultDeviceListers).catch((error: unknown) => ({
            devices: [],
            warnings: [
              `devices could not be listed: ${error instanceof Error ? error.message : String(error)}`,
            ],
            listed: [],
          })),
          deviceConfig: store.deviceConfig,
          audit: () => store.audit.recent(500),
        },
        out,
      );
      io.stdout(`wrote ${result.file} (${result.bytes} bytes: ${result.members.join(', ')})\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** The `booth diagnostics` command group. */
export const commands: CliCommand[] = [exportCommand];
