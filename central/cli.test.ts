import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEV_ADMIN_TOKEN,
  DEV_KIOSK_ID,
  DEV_KIOSK_TOKEN,
  ENV_ADMIN_TOKEN,
  ENV_ADMIN_TOKEN_FILE,
  ENV_CATALOG_KEYS,
  ENV_DATABASE_URL,
  ENV_KIOSK_TOKENS_FILE,
  parseCentralArgs,
  parseUserAddArgs,
  passwordFromText,
} from './cli.js';
import { generateCatalogKeyPair } from '../contract/catalog/signing.js';
import { DEFAULT_RATE_LIMITS } from './rate-limit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A secret file with the given mode (0600 by default) in a fresh directory. */
function secretFile(text: string, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'central-cli-'));
  dirs.push(dir);
  const file = join(dir, 'secret');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

describe('parseCentralArgs', () => {
  it('trusts the catalog keys given (files or folders), the demonstration key only on development tokens', () => {
    const pub = generateCatalogKeyPair();
    const key = secretFile(pub.publicKeyPem, 0o644);
    const folder = join(key, '..');
    const tokens = secretFile('SZ-1=kiosk-token\n');
    const admin = secretFile('admin-token\n');
    const production = ['--kiosk-tokens-file', tokens, '--admin-token-file', admin];
    expect(parseCentralArgs(production, {})).toMatchObject({ catalogKeys: [], catalogKeysFrom: 'none' });
    const given = parseCentralArgs([...production, '--catalog-keys', key], {});
    expect(given.catalogKeys.map((k) => k.keyId)).toEqual([pub.keyId]);
    expect(given.catalogKeysFrom).toBe('option');
    // A folder: every *.pub file in it (the key file above is named "secret", so the folder has none).
    writeFileSync(join(folder, 'bureau.pub'), pub.publicKeyPem);
    chmodSync(join(folder, 'bureau.pub'), 0o644);
    expect(
      parseCentralArgs(production, { [ENV_CATALOG_KEYS]: folder }).catalogKeys.map((k) => k.keyId),
    ).toEqual([pub.keyId]);
    const dev = parseCentralArgs([], {});
    expect(dev.catalogKeysFrom).toBe('demonstration');
    expect(dev.catalogKeys.map((k) => k.keyId)).toEqual(['24e68f4b91fe9f5e']);
    // Anyone who can replace a trusted key can sign catalogs: a key file others may write is refused.
    chmodSync(key, 0o666);
    expect(() => parseCentralArgs([...production, '--catalog-keys', key], {})).toThrow(/writable by others/);
  });

  it('falls back to documented development tokens when none are given', () => {
    const config = parseCentralArgs([], {});
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      devTokens: true,
      kioskTokens: { [DEV_KIOSK_ID]: DEV_KIOSK_TOKEN },
      adminToken: DEV_ADMIN_TOKEN,
      faults: undefined,
      rateLimits: DEFAULT_RATE_LIMITS,
      requestTimeoutMs: 15_000,
      warnings: [],
    });
  });

  it('reads kiosk tokens and the admin token from files, with faults, limits and a timeout', () => {
    const kiosks = secretFile('# kiosks\nSZ-1 = aaa\n\nSZ-2=b=b\n');
    const admin = secretFile('# admin\nroot\n');
    const config = parseCentralArgs(
      [
        '--port',
        '0',
        '--data',
        ':memory:',
        '--kiosk-tokens-file',
        kiosks,
        '--admin-token-file',
        admin,
        '--faults',
        '500:0.1,reset-after-commit:0.2',
        '--fault-seed',
        '7',
        '--retry-after',
        '3',
        '--lookup-limit',
        '10:30',
        '--page-limit',
        '5:20',
        '--request-timeout',
        '4',
      ],
      {},
    );
    expect(config).toMatchObject({
      port: 0,
      dataDir: ':memory:',
      devTokens: false,
      kioskTokens: { 'SZ-1': 'aaa', 'SZ-2': 'b=b' },
      adminToken: 'root',
      faults: { rates: { '500': 0.1, 'reset-after-commit': 0.2 }, seed: 7, retryAfterSeconds: 3 },
      rateLimits: { kioskLookups: { burst: 10, perMinute: 30 }, progressPage: { burst: 5, perMinute: 20 } },
      requestTimeoutMs: 4_000,
      warnings: [],
    });
  });

  it('takes the files and the admin token from the environment', () => {
    const kiosks = secretFile('SZ-FT-0012=t1\n');
    const admin = secretFile('boss\n');
    expect(
      parseCentralArgs([], { [ENV_KIOSK_TOKENS_FILE]: kiosks, [ENV_ADMIN_TOKEN_FILE]: admin }),
    ).toMatchObject({ kioskTokens: { 'SZ-FT-0012': 't1' }, adminToken: 'boss', devTokens: false });
    expect(
      parseCentralArgs([], { [ENV_KIOSK_TOKENS_FILE]: kiosks, [ENV_ADMIN_TOKEN]: 'env-boss' }),
    ).toMatchObject({ kioskTokens: { 'SZ-FT-0012': 't1' }, adminToken: 'env-boss' });
    // A flag wins over the environment.
    const other = secretFile('from-flag\n');
    expect(
      parseCentralArgs(['--admin-token-file', other], {
        [ENV_KIOSK_TOKENS_FILE]: kiosks,
        [ENV_ADMIN_TOKEN]: 'x',
      }).adminToken,
    ).toBe('from-flag');
  });

  it('refuses a token on the command line with a one-line reason naming the alternative', () => {
    const cases: [string[], RegExp][] = [
      [['--kiosk-token', 'SZ-1=secret'], /not accepted on the command line.*--kiosk-tokens-file/],
      [['--kiosk-token=SZ-1=secret'], /not accepted on the command line/],
      [['--admin-token', 'secret'], /not accepted on the command line.*--admin-token-file/],
      [['--port', '0', '--admin-token=secret'], /not accepted on the command line/],
      [['--tokens-file', 'f'], /now --kiosk-tokens-file/],
    ];
    for (const [argv, pattern] of cases) {
      let message = '';
      try {
        parseCentralArgs(argv, {});
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message, argv.join(' ')).toMatch(pattern);
      expect(message).not.toContain('secret');
      expect(message.split('\n')).toHaveLength(1);
    }
  });

  it('refuses token files other users can write and warns about ones they can read', () => {
    const writable = secretFile('SZ-1=t\n', 0o666);
    expect(() => parseCentralArgs(['--kiosk-tokens-file', writable], {})).toThrow(/writable by other users/);
    const readable = secretFile('SZ-1=t\n', 0o644);
    const admin = secretFile('a\n');
    expect(
      parseCentralArgs(['--kiosk-tokens-file', readable, '--admin-token-file', admin], {}).warnings,
    ).toEqual([`kiosk tokens file ${readable} is readable by other users; chmod 600 it`]);
  });

  it('refuses bad input with a one-line reason', () => {
    const kiosks = secretFile('SZ-1=same\n');
    const same = secretFile('same\n');
    const admin = secretFile('a\n');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--port', '70000'], {}, /--port must be an integer/],
      [['--port', 'abc'], {}, /--port/],
      [['--kiosk-tokens-file', kiosks], {}, /an admin token is required/],
      [['--kiosk-tokens-file', secretFile('bad id!=x\n'), '--admin-token-file', admin], {}, /bad kiosk id/],
      [
        ['--kiosk-tokens-file', secretFile('SZ-1=\n'), '--admin-token-file', admin],
        {},
        /:1: expected ID=TOKEN/,
      ],
      [['--kiosk-tokens-file', secretFile('no equals sign\n')], {}, /:1: expected ID=TOKEN/],
      [['--kiosk-tokens-file', secretFile('admin=boss\n')], {}, /admin token goes in its own file/],
      [
        ['--kiosk-tokens-file', secretFile('# nothing\n'), '--admin-token-file', admin],
        {},
        /no ID=TOKEN line/,
      ],
      [['--kiosk-tokens-file', kiosks, '--admin-token-file', same], {}, /must differ/],
      [['--admin-token-file', secretFile('\n# only a comment\n')], {}, /is empty/],
      [[], { [ENV_ADMIN_TOKEN]: 'two words' }, /cannot contain spaces/],
      [['--faults', 'teapot:0.1'], {}, /bad fault "teapot:0.1"/],
      [['--faults', '500:1.5'], {}, /bad fault/],
      [['--faults', '500:0.6,503:0.6'], {}, /more than 1/],
      [['--kiosk-tokens-file', '/nonexistent/tokens'], {}, /cannot read kiosk tokens file/],
      [[], { [ENV_ADMIN_TOKEN_FILE]: '/nonexistent/admin' }, /cannot read admin token file/],
      [['--what'], {}, /Unknown option/],
      [['--tls-cert', '/nonexistent/cert.pem'], {}, /--tls-cert and --tls-key go together/],
      [['--tls-cert', '/nonexistent/c.pem', '--tls-key', '/nonexistent/k.pem'], {}, /cannot read --tls-cert/],
      [['--lookup-limit', '10'], {}, /--lookup-limit must be BURST:PER_MINUTE/],
      [['--page-limit', '0:5'], {}, /--page-limit must be BURST:PER_MINUTE/],
      [['--request-timeout', '0'], {}, /--request-timeout must be an integer/],
    ];
    for (const [argv, env, pattern] of cases)
      expect(() => parseCentralArgs(argv, env), argv.join(' ')).toThrow(pattern);
  });
});

