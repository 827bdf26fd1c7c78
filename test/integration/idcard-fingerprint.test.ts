/**
 * Reading with fingerprint data end to end: the ID card reader is configured per reader (`?fingerprint=on`,
 * stored with `booth config set-device`), the real kiosk core reads the card with 30 10 over a 9600-baud PTY,
 * and the fingerprint bytes end up nowhere: not in the visit the screen sees, not in the store (sealed or not),
 * not in the logs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ID_CARD_FIXTURES, encodeTextBlock } from '../../drivers/id-card/index.js';
import { makeSimulatedWlt } from '../../drivers/id-card/photo.js';
import { IdCardSimulator, makeSimulatedFingerprint } from '../../drivers/id-card/simulator.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents, VisitView } from '../../main/services/views.js';
import type { CliIO } from '../../main/cli/command.js';
import { runCli } from '../../main/cli/main.js';
import { startKioskCore } from '../../main/core/kiosk-core.js';
import { createLogger } from '../../main/core/log.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import { TransactionService } from '../../main/services/transactions/transactions.js';
import { openStore } from '../../main/store/index.js';
import { defaultCatalog, newKey } from '../fixtures/catalog/helpers.js';
import { createPtyPair } from '../support/socat.js';

const DEVICE_VARS = ['BOOTH_IDCARD', 'BOOTH_PRINTER', 'BOOTH_SCANNER', 'BOOTH_CATALOG_TRUSTED_KEYS'] as const;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

function quietIo(env: Record<string, string | undefined> = {}): CliIO & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: () => undefined,
    stderr: (t) => err.push(t),
    env,
    signal: new AbortController().signal,
  };
}

/** Every file under a directory, as bytes. */
function allFiles(dir: string): Buffer[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [readFileSync(p)];
  });
}

/** Text forms the fingerprint bytes could take: hex and base64 of windows, and the simulator's marker. */
function traces(fingerprint: Uint8Array): string[] {
  const out = ['BOOTHSIMFP'];
  for (const at of [16, 300, 700]) {
    const window = Buffer.from(fingerprint.subarray(at, at + 24));
    out.push(window.toString('hex'), window.toString('base64'));
  }
  return out;
}

