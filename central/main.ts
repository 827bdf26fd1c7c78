/**
 * CLI entry of the reference central server: `npx tsx central/main.ts --help`. Prints its URL on stdout and
 * closes cleanly on Ctrl-C (SIGINT) or SIGTERM. Tokens come from files or the environment, never from argv.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CENTRAL_USAGE,
  DEV_ADMIN_TOKEN,
  DEV_KIOSK_ID,
  DEV_KIOSK_TOKEN,
  parseCentralArgs,
  parseUserAddArgs,
  passwordFromText,
  USER_USAGE,
  type CentralCliConfig,
} from './cli.js';
import { addConsoleUser, consoleRoleSchema } from './console-auth.js';
import { openCentralDb } from './db.js';
import { describePostgresUrl } from './db-postgres.js';
import { startCentralServer } from './server.js';

/** Reads standard input to its end (the password of `user add`, piped or typed and ended with Ctrl-D). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (then Enter and Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `user add NAME --role R`: creates a console user (central/console-auth.ts) in the store. */
async function userCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USER_USAGE);
    return 0;
  }
  const config = parseUserAddArgs(argv);
  const role = consoleRoleSchema.safeParse(config.role);
  if (!role.success) throw new Error('--role must be administrator or duty-officer');
  const password = passwordFromText(
    config.passwordFile !== undefined ? readFileSync(config.passwordFile, 'utf8') : await readStdin(),
  );
  let target = config.database;
  if (target === undefined) {
    mkdirSync(config.dataDir, { recursive: true });
    target = join(config.dataDir, 'central.sqlite');
  }
  const db = await openCentralDb(target);
  try {
    const created = await addConsoleUser(db, {
      name: config.name,
      role: role.data,
      password,
      replace: config.replace,
    });
    console.log(`central: console user ${config.name} (${role.data}) ${created ? 'created' : 'updated'}`);
  } finally {
    await db.close();
  }
  return 0;
}

async function main(): Promise<number> {
  if (process.argv[2] === 'user') return userCommand(process.argv.slice(3));
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
    catalogTrustedKeys: config.catalogKeys,
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
  lines.push(
    config.catalogKeysFrom === 'none'
      ? 'central: no catalog keys (--catalog-keys): the console refuses catalog uploads'
      : `central: console verifies catalogs against ${config.catalogKeysFrom === 'demonstration' ? 'the DEMONSTRATION key ' : ''}${config.catalogKeys.map((key) => key.keyId).join(', ')}`,
  );
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