describe('the store', () => {
  it('is sqlite in the data directory unless a PostgreSQL URL is given by flag or environment', () => {
    expect(parseCentralArgs([], {})).toMatchObject({ dataDir: '.booth-data/central', database: undefined });
    expect(parseCentralArgs(['--database', 'postgresql://booth@db.internal:5432/central'], {})).toMatchObject(
      {
        database: 'postgresql://booth@db.internal:5432/central',
      },
    );
    // From the environment a password may come with it (the environment is not visible in ps).
    expect(
      parseCentralArgs([], { [ENV_DATABASE_URL]: 'postgres://booth:s3cret@db.internal/central' }).database,
    ).toBe('postgres://booth:s3cret@db.internal/central');
  });

  it('refuses a password on the command line, other URLs, and two stores at once', () => {
    expect(() => parseCentralArgs(['--database', 'postgresql://booth:s3cret@db/central'], {})).toThrow(
      /password is not accepted on the command line.*BOOTH_CENTRAL_DATABASE_URL/,
    );
    expect(() => parseCentralArgs(['--database', 'mysql://db/central'], {})).toThrow(/postgresql:\/\/ URL/);
    expect(() => parseCentralArgs(['--database', 'not a url'], {})).toThrow(/postgresql:\/\/ URL/);
    expect(() =>
      parseCentralArgs(['--data', '/srv/central', '--database', 'postgresql://booth@db/central'], {}),
    ).toThrow(/give one/);
  });
});

