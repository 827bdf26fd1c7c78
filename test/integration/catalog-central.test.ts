import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralServer } from '../../central/server.js';
import type { CentralServer } from '../../central/server.js';
import { runCli } from '../../main/cli/main.js';
import { createCentralClient } from '../../main/services/central/client.js';
import { CatalogPoller } from '../../main/services/catalog/catalog-poller.js';
import type { CatalogReport } from '../../main/services/catalog/catalog-poller.js';
import { CatalogService, shippedDefaultLoader } from '../../main/services/catalog/catalog-service.js';
import { FileCatalogStore } from '../../main/services/catalog/catalog-store.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import {
  defaultCatalog,
  demoPrivateKey,
  demoTrustedKey,
  newKey,
  resourcesRoot,
} from '../fixtures/catalog/helpers.js';

/**
 * End to end against the reference central server: an administrator publishes with `booth catalog publish`,
 * a kiosk's poller fetches it with the real central client, verifies, stages and applies it, and reports.
 */
describe('catalog publish → central → kiosk', () => {
  let server: CentralServer;
  const adminToken = 'admin-secret';

  beforeAll(async () => {
    server = await startCentralServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'catalog-central-')),
      kioskTokens: { 'SZ-FT-0001': 'kiosk-secret' },
      adminToken,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  function validNow(version: number) {
    return {
      ...defaultCatalog(),
      version,
      issuedAt: new Date(Date.now() - 86_400_000).toISOString(),
      expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    };
  }

  async function publish(doc: unknown): Promise<{ code: number; stderr: string }> {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'catalog-pub-')), 'c.signed.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    let stderr = '';
    const code = await runCli(['catalog', 'publish', file, '--central', server.url], {
      stdout: () => undefined,
      stderr: (t) => {
        stderr += t;
      },
      env: { BOOTH_ADMIN_TOKEN: adminToken },
      signal: new AbortController().signal,
    });
    return { code, stderr };
  }

  it('applies what was published, refuses a forged catalog, and the server refuses a downgrade', async () => {
    const service = new CatalogService({
      store: new FileCatalogStore(mkdtempSync(path.join(os.tmpdir(), 'catalog-kiosk-'))),
      trustedKeys: [demoTrustedKey()],
      isVisitInProgress: () => false,
      loadShippedDefault: shippedDefaultLoader(resourcesRoot),
    });
    await service.init();
    const client = createCentralClient({ baseUrl: server.url, token: 'kiosk-secret', kioskId: 'SZ-FT-0001' });
    const reports: CatalogReport[] = [];
    const poller = new CatalogPoller({
      service,
      fetchCatalog: (etag, signal) => client.fetchCatalog(etag, signal),
      report: (r) => reports.push(r),
    });

    expect(await poller.pollNow()).toEqual({ kind: 'none' });
    expect((await publish(signCatalog(validNow(5), demoPrivateKey()))).code).toBe(0);
    expect(await poller.pollNow()).toEqual({
      kind: 'offered',
      result: { ok: true, value: { outcome: 'applied', version: 5 } },
    });
    expect(service.current()?.version).toBe(5);
    expect(await poller.pollNow()).toEqual({ kind: 'not-modified' });

    const downgrade = await publish(signCatalog(validNow(4), demoPrivateKey()));
    expect(downgrade.code).toBe(1);
    expect(downgrade.stderr).toMatch(/^booth catalog publish: central refused the catalog: HTTP 409/);

    // The server does not check signatures (kiosks do): a forged catalog gets through to the kiosk and stops there.
    expect((await publish(signCatalog(validNow(6), newKey().privateKey))).code).toBe(0);
    expect(await poller.pollNow()).toMatchObject({
      kind: 'offered',
      result: { ok: false, error: { code: 'rejected' } },
    });
    expect(service.current()?.version).toBe(5);
    expect(reports.at(-1)).toMatchObject({ catalogVersion: 5, lastCatalogRejection: { version: 6 } });
    poller.stop();
  });
});
