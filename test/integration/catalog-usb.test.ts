import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents } from '../../main/services/views.js';
import { runCli } from '../../main/cli/main.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import { defaultCatalog, demoPrivateKey } from '../fixtures/catalog/helpers.js';

let core: KioskCore | null = null;
let dir = '';
afterEach(async () => {
  await core?.close();
  core = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('a catalog applied from a USB drive on a running kiosk', () => {
  it('is taken up between visits without a restart, and waits while a visit runs', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-usb-'));
    const dataDir = path.join(dir, 'data');
    core = await startKioskCore({
      dataDir,
      mode: 'demonstration',
      host: 'browser',
      log: silentLogger,
      catalogCheckIntervalMs: 100,
    });
    const [coreEnd, rendererEnd] = channelPair();
    core.connect(coreEnd);
    const { api, on } = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);

    // A visit is running when the technician applies the new catalog.
    expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({ ok: true });
    const catalog = defaultCatalog();
    const template = catalog.services.find((s) => s.id === 'violation-query');
    const usbFile = path.join(dir, 'catalog-v7.signed.json');
    writeFileSync(
      usbFile,
      JSON.stringify(
        signCatalog(
          {
            ...catalog,
            version: 7,
            services: [...catalog.services, { ...template!, id: 'usb-added-service' }],
          },
          demoPrivateKey(),
        ),
      ),
    );
    const out: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => out.push(t),
      env: { BOOTH_SIMULATE: '1' },
      signal: new AbortController().signal,
    };
    expect(await runCli(['catalog', 'apply', usbFile, '--data', dataDir], io)).toBe(0);

    await new Promise((r) => setTimeout(r, 500));
    const during = await api['catalog.get']();
    expect(during.ok && during.value.services.some((s) => s.id === 'usb-added-service')).toBe(false);

    const changed = new Promise<KioskEvents['catalog.changed']>((resolve) => on('catalog.changed', resolve));
    await api['visit.cancel']();
    expect(await changed).toEqual({ version: 7 });
    const after = await api['catalog.get']();
    expect(after.ok && after.value.version).toBe(7);
    expect(after.ok && after.value.services.some((s) => s.id === 'usb-added-service')).toBe(true);
  });
});