describe('progress page options', () => {
  it('defaults to a demonstration page and takes --production and --public-url', () => {
    expect(parseCentralArgs([], {}).progressPage).toEqual({ production: false });
    expect(
      parseCentralArgs(['--production', '--public-url', 'https://jw.example.gov.cn/'], {}).progressPage,
    ).toEqual({
      production: true,
      publicBaseUrl: 'https://jw.example.gov.cn',
    });
    expect(() => parseCentralArgs(['--public-url', 'ftp://x'], {})).toThrow('--public-url');
  });
});

describe('user add command line', () => {
  it('refuses a password on the command line and needs a role', () => {
    expect(() =>
      parseUserAddArgs(['add', 'chief', '--role', 'administrator', '--password', 'x'], {}),
    ).toThrow(/not accepted on the command line/);
    expect(() => parseUserAddArgs(['add', 'chief', '--role', 'administrator', '--password=x'], {})).toThrow(
      /not accepted on the command line/,
    );
    expect(() => parseUserAddArgs(['add', 'chief'], {})).toThrow(/--role is required/);
    expect(parseUserAddArgs(['add', 'chief', '--role', 'duty-officer', '--data', '/d'], {})).toEqual({
      name: 'chief',
      role: 'duty-officer',
      passwordFile: undefined,
      replace: false,
      database: undefined,
      dataDir: '/d',
    });
  });

  it('takes the first line of a password file or of standard input', () => {
    expect(passwordFromText('a long password\nsecond line\n')).toBe('a long password');
    expect(() => passwordFromText('\n')).toThrow(/no password/);
  });
});
