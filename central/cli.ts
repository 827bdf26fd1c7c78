import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTrustedKeys, type TrustedKey } from '../contract/catalog/signing.js';
import { parseArgs } from 'node:util';
import { kioskIdSchema } from '../contract/central-api.js';
import { parseFaultSpec, type FaultConfig } from './faults.js';
import { DEFAULT_RATE_LIMITS, type CentralRateLimits, type RateLimit } from './rate-limit.js';
import type { CentralServerTls } from './server.js';

/** Development defaults used when no token is configured; printed on start so nobody mistakes them for secrets. */
export const DEV_KIOSK_ID = 'dev-kiosk';
/** The development kiosk's token. */
export const DEV_KIOSK_TOKEN = 'dev-kiosk-token';
/** The development admin token. */
export const DEV_ADMIN_TOKEN = 'dev-admin-token';

/** Environment variable naming the kiosk tokens file. */
export const ENV_KIOSK_TOKENS_FILE = 'BOOTH_CENTRAL_KIOSK_TOKENS_FILE';
/** Environment variable naming the admin token file. */
export const ENV_ADMIN_TOKEN_FILE = 'BOOTH_CENTRAL_ADMIN_TOKEN_FILE';
/** Environment variable holding the admin token itself. */
export const ENV_ADMIN_TOKEN = 'BOOTH_CENTRAL_ADMIN_TOKEN';
/** Environment variable naming the catalog signing keys the console verifies uploads against. */
export const ENV_CATALOG_KEYS = 'BOOTH_CENTRAL_CATALOG_KEYS';
/** The demonstration catalog key's folder, trusted by a server running on development tokens only. */
export const DEMO_CATALOG_KEY_DIR = fileURLToPath(new URL('../resources/demo/keys', import.meta.url));

/** Environment variable naming the PostgreSQL store (it may carry a password; the command line may not). */
export const ENV_DATABASE_URL = 'BOOTH_CENTRAL_DATABASE_URL';

/** Usage text of `npm run central` / `tsx central/main.ts`. */
export const CENTRAL_USAGE = `usage: tsx central/main.ts [options]
  --port N                   listen port (default 8787; 0 = any free port)
  --host H                   listen address (default 127.0.0.1)
  --data DIR                 data directory for central.sqlite, or :memory: (default .booth-data/central)
  --database URL             PostgreSQL instead (postgresql://USER@HOST:PORT/DB): the production store, which
                             several central instances share; a password goes in ${ENV_DATABASE_URL} or
                             PGPASSFILE, never on the command line
  --kiosk-tokens-file FILE   the kiosks' bearer tokens: lines of ID=TOKEN (# comments)
  --admin-token-file FILE    the administrator's bearer token (the file's first line)
  --faults SPEC              inject faults into kiosk endpoints, e.g. 500:0.1,429:0.1,reset:0.05
                             kinds: 500 429 503 timeout reset reset-after-commit
  --fault-seed N             PRNG seed for --faults (default 1)
  --retry-after S            Retry-After seconds on injected 429/503 (default 1)
  --tls-cert FILE            serve HTTPS with this certificate chain (PEM); needs --tls-key
  --tls-key FILE             the certificate's private key (PEM)
  --tls-client-ca FILE       require client certificates issued by this CA (mutual TLS)
  --production               citizens' receipt PDFs carry no "demonstration" marking
  --public-url URL           the address citizens' phones reach this server at (used in receipt QR codes)
  --lookup-limit B:N         per kiosk token: progress/mailbox look-ups, burst B then N a minute (default ${limitText(DEFAULT_RATE_LIMITS.kioskLookups)})
  --page-limit B:N           per client address: citizens' progress page and receipt PDF (default ${limitText(DEFAULT_RATE_LIMITS.progressPage)})
  --request-timeout S        seconds a client may take to send a whole request (default 15)
  --catalog-keys LIST        catalog signing public keys the console verifies uploaded catalogs against:
                             files or folders of *.pub, comma-separated (or ${ENV_CATALOG_KEYS}); with
                             development tokens and no list, the demonstration key
  -h, --help                 this text
Tokens never go on the command line (other users see it in ps, shells keep it in history). Instead:
  ${ENV_KIOSK_TOKENS_FILE}=FILE   same as --kiosk-tokens-file
  ${ENV_ADMIN_TOKEN_FILE}=FILE    same as --admin-token-file
  ${ENV_ADMIN_TOKEN}=TOKEN        the admin token itself (environment only)
With no kiosk tokens and no admin token, development defaults are used:
  kiosk ${DEV_KIOSK_ID} token ${DEV_KIOSK_TOKEN}, admin token ${DEV_ADMIN_TOKEN}.`;

