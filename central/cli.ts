import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { kioskIdSchema } from './contract.js';
import { parseFaultSpec, type FaultConfig } from './faults.js';
import type { CentralServerTls } from './server.js';

/** Development defaults used when no token is configured; printed on start so nobody mistakes them for secrets. */
export const DEV_KIOSK_ID = 'dev-kiosk';
/** The development kiosk's token. */
export const DEV_KIOSK_TOKEN = 'dev-kiosk-token';
/** The development admin token. */
export const DEV_ADMIN_TOKEN = 'dev-admin-token';

/** Usage text of `npm run central` / `tsx central/main.ts`. */
export const CENTRAL_USAGE = `usage: tsx central/main.ts [options]
  --port N                 listen port (default 8787; 0 = any free port)
  --host H                 listen address (default 127.0.0.1)
  --data DIR               data directory for central.sqlite, or :memory: (default .booth-data/central)
  --kiosk-token ID=TOKEN   a kiosk and its bearer token (repeatable)
  --tokens-file FILE       lines of ID=TOKEN (# comments), and optionally admin=TOKEN
  --admin-token T          the administrator's bearer token
  --faults SPEC            inject faults into kiosk endpoints, e.g. 500:0.1,429:0.1,reset:0.05
                           kinds: 500 429 503 timeout reset reset-after-commit
  --fault-seed N           PRNG seed for --faults (default 1)
  --retry-after S          Retry-After seconds on injected 429/503 (default 1)
  --tls-cert FILE          serve HTTPS with this certificate chain (PEM); needs --tls-key
  --tls-key FILE           the certificate's private key (PEM)
  --tls-client-ca FILE     require client certificates issued by this CA (mutual TLS)
  --production             citizens' receipt PDFs carry no "demonstration" marking
  --public-url URL         the address citizens' phones reach this server at (used in receipt QR codes)
  -h, --help               this text
With no --kiosk-token, --tokens-file or --admin-token, development defaults are used:
  kiosk ${DEV_KIOSK_ID} token ${DEV_KIOSK_TOKEN}, admin token ${DEV_ADMIN_TOKEN}.`;

/** Parsed command line of the central server. */
export interface CentralCliConfig {
  readonly help: boolean;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly kioskTokens: Record<string, string>;
  readonly adminToken: string;
  /** True when the development tokens were filled in. */
  readonly devTokens: boolean;
  readonly faults: FaultConfig | undefined;
  readonly tls: CentralServerTls | undefined;
  /** The citizens' progress page: production marking and the public address for QR codes. */
  readonly progressPage: { readonly production: boolean; readonly publicBaseUrl?: string };
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

/** Parses argv (without node and script). Throws an Error with a one-line reason on bad input. */
export function parseCentralArgs(argv: readonly string[]): CentralCliConfig {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'kiosk-token': { type: 'string', multiple: true },
      'tokens-file': { type: 'string' },
      'admin-token': { type: 'string' },
      faults: { type: 'string' },
      'fault-seed': { type: 'string' },
      'retry-after': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-client-ca': { type: 'string' },
      production: { type: 'boolean' },
      'public-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const kioskTokens: Record<string, string> = {};
  let adminToken = values['admin-token'];
  const addKiosk = ([id, token]: [string, string], where: string): void => {
    if (!kioskIdSchema.safeParse(id).success) throw new Error(`${where}: bad kiosk id "${id}"`);
    kioskTokens[id] = token;
  };
  if (values['tokens-file'] !== undefined) {
    const file = values['tokens-file'];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(
        `cannot read tokens file ${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const entry = parseTokenLine(line, `${file}:${index + 1}`);
      if (entry[0] === 'admin') adminToken ??= entry[1];
      else addKiosk(entry, `${file}:${index + 1}`);
    });
  }
  for (const item of values['kiosk-token'] ?? [])
    addKiosk(parseTokenLine(item, '--kiosk-token'), '--kiosk-token');

  const devTokens = Object.keys(kioskTokens).length === 0 && adminToken === undefined;
  if (devTokens) kioskTokens[DEV_KIOSK_ID] = DEV_KIOSK_TOKEN;
  if (adminToken === undefined) {
    if (!devTokens) throw new Error('--admin-token is required when kiosk tokens are given');
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
    kioskTokens,
    adminToken,
    devTokens,
    faults,
  };
}
