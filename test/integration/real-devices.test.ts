import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IdCardSimulator } from '../../drivers/id-card/simulator.js';
import { serveSimulatorOn, type SimulatorEndpoint } from '../../drivers/printer/serve.js';
import { PrinterSimulator } from '../../drivers/printer/simulator.js';
import { SerialScannerSimulator } from '../../drivers/scanner/simulator.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { DeviceStatusView, KioskEvents } from '../../main/services/views.js';
import type { CliIO } from '../../main/cli/command.js';
import { runCli } from '../../main/cli/main.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { openStore } from '../../main/store/index.js';
import { signCatalog } from '../../contract/catalog/signing.js';
import { defaultCatalog, newKey } from '../fixtures/catalog/helpers.js';
import { createPtyPair, type PtyPair } from '../support/socat.js';
import { nextEvent } from '../support/kiosk-client.js';

const booth = fileURLToPath(new URL('../../bin/booth.mjs', import.meta.url));
const DEVICE_VARS = [
  'BOOTH_IDCARD',
  'BOOTH_PRINTER',
  'BOOTH_SCANNER',
  'BOOTH_CAMERA_CITIZEN',
  'BOOTH_CAMERA_DOCUMENT',
] as const;

/** Polls a condition with a generous deadline (no timing assertion: only that it happens). */
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function collectingIo(
  env: Record<string, string | undefined> = {},
): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    signal: new AbortController().signal,
  };
}

function runBooth(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [booth, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const savedEnv: Partial<Record<(typeof DEVICE_VARS)[number], string | undefined>> = {};
beforeAll(() => {
  for (const v of DEVICE_VARS) {
    savedEnv[v] = process.env[v];
    delete process.env[v];
  }
});
afterAll(() => {
  for (const v of DEVICE_VARS) {
    if (savedEnv[v] === undefined) delete process.env[v];
    else process.env[v] = savedEnv[v];
  }
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  for (const v of DEVICE_VARS) delete process.env[v];
});

describe('booth config (in-process)', () => {
  it('stores a role with an audit entry, shows where each role comes from, and clears with none', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-config-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

    const set = collectingIo();
    expect(await runCli(['config', 'set-device', 'printer', 'tcp:192.0.2.10', '--data', dataDir], set)).toBe(
      0,
    );
    expect(set.out.join('')).toBe('printer: tcp:192.0.2.10:9100 (stored)\n');

    const show = collectingIo({ BOOTH_IDCARD: 'serial:/dev/ttyUSB0@115200' });
    expect(await runCli(['config', 'devices', '--data', dataDir, '--json'], show)).toBe(0);
    const shown = JSON.parse(show.out.join('')) as { devices: unknown[] };
    expect(shown.devices).toEqual([
      {
        role: 'id-card',
        spec: 'serial:/dev/ttyUSB0@115200',
        source: 'env',
        variable: 'BOOTH_IDCARD',
        error: null,
      },
      {
        role: 'printer',
        spec: 'tcp:192.0.2.10:9100',
        source: 'stored',
        variable: 'BOOTH_PRINTER',
        error: null,
      },
      { role: 'scanner', spec: 'none', source: 'none', variable: 'BOOTH_SCANNER', error: null },
      {
        role: 'citizen-camera',
        spec: 'none',
        source: 'none',
        variable: 'BOOTH_CAMERA_CITIZEN',
        error: null,
      },
      {
        role: 'document-camera',
        spec: 'none',
        source: 'none',
        variable: 'BOOTH_CAMERA_DOCUMENT',
        error: null,
      },
    ]);

    const human = collectingIo({ BOOTH_SCANNER: 'bogus:1' });
    expect(await runCli(['config', 'devices', '--data', dataDir], human)).toBe(0);
    const text = human.out.join('');
    expect(text).toMatch(/^printer\s+tcp:192\.0\.2\.10:9100\s+stored$/m);
    expect(text).toMatch(/^scanner\s+INVALID\s+env \(BOOTH_SCANNER\)$/m);
    expect(text).toMatch(/^error: BOOTH_SCANNER: unknown device kind 'bogus'/m);

    const clear = collectingIo({ BOOTH_PRINTER: 'file:/dev/usb/lp0' });
    expect(await runCli(['config', 'set-device', 'printer', 'none', '--data', dataDir], clear)).toBe(0);
    expect(clear.out.join('')).toBe('printer: not installed (stored)\n');
    expect(clear.err.join('')).toBe(
      'note: BOOTH_PRINTER is set and takes precedence over the stored setting\n',
    );

    const store = await openStore({ dataDir });
    try {
      expect(await store.deviceConfig.get('printer')).toBeNull();
      const audit = await store.audit.recent(10);
      expect(audit.map((a) => [a.event, a.details])).toEqual([
        ['device-config.set', { role: 'printer', device: 'none' }],
        ['device-config.set', { role: 'printer', device: 'tcp:192.0.2.10:9100' }],
      ]);
    } finally {
      await store.close();
    }
  });

  it('refuses bad roles and specs with one line and exit 2, storing nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-config-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    for (const [args, message] of [
      [
        ['camera', 'serial:/dev/video0'],
        "booth config set-device: unknown role 'camera' (expected id-card, printer, scanner, citizen-camera or document-camera)\n",
      ],
      [
        ['id-card', 'tcp:192.0.2.10'],
        /^booth config set-device: SPEC: a tcp device cannot be the ID card reader in 'tcp:192.0.2.10'/,
      ],
      [['scanner', 'hid:xyz'], /^booth config set-device: SPEC: 'xyz' is not VID:PID in hex/],
      [['printer'], /^booth config set-device: expected ROLE and SPEC/],
    ] as const) {
      const io = collectingIo();
      expect(await runCli(['config', 'set-device', ...args, '--data', dataDir], io)).toBe(2);
      const err = io.err.join('');
      if (typeof message === 'string') expect(err).toBe(message);
      else expect(err).toMatch(message);
      expect(err.trimEnd().split('\n')).toHaveLength(1);
    }
    const store = await openStore({ dataDir });
    try {
      expect(await store.deviceConfig.all()).toEqual({});
    } finally {
      await store.close();
    }
  });
});

