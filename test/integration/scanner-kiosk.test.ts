/**
 * What the kiosk core broadcasts for a GS1 code: the separator kept in the text and the Application
 * Identifiers alongside, for the renderer and any consumer of `scanner.scanned`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents, ScanView } from '../../main/services/views.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';

let core: KioskCore | null = null;
let dataDir = '';
afterEach(async () => {
  await core?.close();
  core = null;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('scanner.scanned from the kiosk core', () => {
  it('carries a GS1 code with its separator and its AIs; other codes carry no gs1 field', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'booth-scan-'));
    core = await startKioskCore({ dataDir, mode: 'demonstration', host: 'browser', log: silentLogger });
    const [coreEnd, rendererEnd] = channelPair();
    core.connect(coreEnd);
    const client = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
    const scans: ScanView[] = [];
    const two = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${scans.length} scans arrived`)), 10_000);
      client.on('scanner.scanned', (s) => {
        scans.push(s);
        if (scans.length === 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const gs1 = '0109506000134352' + '10ABC123\u001d17261231';
    await client.api['sim.scan']({ text: gs1 });
    await client.api['sim.scan']({ text: 'https://example.org/x' });
    await two;
    expect(scans[0]).toEqual({
      text: gs1,
      kind: 'unknown',
      symbology: null,
      gs1: [
        { ai: '01', title: 'GTIN', value: '09506000134352' },
        { ai: '10', title: 'BATCH/LOT', value: 'ABC123' },
        { ai: '17', title: 'USE BY OR EXPIRY', value: '261231', date: '2026-12-31' },
      ],
    });
    expect(scans[1]).toEqual({ text: 'https://example.org/x', kind: 'url', symbology: null });
  });
});
