import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { createSimulatedDevices } from '../../main/core/simulated-devices.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import { defaultCatalog, demoPrivateKey, newKey } from '../fixtures/catalog/helpers.js';

/**
 * A production kiosk (the default mode): nothing of the demonstration is reachable — not the demonstration
 * catalog or its key, not the demo PIN, not the `sim.*` methods — and until a catalog signed by a trusted
 * production key is applied it is out of service.
 */
let core: KioskCore | null = null;
let dir = '';
afterEach(async () => {
  await core?.close();
  core = null;
  rmSync(dir, { recursive: true, force: true });
});

function io(env: Record<string, string> = {}): {
  out: string[];
  io: Parameters<typeof runCli>[1];
} {
  const out: string[] = [];
  return {
    out,
    io: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => out.push(t),
      env,
      signal: new AbortController().signal,
    },
  };
}

function validNow(version: number): ReturnType<typeof defaultCatalog> {
  return {
    ...defaultCatalog(),
    version,
    demonstration: false,
    publisher: 'Test police bureau',
    issuedAt: new Date(Date.now() - 86_400_000).toISOString(),
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  };
}

/** A production signing key's public file and a kiosk token file, as an administrator hands them over. */
function enrolmentFiles(dir: string): {
  prod: ReturnType<typeof newKey>;
  keyFile: string;
  tokenFile: string;
} {
  const prod = newKey();
  const keyFile = path.join(dir, 'prod.pub');
  writeFileSync(keyFile, prod.trusted.publicKey.export({ type: 'spki', format: 'pem' }));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, 'kiosk-token-0123456789abcdef\n');
  return { prod, keyFile, tokenFile };
}

/** `booth provision` for a kiosk id with one trusted key (the token option is the caller's). */
function provisionArgs(dataDir: string, kioskId: string, keyFile: string): string[] {
  return [
    'provision',
    '--data',
    dataDir,
    '--central-url',
    'https://central.police.example.test/api/',
    '--kiosk-id',
    kioskId,
    '--trusted-keys',
    keyFile,
  ];
}

async function production(dataDir: string): Promise<{
  api: ReturnType<typeof createRpcClient<KioskApiTable, KioskEvents>>['api'];
  on: ReturnType<typeof createRpcClient<KioskApiTable, KioskEvents>>['on'];
}> {
  // Simulated devices as test doubles: the mode, not the devices, decides what is reachable.
  core = await startKioskCore({
    dataDir,
    mode: 'production',
    host: 'browser',
    log: silentLogger,
    catalogCheckIntervalMs: 100,
    devices: createSimulatedDevices(),
  });
  const [coreEnd, rendererEnd] = channelPair();
  core.connect(coreEnd);
  return createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
}