/** Parsed command line of the central server. */
export interface CentralCliConfig {
  readonly help: boolean;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** The PostgreSQL store's URL, when one was given (else sqlite in `dataDir`). */
  readonly database: string | undefined;
  readonly kioskTokens: Record<string, string>;
  readonly adminToken: string;
  /** True when the development tokens were filled in. */
  readonly devTokens: boolean;
  readonly faults: FaultConfig | undefined;
  readonly tls: CentralServerTls | undefined;
  /** The citizens' progress page: production marking and the public address for QR codes. */
  readonly progressPage: { readonly production: boolean; readonly publicBaseUrl?: string };
  readonly rateLimits: CentralRateLimits;
  readonly requestTimeoutMs: number;
  /** The catalog signing keys the console trusts (none: uploads are refused). */
  readonly catalogKeys: readonly TrustedKey[];
  /** Where they came from, for the start-up lines. */
  readonly catalogKeysFrom: 'option' | 'demonstration' | 'none';
  /** One-line warnings to print at start (e.g. a token file other users can read). */
  readonly warnings: readonly string[];
}

/** Flags that once took a token (or a token file under an old name) on the command line. */
const REFUSED_FLAGS: Readonly<Record<string, string>> = {
  '--kiosk-token': `kiosk tokens are not accepted on the command line (visible in ps and shell history): use --kiosk-tokens-file FILE or ${ENV_KIOSK_TOKENS_FILE}`,
  '--admin-token': `the admin token is not accepted on the command line (visible in ps and shell history): use --admin-token-file FILE, ${ENV_ADMIN_TOKEN_FILE} or ${ENV_ADMIN_TOKEN}`,
  '--tokens-file': '--tokens-file is now --kiosk-tokens-file (the admin token goes in --admin-token-file)',
};

function limitText(limit: RateLimit): string {
  return `${limit.burst}:${limit.perMinute}`;
}

function parseTokenLine(line: string, where: string): [string, string] {
  const eq = line.indexOf('=');
  const id = line.slice(0, eq).trim();
  const token = line.slice(eq + 1).trim();
  if (eq <= 0 || token === '') throw new Error(`${where}: expected ID=TOKEN`);
  if (/\s/.test(token)) throw new Error(`${where}: a token cannot contain spaces`);
  return [id, token];
}

