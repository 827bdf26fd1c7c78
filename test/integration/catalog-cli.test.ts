import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { FileCatalogStore } from '../../main/services/catalog/catalog-store.js';
import {
  defaultCatalog,
  defaultCatalogFile,
  defaultSignedCatalogFile,
  demoPrivateKey,
  demoPrivateKeyFile,
  demoPublicKeyFile,
  newKey,
  repoRoot,
  signedVersion,
} from '../fixtures/catalog/helpers.js';

const run = promisify(execFile);

async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { HOME: os.tmpdir(), ...env },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'catalog-cli-'));
}

function writeJson(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/** The expiry of the default catalog is 2030; tests that run the real clock need a catalog valid today. */
function validNow(version: number) {
  return {
    ...defaultCatalog(),
    version,
    issuedAt: new Date(Date.now() - 86_400_000).toISOString(),
    expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  };
}

describe('booth catalog (in-process)', () => {
  it('keygen writes a 0600 private key and a public key, and refuses to overwrite', async () => {
    const dir = tmp();
    const r = await cli(['catalog', 'keygen', '--out', dir, '--name', 'ops']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^key id [0-9a-f]{16}\n/);
    expect(statSync(path.join(dir, 'ops.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'ops.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    const again = await cli(['catalog', 'keygen', '--out', dir, '--name', 'ops']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^booth catalog keygen: .*ops\.key already exists/);
    expect((await cli(['catalog', 'keygen'])).code).toBe(2);
  });

  it('validate passes the default catalog and names the JSON path of each error', async () => {
    const ok = await cli(['catalog', 'validate', defaultCatalogFile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: version 1, \d+ services in 5 categories/);
    expect((await cli(['catalog', 'validate', defaultSignedCatalogFile])).code).toBe(0);

    const broken = defaultCatalog();
    delete (broken.services[3]!.form.fields[0]!.label as Partial<(typeof broken.services)[0]['name']>).en;
    broken.services[5]!.category = 'weather';
    const file = writeJson(tmp(), 'broken.json', broken);
    const r = await cli(['catalog', 'validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('services[3].form.fields[0].label.en: missing translation');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^booth catalog validate: \d+ error\(s\); first: services\[3\]\.form\.fields\[0\]\.label\.en/,
    );

    const notJson = path.join(tmp(), 'x.json');
    writeFileSync(notJson, '{oops');
    expect((await cli(['catalog', 'validate', notJson])).stderr).toMatch(/is not JSON/);
    expect((await cli(['catalog', 'validate', '/no/such/file.json'])).stderr).toMatch(/cannot read .*ENOENT/);
  });

  it('sign then verify, with the kiosk keys or --pubkey; verify names the rejection reason', async () => {
    const dir = tmp();
    const src = writeJson(dir, 'catalog.json', validNow(7));
    const s = await cli(['catalog', 'sign', src, '--key', demoPrivateKeyFile]);
    expect(s.code).toBe(0);
    const signedFile = path.join(dir, 'catalog.signed.json');
    expect(s.stdout).toContain(`-> ${signedFile}`);
    // The demonstration key is trusted only where a demonstration is asked for.
    const v = await cli(['catalog', 'verify', signedFile], { BOOTH_SIMULATE: '1' });
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^ok: version 7, signed by key [0-9a-f]{16}/);
    const production = await cli(['catalog', 'verify', signedFile]);
    expect(production.code).toBe(1);
    expect(production.stderr).toMatch(/^booth catalog verify: unknown-key: /);
    expect((await cli(['catalog', 'verify', signedFile, '--pubkey', demoPublicKeyFile])).code).toBe(0);

    const other = path.join(dir, 'other.pub');
    writeFileSync(other, newKey().trusted.publicKey.export({ type: 'spki', format: 'pem' }));
    const wrong = await cli(['catalog', 'verify', signedFile, '--pubkey', other]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^booth catalog verify: unknown-key: /);

    const tampered = JSON.parse(readFileSync(signedFile, 'utf8')) as { catalog: { version: number } };
    tampered.catalog.version = 8;
    const bad = await cli(['catalog', 'verify', writeJson(dir, 't.json', tampered)], {
      BOOTH_SIMULATE: '1',
    });
    expect(bad.stderr).toMatch(/^booth catalog verify: bad-signature: /);
    const unsigned = await cli(['catalog', 'verify', src, '--json']);
    expect(unsigned.code).toBe(1);
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ ok: false, reason: 'unsigned' });

    const invalid = validNow(9) as Record<string, unknown>;
    invalid.categories = [];
    const refused = await cli([
      'catalog',
      'sign',
      writeJson(dir, 'invalid.json', invalid),
      '--key',
      demoPrivateKeyFile,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to sign an invalid catalog: categories: /);
    const badKey = await cli([
      'catalog',
      'sign',
      src,
      '--key',
      demoPublicKeyFile,
      '--out',
      path.join(dir, 'o.json'),
    ]);
    expect(badKey.stderr).toMatch(/is not an Ed25519 private key/);
  });

  it('diff lists added, removed and changed services', async () => {
    const dir = tmp();
    const next = defaultCatalog();
    next.version = 2;
    const gone = next.services.shift();
    next.services[0]!.fee = { amount: 99 };
    const r = await cli(['catalog', 'diff', defaultCatalogFile, writeJson(dir, 'next.json', next)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('version: 1 -> 2');
    expect(r.stdout).toContain(`  - ${gone?.id} (removed)`);
    expect(r.stdout).toContain(`  ~ ${next.services[0]!.id}: fee`);
    expect((await cli(['catalog', 'diff', defaultCatalogFile])).code).toBe(2);
  });

  describe('publish', () => {
    const received: { method?: string; url?: string; auth?: string; body: string }[] = [];
    let status = 200;
    let base = '';
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          status === 200
            ? JSON.stringify({ version: 2, etag: '"abc"' })
            : JSON.stringify({
                error: {
                  code: 'version-conflict',
                  message: 'catalog version 2 is not greater than the published 5',
                },
              }),
        );
      });
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('POSTs the signed document byte for byte with the bearer token', async () => {
      const file = writeJson(tmp(), 'c.signed.json', signedVersion(2));
      const r = await cli(['catalog', 'publish', file, '--central', base], {
        BOOTH_ADMIN_TOKEN: 'secret-token',
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('published version 2 (etag "abc")\n');
      expect(received.at(-1)).toEqual({
        method: 'POST',
        url: '/api/v1/admin/catalog',
        auth: 'Bearer secret-token',
        body: readFileSync(file, 'utf8'),
      });
      await cli(['catalog', 'publish', file, '--central', base]);
      expect(received.at(-1)?.auth).toBe('Bearer dev-admin-token');
      const tokenFile = path.join(tmp(), 'admin.token');
      writeFileSync(tokenFile, 'T2\n');
      await cli([
        'catalog',
        'publish',
        file,
        '--central',
        base,
        '--token-file',
        tokenFile,
        '--pubkey',
        demoPublicKeyFile,
      ]);
      expect(received.at(-1)?.auth).toBe('Bearer T2');
      // Never on the command line, where every user of the machine can read it.
      const count = received.length;
      const argv = await cli(['catalog', 'publish', file, '--central', base, '--token', 'T3']);
      expect(argv.code).toBe(2);
      expect(argv.stderr).toMatch(/visible to every user/);
      expect(received.length).toBe(count);
    });

    it('has no default administrator token for a central server other than the loopback one', async () => {
      const file = writeJson(tmp(), 'c.signed.json', signedVersion(2));
      const r = await cli(['catalog', 'publish', file, '--central', 'https://central.example.test/api/']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/administrator token is needed/);
    });

    it('non-2xx, unsigned files, untrusted signatures and unreachable servers are one-line failures', async () => {
      const file = writeJson(tmp(), 'c.signed.json', signedVersion(2));
      status = 409;
      const r = await cli(['catalog', 'publish', file, '--central', base]);
      status = 200;
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'booth catalog publish: central refused the catalog: HTTP 409 version-conflict: catalog version 2 is not greater than the published 5\n',
      );
      const count = received.length;
      expect((await cli(['catalog', 'publish', defaultCatalogFile, '--central', base])).stderr).toMatch(
        /is not a signed catalog/,
      );
      const other = writeJson(tmp(), 'o.json', signedVersion(3, {}, newKey().privateKey));
      expect(
        (await cli(['catalog', 'publish', other, '--central', base, '--pubkey', demoPublicKeyFile])).stderr,
      ).toMatch(/refusing to publish: unknown-key/);
      expect(received.length).toBe(count);
      const down = await cli(['catalog', 'publish', file, '--central', 'http://127.0.0.1:1']);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/^booth catalog publish: cannot reach http:\/\/127\.0\.0\.1:1/);
      expect((await cli(['catalog', 'publish', file, '--central', 'ftp://x'])).code).toBe(2);
    });
  });

  it('apply verifies and applies to the data directory; status shows versions and the last rejection', async () => {
    const data = tmp();
    const demo = { BOOTH_SIMULATE: '1' };
    const before = await cli(['catalog', 'status', '--data', data], demo);
    expect(before.stdout).toContain('applied version: 1 (shipped default)');
    expect((await cli(['catalog', 'status', '--data', data])).stdout).toContain(
      'applied version: none usable\nvalidity:        no catalog: out of service',
    );

    const dir = tmp();
    const good = writeJson(
      dir,
      'v4.signed.json',
      (await import('../../contract/catalog/signing.js')).signCatalog(validNow(4), demoPrivateKey()),
    );
    // A production kiosk (the default) refuses the demonstration key: anyone can sign with it.
    const forged = await cli(['catalog', 'apply', good, '--data', data]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/^booth catalog apply: rejected \(unknown-key\): .*24e68f4b91fe9f5e/);
    const applied = await cli(['catalog', 'apply', good, '--data', data], demo);
    expect(applied).toMatchObject({ code: 0, stdout: 'applied version 4\n' });
    expect((await cli(['catalog', 'apply', good, '--data', data], demo)).stdout).toBe(
      'version 4 is already applied\n',
    );

    const old = writeJson(
      dir,
      'v3.signed.json',
      (await import('../../contract/catalog/signing.js')).signCatalog(validNow(3), demoPrivateKey()),
    );
    const refused = await cli(['catalog', 'apply', old, '--data', data], demo);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^booth catalog apply: rejected \(rollback\): catalog 3 is not newer than the applied 4; the current catalog stays\n$/,
    );

    const s = await cli(['catalog', 'status', '--data', data, '--json'], demo);
    expect(JSON.parse(s.stdout)).toMatchObject({
      appliedVersion: 4,
      appliedSource: 'applied',
      stagedVersion: null,
      lastRejection: { reason: 'rollback', version: 3, source: 'file' },
    });
    // BOOTH_DATA_DIR is the default data directory.
    expect((await cli(['catalog', 'status'], { ...demo, BOOTH_DATA_DIR: data })).stdout).toContain(
      'applied version: 4\n',
    );
    expect((await new FileCatalogStore(data).lastRejection())?.reason).toBe('rollback');
  });
});

describe('booth catalog (subprocess)', () => {
  it('keygen → sign → verify → apply → status', async () => {
    const dir = tmp();
    const data = tmp();
    const booth = (args: string[], env: Record<string, string> = {}) =>
      run(process.execPath, [path.join(repoRoot, 'bin/booth.mjs'), ...args], {
        cwd: repoRoot,
        env: { ...process.env, BOOTH_DATA_DIR: data, ...env },
      });
    await booth(['catalog', 'keygen', '--out', dir, '--name', 'ops']);
    const src = writeJson(dir, 'catalog.json', validNow(12));
    await booth([
      'catalog',
      'sign',
      src,
      '--key',
      path.join(dir, 'ops.key'),
      '--out',
      path.join(dir, 'out.json'),
    ]);
    const verified = await booth([
      'catalog',
      'verify',
      path.join(dir, 'out.json'),
      '--pubkey',
      path.join(dir, 'ops.pub'),
    ]);
    expect(verified.stdout).toMatch(/^ok: version 12/);

    // The kiosk does not trust the new key yet: apply fails with exit 1 and one line.
    const refused = await booth(['catalog', 'apply', path.join(dir, 'out.json')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(
      /^booth catalog apply: rejected \(unknown-key\): .*\n$/,
    );

    const trust = { BOOTH_CATALOG_TRUSTED_KEYS: path.join(dir, 'ops.pub') };
    const applied = await booth(['catalog', 'apply', path.join(dir, 'out.json')], trust);
    expect(applied.stdout).toBe('applied version 12\n');
    const status = await booth(['catalog', 'status', '--json'], trust);
    expect(JSON.parse(status.stdout)).toMatchObject({
      appliedVersion: 12,
      appliedSource: 'applied',
      stagedVersion: null,
    });
  }, 180_000);
});