describe('a production kiosk', () => {
  it('is out of service without a trusted catalog and offers nothing of the demonstration', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-prod-'));
    const { api } = await production(path.join(dir, 'data'));
    const info = await api['kiosk.info']();
    expect(info).toMatchObject({
      ok: true,
      value: {
        mode: 'production',
        simulated: false,
        service: { state: 'out-of-service', reason: 'no-trusted-catalog' },
        kioskName: { en: 'Smart Police Booth' },
      },
    });
    expect(await api['catalog.get']()).toMatchObject({ ok: false, error: { code: 'out-of-service' } });
    expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({
      ok: false,
      error: { code: 'out-of-service' },
    });
    // The simulation methods do not exist here at all.
    expect(await api['sim.placeCard']({ fixture: 'resident-valid' })).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
    expect(await api['sim.fixtures']()).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    // No demonstration PIN.
    expect(await api['technician.login']({ pin: '000000' })).toMatchObject({
      ok: true,
      value: { signedIn: false, reason: 'no-pin-set' },
    });
  });

  it('refuses a catalog forged with the demonstration key, from USB, and stays out of service', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-prod-'));
    const dataDir = path.join(dir, 'data');
    const { api } = await production(dataDir);
    const forged = signCatalog(
      {
        ...validNow(2 ** 53 - 1),
        notices: [
          {
            id: 'fake',
            severity: 'warning',
            title: { 'zh-CN': '紧急通知', 'zh-HK': '緊急通知', en: 'Urgent' },
            body: {
              'zh-CN': '请把存款转入安全账户 6222…',
              'zh-HK': '請把存款轉入安全賬戶 6222…',
              en: 'Transfer your savings to the safe account 6222…',
            },
          },
        ],
      },
      demoPrivateKey(),
    );
    const file = path.join(dir, 'forged.signed.json');
    writeFileSync(file, JSON.stringify(forged));
    const cli = io();
    expect(await runCli(['catalog', 'apply', file, '--data', dataDir], cli.io)).toBe(1);
    expect(cli.out.join('')).toMatch(/rejected \(unknown-key\)/);
    // Even with BOOTH_SIMULATE=1 in the technician's shell: a provisioned data directory is production.
    const { keyFile, tokenFile } = enrolmentFiles(dir);
    const provision = io();
    expect(
      await runCli(
        [...provisionArgs(dataDir, 'SZ-FT-0012', keyFile), '--token-file', tokenFile],
        provision.io,
      ),
    ).toBe(0);
    const demoShell = io({ BOOTH_SIMULATE: '1' });
    expect(await runCli(['catalog', 'apply', file, '--data', dataDir], demoShell.io)).toBe(1);
    expect(demoShell.out.join('')).toMatch(/rejected \(unknown-key\)/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await api['kiosk.info']()).toMatchObject({
      ok: true,
      value: { service: { state: 'out-of-service' } },
    });
    expect(await api['catalog.get']()).toMatchObject({ ok: false, error: { code: 'out-of-service' } });
  });

  it('enrolled with booth provision, serves the catalog its production key signed', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-prod-'));
    const dataDir = path.join(dir, 'data');
    const { prod, keyFile, tokenFile } = enrolmentFiles(dir);
    const args = [...provisionArgs(dataDir, 'SZ-FT-0012', keyFile), '--groups', 'hk-macao-zone'];
    // The token never on the command line.
    const onArgv = io();
    expect(await runCli([...args, '--token', 'kiosk-token-0123456789abcdef'], onArgv.io)).toBe(2);
    expect(onArgv.out.join('')).toMatch(/visible to every user/);
    const ok = io();
    expect(await runCli([...args, '--token-file', tokenFile], ok.io)).toBe(0);
    expect(ok.out.join('')).toMatch(/provisioned kiosk SZ-FT-0012/);
    expect(ok.out.join('')).not.toContain('kiosk-token-0123456789abcdef');
    expect(statSync(path.join(dataDir, 'provisioning.json')).mode & 0o777).toBe(0o600);
    const show = io();
    expect(await runCli(['provision', 'show', '--data', dataDir, '--json'], show.io)).toBe(0);
    expect(JSON.parse(show.out.join(''))).toMatchObject({ kioskId: 'SZ-FT-0012', token: 'set (not shown)' });
    expect(show.out.join('')).not.toContain('kiosk-token');

    // A demonstration can never run on an enrolled data directory.
    await expect(
      startKioskCore({ dataDir, mode: 'demonstration', host: 'browser', log: silentLogger }),
    ).rejects.toThrow(/provisioned for a real kiosk/);

    const { api, on } = await production(dataDir);
    expect(await api['kiosk.info']()).toMatchObject({
      ok: true,
      value: { kioskId: 'SZ-FT-0012', service: { state: 'out-of-service' } },
    });
    // A catalog for other kiosks is refused; one for this kiosk's group is taken up without a restart.
    const elsewhere = path.join(dir, 'elsewhere.signed.json');
    writeFileSync(
      elsewhere,
      JSON.stringify(
        signCatalog({ ...validNow(3), audience: { kioskIds: ['SZ-FT-0099'] } }, prod.privateKey),
      ),
    );
    const refused = io();
    expect(await runCli(['catalog', 'apply', elsewhere, '--data', dataDir], refused.io)).toBe(1);
    expect(refused.out.join('')).toMatch(/rejected \(audience\)/);

    const good = path.join(dir, 'good.signed.json');
    writeFileSync(
      good,
      JSON.stringify(
        signCatalog({ ...validNow(4), audience: { kioskGroups: ['hk-macao-zone'] } }, prod.privateKey),
      ),
    );
    const changed = new Promise<KioskEvents['catalog.changed']>((resolve) => on('catalog.changed', resolve));
    expect(await runCli(['catalog', 'apply', good, '--data', dataDir], io().io)).toBe(0);
    expect(await changed).toEqual({ version: 4 });
    expect(await api['kiosk.info']()).toMatchObject({
      ok: true,
      value: { service: { state: 'in-service' } },
    });
    const catalog = await api['catalog.get']();
    expect(catalog.ok && catalog.value.version).toBe(4);
    expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({ ok: true });
  });

  it('does not trust a provisioned key file that others can write', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-prod-'));
    const dataDir = path.join(dir, 'data');
    const { prod, keyFile, tokenFile } = enrolmentFiles(dir);
    await runCli([...provisionArgs(dataDir, 'K1', keyFile), '--token-file', tokenFile], io().io);
    const provisioned = path.join(dataDir, 'trusted-keys', `${prod.trusted.keyId}.pub`);
    expect(readFileSync(provisioned, 'utf8')).toContain('PUBLIC KEY');
    chmodSync(provisioned, 0o666);
    const good = path.join(dir, 'good.signed.json');
    writeFileSync(good, JSON.stringify(signCatalog(validNow(2), prod.privateKey)));
    const cli = io();
    expect(await runCli(['catalog', 'apply', good, '--data', dataDir], cli.io)).toBe(1);
    expect(cli.out.join('')).toMatch(/writable by others/);
    expect(cli.out.join('')).toMatch(/rejected \(unknown-key\)/);
  });
});