function integer(text: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name} must be an integer ${min}..${max}`);
  return value;
}

function rateLimit(text: string | undefined, name: string, fallback: RateLimit): RateLimit {
  if (text === undefined) return fallback;
  const match = /^(\d{1,7}):(\d{1,7})$/.exec(text);
  const burst = Number(match?.[1]);
  const perMinute = Number(match?.[2]);
  if (!match || burst < 1 || perMinute < 1)
    throw new Error(`--${name} must be BURST:PER_MINUTE, both at least 1 (e.g. 60:120)`);
  return { burst, perMinute };
}

/**
 * Reads a secret file: refused when other users may write it (anyone could swap the token), a warning when
 * they may read it.
 */
function readSecretFile(path: string, what: string, warnings: string[]): string {
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if ((mode & 0o022) !== 0) throw new Error(`${what} ${path} is writable by other users; chmod 600 it`);
  if ((mode & 0o004) !== 0) warnings.push(`${what} ${path} is readable by other users; chmod 600 it`);
  return text;
}

/**
 * Parses argv (without node and script) and the environment. Throws an Error with a one-line reason on bad
 * input, including a token given on the command line.
 */
export function parseCentralArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): CentralCliConfig {
  for (const arg of argv) {
    const flag = arg.split('=')[0] ?? arg;
    const refusal = REFUSED_FLAGS[flag];
    if (refusal !== undefined) throw new Error(refusal);
  }
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
      'kiosk-tokens-file': { type: 'string' },
      'admin-token-file': { type: 'string' },
      faults: { type: 'string' },
      'fault-seed': { type: 'string' },
      'retry-after': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-client-ca': { type: 'string' },
      production: { type: 'boolean' },
      'public-url': { type: 'string' },
      'lookup-limit': { type: 'string' },
      'page-limit': { type: 'string' },
      'request-timeout': { type: 'string' },
      'catalog-keys': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const warnings: string[] = [];
  const kioskTokens: Record<string, string> = {};
  const nonEmpty = (value: string | undefined): string | undefined =>
    value !== undefined && value.trim() !== '' ? value.trim() : undefined;

  const kioskFile = values['kiosk-tokens-file'] ?? nonEmpty(env[ENV_KIOSK_TOKENS_FILE]);
  if (kioskFile !== undefined) {
    const text = readSecretFile(kioskFile, 'kiosk tokens file', warnings);
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const where = `${kioskFile}:${index + 1}`;
      const [id, token] = parseTokenLine(line, where);
      if (id === 'admin')
        throw new Error(`${where}: the admin token goes in its own file (--admin-token-file)`);
      if (!kioskIdSchema.safeParse(id).success) throw new Error(`${where}: bad kiosk id "${id}"`);
      kioskTokens[id] = token;
    });
    if (Object.keys(kioskTokens).length === 0)
      throw new Error(`kiosk tokens file ${kioskFile} has no ID=TOKEN line`);
  }

  let adminToken: string | undefined;
  const adminFile = values['admin-token-file'] ?? nonEmpty(env[ENV_ADMIN_TOKEN_FILE]);
  if (adminFile !== undefined) {
    const text = readSecretFile(adminFile, 'admin token file', warnings);
    adminToken = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== '' && !line.startsWith('#'));
    if (adminToken === undefined) throw new Error(`admin token file ${adminFile} is empty`);
  } else {
    adminToken = nonEmpty(env[ENV_ADMIN_TOKEN]);
  }
  if (adminToken !== undefined && /\s/.test(adminToken))
    throw new Error('the admin token cannot contain spaces');

  const devTokens = Object.keys(kioskTokens).length === 0 && adminToken === undefined;
  if (devTokens) kioskTokens[DEV_KIOSK_ID] = DEV_KIOSK_TOKEN;
  if (adminToken === undefined) {
    if (!devTokens)
      throw new Error(
        `an admin token is required when kiosk tokens are given (--admin-token-file or ${ENV_ADMIN_TOKEN})`,
      );
    adminToken = DEV_ADMIN_TOKEN;
  }
  if (Object.values(kioskTokens).includes(adminToken))
    throw new Error('the admin token must differ from every kiosk token');

  let faults: FaultConfig | undefined;
  if (values.faults !== undefined) {
    const seed = integer(values['fault-seed'], 'fault-seed', 0, 2 ** 32 - 1, 1);
    const retryAfterSeconds = integer(values['retry-after'], 'retry-after', 0, 86_400, 1);
    faults = { ...parseFaultSpec(values.faults, seed), retryAfterSeconds };
  }
  const pem = (name: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(
        `cannot read --${name} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  let tls: CentralServerTls | undefined;
  const [certPath, keyPath, caPath] = [values['tls-cert'], values['tls-key'], values['tls-client-ca']];
  if (certPath !== undefined || keyPath !== undefined || caPath !== undefined) {
    if (certPath === undefined || keyPath === undefined)
      throw new Error('--tls-cert and --tls-key go together');
    tls = {
      cert: pem('tls-cert', certPath),
      key: pem('tls-key', keyPath),
      ...(caPath !== undefined ? { clientCa: pem('tls-client-ca', caPath) } : {}),
    };
  }
  const database = values.database ?? nonEmpty(env[ENV_DATABASE_URL]);
  if (database !== undefined) {
    let url: URL;
    try {
      url = new URL(database);
    } catch {
      throw new Error('--database must be a postgresql:// URL');
    }
    if (!/^postgres(?:ql)?:$/.test(url.protocol)) throw new Error('--database must be a postgresql:// URL');
    if (values.database !== undefined && url.password !== '')
      throw new Error(
        `a database password is not accepted on the command line (visible in ps and shell history): use ${ENV_DATABASE_URL} or PGPASSFILE`,
      );
    if (values.data !== undefined)
      throw new Error('--data and --database name two different stores: give one');
  }
  const keyList = values['catalog-keys'] ?? nonEmpty(env[ENV_CATALOG_KEYS]);
  const { catalogKeys, catalogKeysFrom } = catalogKeysOf(keyList, devTokens, warnings);
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl))
    throw new Error('--public-url must be an http(s) URL');
  return {
    help: values.help === true,
    tls,
    progressPage: {
      production: values.production === true,
      ...(publicUrl !== undefined ? { publicBaseUrl: publicUrl.replace(/\/+$/, '') } : {}),
    },
    port: integer(values.port, 'port', 0, 65_535, 8787),
    host: values.host ?? '127.0.0.1',
    dataDir: values.data ?? '.booth-data/central',
    database,
    kioskTokens,
    adminToken,
    devTokens,
    faults,
    rateLimits: {
      kioskLookups: rateLimit(values['lookup-limit'], 'lookup-limit', DEFAULT_RATE_LIMITS.kioskLookups),
      progressPage: rateLimit(values['page-limit'], 'page-limit', DEFAULT_RATE_LIMITS.progressPage),
    },
    requestTimeoutMs: integer(values['request-timeout'], 'request-timeout', 1, 3_600, 15) * 1000,
    catalogKeys,
    catalogKeysFrom,
    warnings,
  };
}