describe('booth config as a real subprocess', () => {
  it('sets and shows devices; a bad spec exits 2 with one line', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-config-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = { BOOTH_IDCARD: undefined, BOOTH_PRINTER: undefined, BOOTH_SCANNER: 'hid:0c2e:0b61' };
    const set = await runBooth(
      ['config', 'set-device', 'id-card', 'serial:/dev/ttyUSB0@9600', '--data', dataDir],
      env,
    );
    expect(set).toMatchObject({ code: 0, stdout: 'id-card: serial:/dev/ttyUSB0@9600 (stored)\n' });
    const shown = await runBooth(['config', 'devices', '--json', '--data', dataDir], env);
    expect(shown.code).toBe(0);
    expect(
      (JSON.parse(shown.stdout) as { devices: Array<{ spec: string; source: string }> }).devices,
    ).toMatchObject([
      { spec: 'serial:/dev/ttyUSB0@9600', source: 'stored' },
      { spec: 'none', source: 'none' },
      { spec: 'hid:0c2e:0b61', source: 'env' },
      { spec: 'none', source: 'none' },
      { spec: 'none', source: 'none' },
    ]);
    const bad = await runBooth(
      ['config', 'set-device', 'printer', 'tcp:printer:70000', '--data', dataDir],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^booth config set-device: SPEC: 'printer:70000' is not HOST or HOST:PORT \(port 1-65535\)/,
    );
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('the real kiosk core (simulate: false) on socat PTY pairs', () => {
  it(
    'reads a card into a visit, prints the receipt, reports scans, refuses simulation, and survives an ID card replug',
    { timeout: 120_000 },
    async () => {
      const ptyDir = mkdtempSync(path.join(tmpdir(), 'booth-real-pty-'));
      const dataDir = mkdtempSync(path.join(tmpdir(), 'booth-real-data-'));
      cleanups.push(async () => {
        rmSync(ptyDir, { recursive: true, force: true });
        rmSync(dataDir, { recursive: true, force: true });
      });

      // Device ends: an ID card reader, a receipt printer and a serial scanner, each on its own PTY pair.
      let idPair: PtyPair = await createPtyPair({ dir: ptyDir, names: ['idcard-host', 'idcard-dev'] });
      const printerPair = await createPtyPair({ dir: ptyDir, names: ['printer-host', 'printer-dev'] });
      const scannerPair = await createPtyPair({ dir: ptyDir, names: ['scanner-host', 'scanner-dev'] });
      cleanups.push(
        () => scannerPair.close(),
        () => printerPair.close(),
        () => idPair.close(),
      );

      let idSim = new IdCardSimulator(new SerialTransport({ path: idPair.b }));
      await idSim.start();
      cleanups.push(() => idSim.stop());
      const printerSim = new PrinterSimulator();
      const printerEndpoint: SimulatorEndpoint = await serveSimulatorOn(
        printerSim,
        new SerialTransport({ path: printerPair.b, baudRate: 115200 }),
      );
      cleanups.push(() => printerEndpoint.close());
      const scannerSim = new SerialScannerSimulator(
        new SerialTransport({ path: scannerPair.b, baudRate: 9600 }),
      );
      await scannerSim.open();
      cleanups.push(() => scannerSim.close());

      // Configuration from both sources: the ID card from the environment, the others stored by the CLI.
      process.env.BOOTH_IDCARD = `serial:${idPair.a}@115200`;
      for (const [role, spec] of [
        ['printer', `serial:${printerPair.a}@115200`],
        ['scanner', `serial:${scannerPair.a}@9600`],
      ] as const) {
        expect(await runCli(['config', 'set-device', role, spec, '--data', dataDir], collectingIo())).toBe(0);
      }

      // A production kiosk serves only a catalog signed by a key it trusts: one is applied first, as from USB.
      const key = newKey();
      const keyDir = mkdtempSync(path.join(tmpdir(), 'booth-real-key-'));
      cleanups.push(async () => rmSync(keyDir, { recursive: true, force: true }));
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
      cleanups.push(async () => {
        delete process.env.BOOTH_CATALOG_TRUSTED_KEYS;
      });
      expect(
        await runCli(
          ['catalog', 'apply', catalogFile, '--data', dataDir],
          collectingIo({ BOOTH_CATALOG_TRUSTED_KEYS: keyFile }),
        ),
      ).toBe(0);

      const core: KioskCore = await startKioskCore({
        dataDir,
        mode: 'production',
        host: 'browser',
        log: silentLogger,
      });
      cleanups.push(() => core.close());
      const [coreEnd, rendererEnd] = channelPair();
      core.connect(coreEnd);
      const client = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
      const { api } = client;

      const info = await api['kiosk.info']();
      expect(info).toMatchObject({ ok: true, value: { simulated: false } });

      const statuses = async (): Promise<DeviceStatusView[]> => {
        const r = await api['devices.status']();
        if (!r.ok) throw new Error('devices.status failed');
        // The serial peripherals (the camera rows follow what a renderer reports; none is connected here).
        return r.value.filter((d) => !d.kind.endsWith('-camera'));
      };
      const stateOf = async (kind: string): Promise<string | undefined> =>
        (await statuses()).find((d) => d.kind === kind)?.status.state;

      // The printer answers its first status poll during start; the reader and scanner open at start.
      await eventually('all three online', async () =>
        (await statuses()).every((d) => d.status.state === 'online'),
      );
      expect(await statuses()).toEqual([
        { kind: 'id-card', status: { state: 'online' }, connection: `serial:${idPair.a}@115200` },
        { kind: 'printer', status: { state: 'online' }, connection: `serial:${printerPair.a}@115200` },
        { kind: 'scanner', status: { state: 'online' }, connection: `serial:${scannerPair.a}@9600` },
      ]);

      // No simulation methods on a production kiosk.
      expect(await api['sim.placeCard']({ fixture: 'resident' })).toMatchObject({
        ok: false,
        error: { code: 'unknown-method' },
      });

      // A card placed on the reader is read over the serial line into the visit, masked.
      expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({
        ok: true,
        value: { step: 'identify' },
      });
      const confirmed = nextEvent(
        client,
        'visit.changed',
        (v) => v?.step === 'confirm',
        'card read into the visit',
      );
      idSim.placeCard('resident');
      const view = await confirmed;
      expect(view?.identity).toMatchObject({ name: '张三', cardType: 'resident', idNumberValid: true });
      expect(view?.identity?.idNumberMasked).toBe('1101**********002X');

      // The receipt goes to the printer simulator over the PTY.
      expect(await api['visit.proceed']()).toMatchObject({ ok: true, value: { step: 'form' } });
      const done = await api['visit.submit']({
        locale: 'zh-CN',
        forms: { 'household-certificate': { purpose: 'employment' } },
      });
      expect(done).toMatchObject({
        ok: true,
        value: { step: 'done', result: { receipt: { outcome: 'printed' } } },
      });
      expect(printerSim.jobs).toHaveLength(1);
      expect(await api['visit.finish']()).toEqual({ ok: true, value: null });

      // A scan from the serial scanner arrives as an event.
      const scanned = nextEvent(client, 'scanner.scanned', () => true, 'scan event');
      await scannerSim.scan('https://example.org/notice/42', { symbology: 'QR' });
      expect(await scanned).toEqual({ text: 'https://example.org/notice/42', kind: 'url', symbology: 'QR' });

      // Pull the ID card reader: no-device, while the others stay online.
      await idSim.stop();
      await idPair.close();
      await eventually('id-card no-device', async () => (await stateOf('id-card')) === 'no-device');
      expect(await stateOf('printer')).toBe('online');
      expect(await stateOf('scanner')).toBe('online');

      // Plug it back in at the same path: the reader reconnects on its own and reads again.
      idPair = await createPtyPair({ dir: ptyDir, names: ['idcard-host', 'idcard-dev'] });
      idSim = new IdCardSimulator(new SerialTransport({ path: idPair.b }));
      await idSim.start();
      await eventually('id-card back online', async () => (await stateOf('id-card')) === 'online');
      expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({ ok: true });
      const again = nextEvent(
        client,
        'visit.changed',
        (v) => v?.step === 'confirm',
        'card read after replug',
      );
      idSim.placeCard('resident-long-term');
      expect((await again)?.identity).toMatchObject({
        name: '王五',
        cardType: 'resident',
        idNumberMasked: '1101**********0017',
      });
    },
  );
});
