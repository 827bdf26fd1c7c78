import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchItemOf,
  sampleCatalogDocument,
  sampleHeartbeat,
  sampleTransaction,
} from '../../central/fixtures.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import {
  createCentralAdminClient,
  createCentralClient,
  type CentralAdminClient,
  type CentralClient,
  type CentralResult,
} from '../../main/services/central/client.js';
import { httpsFetch } from '../../main/services/central/https-fetch.js';

const KIOSK = 'SZ-FT-0012';
const KIOSK_TOKEN = 'kiosk-token-0012';
const ADMIN_TOKEN = 'admin-token-xyz';

function unwrap<T>(result: CentralResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function errorOf<T>(result: CentralResult<T>): Exclude<CentralResult<T>, { ok: true }>['error'] {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('client against the reference server', () => {
  let server: CentralServer;
  let client: CentralClient;
  let admin: CentralAdminClient;
  beforeAll(async () => {
    server = await startCentralServer({
      port: 0,
      dataDir: ':memory:',
      kioskTokens: { [KIOSK]: KIOSK_TOKEN },
      adminToken: ADMIN_TOKEN,
    });
    client = createCentralClient({
      baseUrl: server.url,
      token: KIOSK_TOKEN,
      kioskId: KIOSK,
      timeoutMs: 5_000,
    });
    admin = createCentralAdminClient({ baseUrl: server.url, token: ADMIN_TOKEN, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('uploads, deduplicates, and reads progress and mailbox status', async () => {
    const plain = sampleTransaction(KIOSK);
    const letter = sampleTransaction(KIOSK, {
      urgent: true,
      letter: { kind: 'help', subject: '求助', body: '需要帮助', trackingNumber: 'XX-20261129-7' },
    });
    const first = unwrap(await client.uploadBatch([batchItemOf(plain), batchItemOf(letter)]));
    expect(first.results.map((r) => r.status)).toEqual(['stored', 'stored']);
    const second = unwrap(await client.uploadBatch([batchItemOf(letter)]));
    expect(second.results.map((r) => r.status)).toEqual(['duplicate']);
    expect(unwrap(await admin.stats())).toEqual({
      transactions: 2,
      duplicatesIgnored: 1,
      conflicts: 0,
      urgent: 1,
      batches: 2,
      kiosks: 1,
    });

    expect(unwrap(await client.progress(plain.number))).toMatchObject({
      number: plain.number,
      status: 'received',
    });
    expect(unwrap(await client.progress('JW-19990101-000001'))).toBeNull();
    expect(unwrap(await client.mailboxStatus('XX-20261129-7'))).toMatchObject({ status: 'received' });
    expect(unwrap(await client.mailboxStatus('XX-0'))).toBeNull();
    expect(unwrap(await admin.setProgress(plain.number, 'done'))).toMatchObject({ status: 'done' });
    expect(unwrap(await client.progress(plain.number))).toMatchObject({ status: 'done' });
    expect(unwrap(await admin.setMailboxStatus('XX-20261129-7', 'signed'))).toMatchObject({
      status: 'signed',
    });
    const signed = unwrap(await client.mailboxStatus('XX-20261129-7'));
    expect(signed?.signedAt).toBeDefined();
  });

  it('sends heartbeats, fetches catalogs conditionally, and reports publish conflicts', async () => {
    expect(unwrap(await client.fetchCatalog(null))).toEqual({ status: 'none' });
    const before = unwrap(await client.heartbeat(sampleHeartbeat()));
    expect(before.catalog).toBeNull();

    const text = JSON.stringify(sampleCatalogDocument(2), null, 2);
    const published = unwrap(await admin.publishCatalog(text));
    const after = unwrap(await client.heartbeat(sampleHeartbeat({ catalogVersion: 1 })));
    expect(after.catalog).toEqual(published);

    const fetched = unwrap(await client.fetchCatalog(null));
    if (fetched.status !== 'updated') throw new Error(`expected updated, got ${fetched.status}`);
    expect(fetched.text).toBe(text);
    expect(fetched.etag).toBe(published.etag);
    // Keys outside the outer shape survive parsing (signature verification needs them).
    expect(fetched.document).toEqual(sampleCatalogDocument(2));
    expect(unwrap(await client.fetchCatalog(published.etag))).toEqual({ status: 'not-modified' });

    const conflict = errorOf(await admin.publishCatalog(sampleCatalogDocument(2)));
    expect(conflict).toMatchObject({ code: 'http', status: 409, serverCode: 'version-not-newer' });
    const fleet = unwrap(await admin.fleet());
    expect(fleet.kiosks.find((k) => k.kioskId === KIOSK)?.catalogVersion).toBe(1);
  });

  it('maps a wrong token to an http 401 error', async () => {
    const stranger = createCentralClient({ baseUrl: server.url, token: 'wrong', kioskId: KIOSK });
    expect(errorOf(await stranger.heartbeat(sampleHeartbeat()))).toMatchObject({
      code: 'http',
      status: 401,
      serverCode: 'unauthorized',
    });
  });

  it('maps every injected fault to a typed error, Retry-After included', async () => {
    const item = batchItemOf(sampleTransaction(KIOSK));
    const quick = createCentralClient({
      baseUrl: server.url,
      token: KIOSK_TOKEN,
      kioskId: KIOSK,
      timeoutMs: 400,
    });
    try {
      server.setFaults(() => '429');
      expect(errorOf(await quick.uploadBatch([item]))).toMatchObject({
        code: 'http',
        status: 429,
        retryAfterMs: 1_000,
      });
      server.setFaults({ rates: { '503': 1 }, retryAfterSeconds: 60, retryAfterAsDate: true });
      const unavailable = errorOf(await quick.uploadBatch([item]));
      expect(unavailable).toMatchObject({ code: 'http', status: 503, serverCode: 'unavailable' });
      // An HTTP-date has one-second resolution: allow for the truncation and the clock moving on.
      expect(unavailable.retryAfterMs).toBeGreaterThan(55_000);
      expect(unavailable.retryAfterMs).toBeLessThanOrEqual(60_000);
      server.setFaults(() => '500');
      expect(errorOf(await quick.uploadBatch([item]))).toMatchObject({
        code: 'http',
        status: 500,
        serverCode: 'internal',
      });
      server.setFaults(() => 'reset');
      expect(errorOf(await quick.uploadBatch([item])).code).toBe('network');
      server.setFaults(() => 'timeout');
      expect(errorOf(await quick.uploadBatch([item])).code).toBe('timeout');
      server.setFaults(() => 'reset-after-commit');
      expect(errorOf(await quick.uploadBatch([item])).code).toBe('network');
    } finally {
      server.setFaults(undefined);
    }
    // The reset-after-commit attempt was stored: the retry is a duplicate.
    expect(unwrap(await client.uploadBatch([item])).results[0]?.status).toBe('duplicate');
  });
});

describe('client against a misbehaving raw server', () => {
  let raw: Server;
  let url: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  beforeAll(async () => {
    raw = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    raw.closeAllConnections();
    await new Promise((resolve) => raw.close(resolve));
  });

  const client = (): CentralClient =>
    createCentralClient({ baseUrl: url, token: 't', kioskId: KIOSK, timeoutMs: 1_000 });

  it('maps garbage 200 bodies to invalid-response', async () => {
    const bodies = ['not json at all', '{"serverTime": 5}', '\u0000\u0001\u0002', '{"results": [}', ''];
    for (const body of bodies) {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      };
      const result = await client().heartbeat(sampleHeartbeat());
      expect(errorOf(result).code, body).toBe('invalid-response');
    }
  });

  it('maps a body cut short to a network error', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"serverTime":');
      setTimeout(() => req.socket.destroy(), 20);
    };
    expect(errorOf(await client().heartbeat(sampleHeartbeat())).code).toBe('network');
  });

  it('maps a server that never finishes the body to timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"serverTime":');
    };
    const slow = createCentralClient({ baseUrl: url, token: 't', kioskId: KIOSK, timeoutMs: 200 });
    expect(errorOf(await slow.heartbeat(sampleHeartbeat())).code).toBe('timeout');
  });

  it('maps cut-short and endless bodies the same through the node:https transport', async () => {
    const viaNode = (timeoutMs: number): CentralClient =>
      createCentralClient({
        baseUrl: url,
        token: 't',
        kioskId: KIOSK,
        timeoutMs,
        fetch: httpsFetch(async () => ({ cert: undefined, key: undefined, ca: undefined })),
      });
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"serverTime":');
      setTimeout(() => req.socket.destroy(), 20);
    };
    expect(errorOf(await viaNode(2_000).heartbeat(sampleHeartbeat())).code).toBe('network');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"serverTime":');
    };
    expect(errorOf(await viaNode(200).heartbeat(sampleHeartbeat())).code).toBe('timeout');
    handler = (_req, res) => {
      res.writeHead(304, { etag: '"abc"' });
      res.end();
    };
    expect(unwrap(await viaNode(2_000).fetchCatalog('"abc"'))).toEqual({ status: 'not-modified' });
  });

  it('maps a redirect to an http error instead of following it', async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: 'http://central.police.example/v1/heartbeat' });
      res.end();
    };
    expect(errorOf(await client().heartbeat(sampleHeartbeat()))).toMatchObject({ code: 'http', status: 302 });
  });

  it('maps a refused connection to a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = createCentralClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', kioskId: KIOSK });
    const error = errorOf(await nowhere.progress('JW-1'));
    expect(error.code).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('client over HTTPS with mutual TLS', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const pem = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'central-tls-'));
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    };
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=test police CA',
      '-days',
      '2',
    );
    writeFileSync(
      pem('server.ext'),
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
    );
    writeFileSync(pem('client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const who of ['server', 'client']) {
      openssl(
        'req',
        ...ec,
        '-keyout',
        `${who}.key`,
        '-out',
        `${who}.csr`,
        '-subj',
        `/CN=${who === 'server' ? 'localhost' : KIOSK}`,
      );
      openssl(
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${who}.crt`,
        '-days',
        '2',
        '-extfile',
        `${who}.ext`,
      );
    }
    server = createHttpsServer(
      {
        key: readFileSync(pem('server.key')),
        cert: readFileSync(pem('server.crt')),
        ca: readFileSync(pem('ca.crt')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            transactions: peer.subject?.CN === KIOSK ? 1 : 0,
            duplicatesIgnored: 0,
            conflicts: 0,
            urgent: 0,
            batches: 0,
            kiosks: 1,
          }),
        );
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('presents the client certificate and trusts the private CA', async () => {
    const admin = createCentralAdminClient({
      baseUrl: url,
      token: 'a',
      timeoutMs: 5_000,
      tls: { certPath: pem('client.crt'), keyPath: pem('client.key'), caPath: pem('ca.crt') },
    });
    // The server answers transactions: 1 only when it saw the kiosk's certificate.
    expect(unwrap(await admin.stats()).transactions).toBe(1);
  });

  it('talks to the reference server over HTTPS with mutual TLS', async () => {
    const central = await startCentralServer({
      port: 0,
      dataDir: ':memory:',
      kioskTokens: { [KIOSK]: KIOSK_TOKEN },
      adminToken: ADMIN_TOKEN,
      tls: {
        cert: readFileSync(pem('server.crt')),
        key: readFileSync(pem('server.key')),
        clientCa: readFileSync(pem('ca.crt')),
      },
    });
    try {
      expect(central.url.startsWith('https://127.0.0.1:')).toBe(true);
      const baseUrl = `https://localhost:${central.port}`;
      const tls = { certPath: pem('client.crt'), keyPath: pem('client.key'), caPath: pem('ca.crt') };
      const kiosk = createCentralClient({
        baseUrl,
        token: KIOSK_TOKEN,
        kioskId: KIOSK,
        timeoutMs: 5_000,
        tls,
      });
      const item = batchItemOf(sampleTransaction(KIOSK));
      expect(unwrap(await kiosk.uploadBatch([item])).results[0]?.status).toBe('stored');
      expect(unwrap(await kiosk.fetchCatalog(null))).toEqual({ status: 'none' });
      const anonymous = createCentralClient({
        baseUrl,
        token: KIOSK_TOKEN,
        kioskId: KIOSK,
        timeoutMs: 5_000,
        tls: { caPath: pem('ca.crt') },
      });
      expect(errorOf(await anonymous.uploadBatch([item])).code).toBe('network');
      const admin = createCentralAdminClient({ baseUrl, token: ADMIN_TOKEN, timeoutMs: 5_000, tls });
      expect(unwrap(await admin.stats())).toMatchObject({ transactions: 1 });
    } finally {
      await central.close();
    }
  });

  it('fails as a network error without a client certificate, with an unknown CA, or a missing file', async () => {
    const noCert = createCentralAdminClient({
      baseUrl: url,
      token: 'a',
      timeoutMs: 5_000,
      tls: { caPath: pem('ca.crt') },
    });
    expect(errorOf(await noCert.stats()).code).toBe('network');
    const noCa = createCentralAdminClient({
      baseUrl: url,
      token: 'a',
      timeoutMs: 5_000,
      tls: { certPath: pem('client.crt'), keyPath: pem('client.key') },
    });
    expect(errorOf(await noCa.stats()).code).toBe('network');
    const missing = createCentralAdminClient({ baseUrl: url, token: 'a', tls: { caPath: pem('nope.crt') } });
    expect(errorOf(await missing.stats()).code).toBe('network');
  });
});
