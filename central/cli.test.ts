import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_ADMIN_TOKEN, DEV_KIOSK_ID, DEV_KIOSK_TOKEN, parseCentralArgs } from './cli.js';

describe('parseCentralArgs', () => {
  it('falls back to documented development tokens when none are given', () => {
    const config = parseCentralArgs([]);
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      devTokens: true,
      kioskTokens: { [DEV_KIOSK_ID]: DEV_KIOSK_TOKEN },
      adminToken: DEV_ADMIN_TOKEN,
      faults: undefined,
    });
  });

  it('takes repeatable kiosk tokens, an admin token, faults and a seed', () => {
    const config = parseCentralArgs([
      '--port',
      '0',
      '--data',
      ':memory:',
      '--kiosk-token',
      'SZ-1=aaa',
      '--kiosk-token',
      'SZ-2=b=b',
      '--admin-token',
      'root',
      '--faults',
      '500:0.1,reset-after-commit:0.2',
      '--fault-seed',
      '7',
      '--retry-after',
      '3',
    ]);
    expect(config).toMatchObject({
      port: 0,
      dataDir: ':memory:',
      devTokens: false,
      kioskTokens: { 'SZ-1': 'aaa', 'SZ-2': 'b=b' },
      adminToken: 'root',
      faults: { rates: { '500': 0.1, 'reset-after-commit': 0.2 }, seed: 7, retryAfterSeconds: 3 },
    });
  });

  it('reads a tokens file with comments and an admin line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'central-cli-'));
    try {
      const file = join(dir, 'tokens');
      writeFileSync(file, '# kiosks\nSZ-FT-0012 = t1\n\nadmin=boss\n');
      expect(parseCentralArgs(['--tokens-file', file])).toMatchObject({
        kioskTokens: { 'SZ-FT-0012': 't1' },
        adminToken: 'boss',
        devTokens: false,
      });
      writeFileSync(file, 'no equals sign\n');
      expect(() => parseCentralArgs(['--tokens-file', file])).toThrow(/:1: expected ID=TOKEN/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad input with a one-line reason', () => {
    const cases: [string[], RegExp][] = [
      [['--port', '70000'], /--port must be an integer/],
      [['--port', 'abc'], /--port/],
      [['--kiosk-token', 'SZ-1=x'], /--admin-token is required/],
      [['--kiosk-token', 'bad id!=x', '--admin-token', 'a'], /bad kiosk id/],
      [['--kiosk-token', 'SZ-1=', '--admin-token', 'a'], /expected ID=TOKEN/],
      [['--kiosk-token', 'SZ-1=same', '--admin-token', 'same'], /must differ/],
      [['--faults', 'teapot:0.1'], /bad fault "teapot:0.1"/],
      [['--faults', '500:1.5'], /bad fault/],
      [['--faults', '500:0.6,503:0.6'], /more than 1/],
      [['--tokens-file', '/nonexistent/tokens'], /cannot read tokens file/],
      [['--what'], /Unknown option/],
      [['--tls-cert', '/nonexistent/cert.pem'], /--tls-cert and --tls-key go together/],
      [['--tls-cert', '/nonexistent/c.pem', '--tls-key', '/nonexistent/k.pem'], /cannot read --tls-cert/],
    ];
    for (const [argv, pattern] of cases)
      expect(() => parseCentralArgs(argv), argv.join(' ')).toThrow(pattern);
  });
});

describe('progress page options', () => {
  it('defaults to a demonstration page and takes --production and --public-url', () => {
    expect(parseCentralArgs([]).progressPage).toEqual({ production: false });
    expect(
      parseCentralArgs(['--production', '--public-url', 'https://jw.example.gov.cn/']).progressPage,
    ).toEqual({
      production: true,
      publicBaseUrl: 'https://jw.example.gov.cn',
    });
    expect(() => parseCentralArgs(['--public-url', 'ftp://x'])).toThrow('--public-url');
  });
});