describe('fingerprint reading selected per reader, end to end', () => {
  it(
    'reads with 30 10 at 9600 baud into a visit and keeps the fingerprint nowhere',
    { timeout: 120_000 },
    async () => {
      const saved = Object.fromEntries(DEVICE_VARS.map((v) => [v, process.env[v]]));
      for (const v of DEVICE_VARS) delete process.env[v];
      cleanups.push(async () => {
        for (const v of DEVICE_VARS) {
          if (saved[v] === undefined) delete process.env[v];
          else process.env[v] = saved[v];
        }
      });
      const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-fp-data-'));
      const keyDir = mkdtempSync(path.join(tmpdir(), 'booth-fp-key-'));
      cleanups.push(async () => {
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(keyDir, { recursive: true, force: true });
      });

      const pair = await createPtyPair();
      cleanups.push(() => pair.close());
      const fingerprint = makeSimulatedFingerprint('e2e');
      const identity = ID_CARD_FIXTURES.resident.identity;
      const simulator = new IdCardSimulator(new SerialTransport({ path: pair.b, baudRate: 9600 }), {
        baudRate: 9600,
        processingMs: { read: 300 },
      });
      await simulator.start();
      cleanups.push(() => simulator.stop());

      // The reader's setting, stored as a technician would: 9600 baud, read with fingerprint data.
      const set = quietIo();
      expect(
        await runCli(
          ['config', 'set-device', 'id-card', `serial:${pair.a}@9600?fingerprint=on`, '--data', dataDir],
          set,
        ),
        set.err.join(''),
      ).toBe(0);

      // A production kiosk serves only a trusted catalog: apply one first.
      const key = newKey();
      const keyFile = path.join(keyDir, 'production.pub');
      writeFileSync(keyFile, key.trusted.publicKey.export({ type: 'spki', format: 'pem' }));
      const catalogFile = path.join(keyDir, 'catalog.signed.json');
      writeFileSync(
        catalogFile,
        JSON.stringify(
          signCatalog(
            {
              ...defaultCatalog(),
              version: 2,
              demonstration: false,
              issuedAt: new Date(Date.now() - 86_400_000).toISOString(),
              expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            },
            key.privateKey,
          ),
        ),
      );
      process.env.BOOTH_CATALOG_TRUSTED_KEYS = keyFile;
      const apply = quietIo({ BOOTH_CATALOG_TRUSTED_KEYS: keyFile });
      expect(
        await runCli(['catalog', 'apply', catalogFile, '--data', dataDir], apply),
        apply.err.join(''),
      ).toBe(0);

      const logLines: string[] = [];
      const core = await startKioskCore({
        dataDir,
        mode: 'production',
        host: 'browser',
        log: createLogger((line) => logLines.push(line)),
      });
      let closed = false;
      cleanups.push(async () => {
        if (!closed) await core.close();
      });
      const [coreEnd, rendererEnd] = channelPair();
      core.connect(coreEnd);
      const client = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
      const { api } = client;
      const views: unknown[] = [];
      client.on('visit.changed', (v) => views.push(v));

      const status = await api['devices.status']();
      expect(status.ok && status.value.find((d) => d.kind === 'id-card')?.connection).toBe(
        `serial:${pair.a}@9600`,
      );

      expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({ ok: true });
      const confirmed = new Promise<VisitView>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the card was never read into the visit')), 30_000);
        const off = client.on('visit.changed', (v) => {
          if (v?.step !== 'confirm') return;
          clearTimeout(timer);
          off();
          resolve(v);
        });
      });
      simulator.placeCard({
        text: encodeTextBlock(identity),
        photo: makeSimulatedWlt('e2e'),
        fingerprint,
      });
      const view = await confirmed;
      expect(view.identity).toMatchObject({ name: identity.name, cardType: 'resident', idNumberValid: true });
      // The reader was asked for the fingerprint, at 9600 baud, and the 2321-byte answer arrived.
      expect(simulator.received).toContain('read-card-fingerprint');
      expect(simulator.received).not.toContain('read-card');

      expect(await api['visit.proceed']()).toMatchObject({ ok: true, value: { step: 'form' } });
      const done = await api['visit.submit']({
        locale: 'zh-CN',
        forms: { 'household-certificate': { purpose: 'employment' } },
      });
      expect(done).toMatchObject({ ok: true, value: { step: 'done' } });
      const number = done.ok ? done.value.result?.transactionNumber : undefined;
      expect(number).toMatch(/^JW-/);
      expect(await api['visit.finish']()).toEqual({ ok: true, value: null });
      await core.close();
      closed = true;

      const marks = traces(fingerprint);
      // Not in anything the screen was sent about the visit.
      const seen = JSON.stringify(views);
      expect(seen).not.toMatch(/fingerprint/i);
      for (const t of marks) expect(seen).not.toContain(t);
      // Not in the logs.
      const logs = logLines.join('\n');
      expect(logs.length).toBeGreaterThan(0);
      for (const t of marks) expect(logs).not.toContain(t);
      // Not in the stored transaction, once unsealed.
      const store = await openStore({ dataDir, readOnly: true });
      try {
        const transactions = new TransactionService(store);
        const summary = await transactions.getByNumber(number ?? '');
        expect(summary).toBeDefined();
        const payload = JSON.stringify(await transactions.payload(summary?.id ?? '', 'test-kiosk'));
        expect(payload).toContain(identity.name);
        expect(payload).not.toMatch(/fingerprint/i);
        for (const t of marks) expect(payload).not.toContain(t);
      } finally {
        await store.close();
      }
      // Not anywhere in the data directory's files, as raw bytes either.
      const raw = Buffer.from(fingerprint.subarray(100, 164));
      for (const file of allFiles(dataDir)) {
        expect(file.indexOf(raw)).toBe(-1);
        expect(file.indexOf(Buffer.from('BOOTHSIMFP'))).toBe(-1);
      }
    },
  );
});
