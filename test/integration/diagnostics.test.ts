import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { x as extractTar } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents } from '../../main/services/views.js';
import { runCli } from '../../main/cli/main.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { logDir, silentLogger } from '../../main/core/log.js';
import { nextEvent } from '../support/kiosk-client.js';

/** What a visit and a careless caller leave behind; none of it may be in the bundle. */
const PERSONAL = {
  cardName: '张三',
  cardIdNumber: '11010519491231002X',
  phone: '13912345678',
  token: 'kT3v9Qz1Xw8Lr5Yb2Nc7Md4Pf6Hs0Ja1Ge3Ui5Ok7',
  englishName: 'ZHANG SAN',
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A demonstration kiosk that served one whole visit (card read, form sent, receipt printed). */
async function kioskAfterVisit(dataDir: string): Promise<KioskCore> {
  const core = await startKioskCore({
    dataDir,
    mode: 'demonstration',
    host: 'browser',
    log: silentLogger,
    centralToken: PERSONAL.token,
  });
  const [coreEnd, rendererEnd] = channelPair();
  core.connect(coreEnd);
  const client = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
  const { api } = client;
  expect(await api['visit.start']({ serviceIds: ['household-certificate'] })).toMatchObject({ ok: true });
  const confirmed = nextEvent(client, 'visit.changed', (v) => v?.step === 'confirm', 'card read');
  await api['sim.placeCard']({ fixture: 'resident' });
  await confirmed;
  await api['visit.proceed']();
  const done = await api['visit.submit']({
    locale: 'zh-CN',
    forms: { 'household-certificate': { purpose: 'employment' } },
  });
  expect(done).toMatchObject({ ok: true, value: { step: 'done' } });
  await api['visit.finish']();
  // A careless audit row, as an older version might have written it.
  await core.store.audit.append('test.careless', 'system', {
    phone: PERSONAL.phone,
    note: `called ${PERSONAL.phone} about ${PERSONAL.cardIdNumber}`,
  });
  return core;
}

describe('booth diagnostics export', () => {
  it('bundles logs, health, devices, configuration and catalog status with no personal data or token', async () => {
    const dataDir = temp('booth-diag-');
    const core = await kioskAfterVisit(dataDir);
    await core.close();
    // An old, unscrubbed log file (written before this version's logger) and a non-JSON line.
    mkdirSync(logDir(dataDir), { recursive: true });
    writeFileSync(
      path.join(logDir(dataDir), 'booth.log.1'),
      [
        JSON.stringify({
          level: 'info',
          event: 'visit.card',
          name: PERSONAL.cardName,
          id: PERSONAL.cardIdNumber,
        }),
        JSON.stringify({ level: 'info', event: 'central.auth', header: `Bearer ${PERSONAL.token}` }),
        `panic: card holder ${PERSONAL.englishName} phone ${PERSONAL.phone}`,
      ].join('\n') + '\n',
    );

    const outDir = temp('booth-diag-out-');
    let stdout = '';
    let stderr = '';
    const code = await runCli(['diagnostics', 'export', '--data', dataDir, '--out', outDir], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { BOOTH_SIMULATE: '1', BOOTH_CENTRAL_TOKEN: PERSONAL.token, BOOTH_PRINTER: 'tcp:192.0.2.10:9100' },
      signal: new AbortController().signal,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [bundle] = readdirSync(outDir);
    expect(bundle).toMatch(/^booth-diagnostics-[A-Za-z0-9._-]+-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(stdout).toContain(bundle);
    const file = path.join(outDir, bundle as string);

    // The raw archive (headers included) and every member, extracted.
    const raw = gunzipSync(readFileSync(file)).toString('utf8');
    const unpacked = temp('booth-diag-x-');
    await extractTar({ file, cwd: unpacked });
    const members = readdirSync(unpacked, { recursive: true, encoding: 'utf8' }).filter((m) =>
      statSync(path.join(unpacked, m)).isFile(),
    );
    expect(members.sort()).toEqual(
      [
        'audit.json',
        'catalog.json',
        'config.json',
        'devices.json',
        'health.json',
        'logs/booth.log',
        'logs/booth.log.1',
        'manifest.json',
      ].sort(),
    );
    const texts = members.map((m) => readFileSync(path.join(unpacked, m), 'utf8'));
    for (const value of Object.values(PERSONAL)) {
      expect(raw).not.toContain(value);
      for (const text of texts) expect(text).not.toContain(value);
    }
    // The digits of the ID number and phone number in any spacing are gone too.
    expect(raw).not.toMatch(/1101051949/);
    expect(raw).not.toMatch(/139\D?1234\D?5678/);

    // And it is useful: the visit's log lines, the health snapshot, the configured printer, the catalog.
    const read = (m: string): string => readFileSync(path.join(unpacked, m), 'utf8');
    expect(read('logs/booth.log')).toContain('"event":"visit.ended"');
    expect(JSON.parse(read('health.json'))).toMatchObject({ mode: 'demonstration', outbox: { depth: 1 } });
    expect(JSON.parse(read('devices.json'))).toMatchObject({
      configured: expect.arrayContaining([
        expect.objectContaining({ role: 'printer', spec: 'tcp:192.0.2.10:9100' }),
      ]),
    });
    expect(JSON.parse(read('config.json'))).toMatchObject({
      environment: { BOOTH_CENTRAL_TOKEN: '[removed]', BOOTH_SIMULATE: '1' },
    });
    expect(JSON.parse(read('catalog.json')).appliedVersion).toBeGreaterThan(0);
    expect(read('audit.json')).toContain('test.careless');
  });

  it('refuses to run without --out', async () => {
    let stderr = '';
    const code = await runCli(['diagnostics', 'export', '--data', temp('booth-diag-')], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      env: {},
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--out PATH is required/);
  });
});