/**
 * The catalog keys of `--catalog-keys` (files, or folders whose `*.pub` files are read), each refused unless
 * owned by root or this user and not writable by others (as on kiosks); the demonstration key on development
 * tokens when no list is given.
 */
function catalogKeysOf(
  list: string | undefined,
  devTokens: boolean,
  warnings: string[],
): { catalogKeys: TrustedKey[]; catalogKeysFrom: CentralCliConfig['catalogKeysFrom'] } {
  if (list === undefined) {
    if (!devTokens) return { catalogKeys: [], catalogKeysFrom: 'none' };
    try {
      return {
        catalogKeys: loadTrustedKeys({ extraDirs: [DEMO_CATALOG_KEY_DIR] }),
        catalogKeysFrom: 'demonstration',
      };
    } catch (error) {
      warnings.push(
        `demonstration catalog key not trusted: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { catalogKeys: [], catalogKeysFrom: 'none' };
    }
  }
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const isDir = (entry: string): boolean => {
    try {
      return statSync(entry).isDirectory();
    } catch {
      // Missing or unreadable: not a folder, and the caller reports the path it could not use.
      return false;
    }
  };
  const keys = loadTrustedKeys({
    extraDirs: entries.filter(isDir).map((dir) => path.resolve(dir)),
    extraFiles: entries.filter((entry) => !isDir(entry)),
  });
  if (keys.length === 0) throw new Error(`--catalog-keys ${list}: no public key found (*.pub files)`);
  return { catalogKeys: keys, catalogKeysFrom: 'option' };
}

/** Usage text of `npm run central -- user add …`. */
export const USER_USAGE = `usage: tsx central/main.ts user add NAME --role administrator|duty-officer [options]
  --role R                   administrator (fleet, audit trail) or duty-officer (fleet)
  --password-file FILE       read the password from FILE's first line (else from standard input's first line)
  --replace                  change an existing user's password and role (ends their sessions)
  --data DIR | --database URL  the store, as for the server (default .booth-data/central)
The password never goes on the command line (other users see it in ps, shells keep it in history).`;

/** Parsed `user add` command line. */
export interface UserAddConfig {
  readonly name: string;
  readonly role: string;
  readonly passwordFile: string | undefined;
  readonly replace: boolean;
  /** The store: a PostgreSQL URL, or sqlite in this directory. */
  readonly database: string | undefined;
  readonly dataDir: string;
}

/** Parses `user add NAME --role R …` (argv after `user`); throws a one-line reason on bad input. */
export function parseUserAddArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): UserAddConfig {
  if (argv.some((arg) => /^--password(=|$)/.test(arg)))
    throw new Error(
      'a password is not accepted on the command line (visible in ps and shell history): use --password-file FILE or standard input',
    );
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      'password-file': { type: 'string' },
      replace: { type: 'boolean' },
      data: { type: 'string' },
      database: { type: 'string' },
    },
  });
  const [verb, name, ...rest] = positionals;
  if (verb !== 'add' || name === undefined || rest.length > 0)
    throw new Error(USER_USAGE.split('\n')[0] ?? '');
  if (values.role === undefined) throw new Error('--role is required (administrator or duty-officer)');
  const database = values.database ?? (env[ENV_DATABASE_URL]?.trim() || undefined);
  if (values.database !== undefined) {
    let password = '';
    try {
      password = new URL(values.database).password;
    } catch {
      throw new Error('--database must be a postgresql:// URL');
    }
    if (password !== '')
      throw new Error(
        `a database password is not accepted on the command line: use ${ENV_DATABASE_URL} or PGPASSFILE`,
      );
  }
  return {
    name,
    role: values.role,
    passwordFile: values['password-file'],
    replace: values.replace === true,
    database,
    dataDir: values.data ?? '.booth-data/central',
  };
}

/** The first line of a password file or of standard input's text, without its line ending. */
export function passwordFromText(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new Error('no password given (an empty first line)');
  return line;
}
