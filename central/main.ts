/**
 * CLI entry of the reference central server: `npx tsx central/main.ts --help`. Prints its URL on stdout and
 * closes cleanly on Ctrl-C (SIGINT) or SIGTERM. Tokens come from files or the environment, never from argv.
 */
import {
  CENTRAL_USAGE,
  DEV_ADMIN_TOKEN,
  DEV_KIOSK_ID,
  DEV_KIOSK_TOKEN,
  parseCentralArgs,
  type CentralCliConfig,
} from './cli.js';
import { describePostgresUrl } from './db-postgres.js';
import { startCentralServer } from './server.js';

async function main(): Promise<number> {
  let config: CentralCliConfig;
  try {
    config = parseCentralArgs(process.argv.slice(2));
  } catch (error) {
    console.error(
      `central: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`,
    );
    return 2;
  }
  if (config.help) {
    console.log(CENTRAL_USAGE);
    return 0;
  }
  const server = await startCentralServer({
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    ...(config.database !== undefined ? { database: config.database } : {}),
    kioskTokens: config.kioskTokens,
    adminToken: config.adminToken,
    ...(config.faults !== undefined ? { faults: config.faults } : {}),
    ...(config.tls !== undefined ? { tls: config.tls } : {}),
    progressPage: config.progressPage,
    rateLimits: config.rateLimits,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  // One write, so that a reader waiting for the URL line already has everything above it.
  const lines = [
    ...config.warnings.map((warning) => `central: warning: ${warning}`),
    config.database !== undefined
      ? `central: data in PostgreSQL ${describePostgresUrl(config.database)}`
      : `central: data in ${config.dataDir === ':memory:' ? 'memory (lost on exit)' : config.dataDir}`,
  ];
  if (config.devTokens) {
    lines.push(
      `central: DEVELOPMENT tokens: kiosk ${DEV_KIOSK_ID} token ${DEV_KIOSK_TOKEN}, admin token ${DEV_ADMIN_TOKEN}`,
    );
  } else {
    lines.push(`central: ${Object.keys(config.kioskTokens).length} kiosk token(s) configured`);
  }
  if (config.faults !== undefined) {
    const rates = Object.entries(config.faults.rates)
      .map(([kind, rate]) => `${kind}:${rate}`)
      .join(',');
    lines.push(`central: injecting faults ${rates}`);
  }
  if (config.tls?.clientCa !== undefined)
    lines.push('central: HTTPS with mutual TLS (client certificates required)');
  lines.push(`central: listening on ${server.url}`);
  console.log(lines.join('\n'));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  console.log('central: closed');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`central: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
