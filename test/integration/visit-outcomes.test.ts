import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents, VisitView } from '../../main/services/views.js';
import { startKioskCore, type KioskCore, type KioskCoreOptions } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { MISSING_PERSON_FORM } from '../../main/services/session/visit-test-support.js';

let core: KioskCore | null = null;
let central: CentralServer | null = null;
let dataDir = '';
afterEach(async () => {
  await core?.close();
  core = null;
  await central?.close();
  central = null;
  rmSync(dataDir, { recursive: true, force: true });
});

type Client = ReturnType<typeof createRpcClient<KioskApiTable, KioskEvents>>;

async function start(options: Partial<KioskCoreOptions> = {}): Promise<Client> {
  dataDir = mkdtempSync(path.join(tmpdir(), 'booth-outcomes-'));
  core = await startKioskCore({
    dataDir,
    mode: 'demonstration',
    host: 'browser',
    log: silentLogger,
    ...options,
  });
  const [coreEnd, rendererEnd] = channelPair();
  core.connect(coreEnd);
  return createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
}

async function startWithCentral(): Promise<Client> {
  central = await startCentralServer({
    port: 0,
    dataDir: ':memory:',
    kioskTokens: { 'outcomes-kiosk': 'outcomes-token' },
    adminToken: 'outcomes-admin',
  });
  return start({ centralUrl: central.url, centralToken: 'outcomes-token', kioskId: 'outcomes-kiosk' });
}

/** Resolves with the first visit view the predicate accepts, or fails after `ms`. */
function nextVisit(
  client: Client,
  pred: (v: VisitView | null) => boolean,
  ms = 10_000,
): Promise<VisitView | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no such visit state in time'));
    }, ms);
    const off = client.on('visit.changed', (v) => {
      if (pred(v)) {
        clearTimeout(timer);
        off();
        resolve(v);
      }
    });
  });
}

/** Takes the card off the simulated reader and waits until the reader has seen it go. */
async function liftCard(client: Client): Promise<void> {
  const gone = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the reader did not see the card go')), 5_000);
    const off = core!.devices.idCard.on('card-removed', () => {
      clearTimeout(timer);
      off();
      resolve();
    });
  });
  await client.api['sim.removeCard']();
  await gone;
}

/** A household-certificate visit with the resident card, up to the final screen. */
async function householdVisit(client: Client): Promise<VisitView> {
  const { api } = client;
  await api['visit.start']({ serviceIds: ['household-certificate'] });
  const confirmed = nextVisit(client, (v) => v?.step === 'confirm');
  await api['sim.placeCard']({ fixture: 'resident' });
  await confirmed;
  await api['visit.proceed']();
  const done = await api['visit.submit']({
    locale: 'zh-CN',
    forms: { 'household-certificate': { purpose: 'employment' } },
  });
  if (!done.ok) throw new Error(done.error.code);
  return done.value;
}

describe('honest endings', () => {
  it('an urgent report with the central system down says not received, refuses a plain Finish, and turns received (not yet acknowledged by an officer) once it is back', async () => {
    const client = await startWithCentral();
    const { api } = client;
    central!.setFaults(() => 'reset');
    await api['visit.start']({ serviceIds: ['missing-person'] });
    const confirmed = nextVisit(client, (v) => v?.step === 'confirm');
    await api['sim.placeCard']({ fixture: 'resident' });
    await confirmed;
    await api['visit.proceed']();
    const retrying = nextVisit(client, (v) => v?.result?.delivery === 'retrying');
    const done = await api['visit.submit']({
      locale: 'zh-CN',
      forms: { 'missing-person': MISSING_PERSON_FORM },
    });
    expect(done).toMatchObject({ ok: true, value: { result: { urgent: true, acknowledged: false } } });
    expect(await retrying).toMatchObject({ result: { delivery: 'retrying', acknowledgedAt: null } });
    expect(await api['visit.finish']()).toMatchObject({
      ok: false,
      error: { code: 'urgent-not-acknowledged' },
    });

    const acknowledged = nextVisit(client, (v) => v?.result?.delivery === 'acknowledged', 40_000);
    central!.setFaults(undefined);
    const view = await acknowledged;
    // Stored by the central system, which is not yet the command centre: no officer has acknowledged it.
    expect(view?.result).toMatchObject({ acknowledged: true, commandCentreAcknowledgedAt: null });
    expect(Date.parse(view?.result?.acknowledgedAt ?? '')).not.toBeNaN();
    expect((await central!.stats()).urgent).toBe(1);
    expect(await api['visit.finish']()).toMatchObject({
      ok: false,
      error: { code: 'urgent-not-acknowledged' },
    });
    expect(await api['visit.finish']({ acceptUndelivered: true })).toEqual({ ok: true, value: null });
  }, 60_000);
});

describe('cards', () => {
  it('refuses an expired Hong Kong permit and an expired foreigner card with the date, and reads a card left on the reader at the next visit', async () => {
    const client = await start();
    const { api } = client;
    await api['visit.start']({ serviceIds: ['violation-query'] });
    const refused = nextVisit(client, (v) => v?.cardProblem?.code === 'card-expired');
    await api['sim.placeCard']({ fixture: 'hk-permit-expired' });
    expect((await refused)?.cardProblem).toEqual({
      code: 'card-expired',
      messageKey: 'card.expired',
      validTo: '2024-01-01',
    });
    await api['visit.cancel']();
    await liftCard(client);

    await api['visit.start']({ serviceIds: ['violation-query'] });
    const refusedAgain = nextVisit(client, (v) => v?.cardProblem?.validTo === '2020-01-01');
    await api['sim.placeCard']({ fixture: 'foreigner-expired' });
    await refusedAgain;
    await api['visit.cancel']();
    await liftCard(client);

    // A valid foreigner card: its English name is shown. Then it stays on the reader…
    await api['visit.start']({ serviceIds: ['violation-query'] });
    const read = nextVisit(client, (v) => v?.step === 'confirm');
    await api['sim.placeCard']({ fixture: 'foreigner' });
    expect((await read)?.identity).toMatchObject({ name: '史密斯', englishName: 'SMITH, JOHN EXAMPLE' });
    await api['visit.cancel']();
    // …and the next visit reads it again without a lift-and-replace.
    const readAgain = nextVisit(client, (v) => v?.step === 'confirm');
    expect(await api['visit.start']({ serviceIds: ['violation-query'] })).toMatchObject({
      ok: true,
      value: { step: 'identify' },
    });
    expect((await readAgain)?.identity?.englishName).toBe('SMITH, JOHN EXAMPLE');
    await api['visit.cancel']();
  });

  it('accepts an expired card with a notice where the service allows it', async () => {
    const client = await start();
    const { api } = client;
    await api['visit.start']({ serviceIds: ['missing-person'] });
    const read = nextVisit(client, (v) => v?.step === 'confirm');
    await api['sim.placeCard']({ fixture: 'hk-permit-expired' });
    expect((await read)?.identity).toMatchObject({ cardType: 'hmt-permit', expiredOn: '2024-01-01' });
    await api['visit.cancel']();
  });
});

describe('at the kiosk', () => {
  it('looks a receipt up by its scanned QR code (masked name) or its typed number (status only)', async () => {
    const client = await start();
    const { api } = client;
    const info = await api['kiosk.info']();
    expect(info.ok && info.value.progressLinksLocal).toBe(true);
    const done = await householdVisit(client);
    const url = done.result!.progressUrl;
    await api['visit.finish']();

    const scans: KioskEvents['scanner.scanned'][] = [];
    client.on('scanner.scanned', (s) => scans.push(s));
    await api['sim.scan']({ text: url });
    const deadline = Date.now() + 5_000;
    while (scans.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(scans[0]).toMatchObject({ kind: 'progress', text: url });

    const scanned = await api['progress.lookup']({ code: url });
    expect(scanned).toMatchObject({
      ok: true,
      value: {
        transactionNumber: done.result!.transactionNumber,
        keyMatched: true,
        citizenNameMasked: '张*',
        receiptPrinted: true,
        delivery: 'saved',
        services: [{ id: 'household-certificate', name: { 'zh-CN': '户籍证明开具' } }],
      },
    });
    const typed = await api['progress.lookup']({ code: done.result!.transactionNumber.replace(/\D/g, '') });
    expect(typed).toMatchObject({ ok: true, value: { keyMatched: false, citizenNameMasked: null } });
    expect(JSON.stringify(typed)).not.toContain('张');
    expect(await api['progress.lookup']({ code: 'JW-20200101-000001' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('puts BOOTH_PUBLIC_URL in the receipt link, and a scanned link on that base is a progress look-up', async () => {
    const before = process.env.BOOTH_PUBLIC_URL;
    process.env.BOOTH_PUBLIC_URL = 'https://progress.police.example/kiosk/';
    try {
      const client = await start();
      const info = await client.api['kiosk.info']();
      expect(info.ok && info.value.progressLinksLocal).toBe(false);
      const done = await householdVisit(client);
      expect(done.result?.progressUrl).toMatch(
        /^https:\/\/progress\.police\.example\/kiosk\/progress\/JW-\d{8}-\d{6}\?k=[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
      );
      const wedge = await client.api['scanner.wedgeScan']({ text: done.result!.progressUrl });
      expect(wedge).toMatchObject({ ok: true, value: { kind: 'progress' } });
      const foreign = await client.api['scanner.wedgeScan']({
        text: done.result!.progressUrl.replace('progress.police.example', 'evil.example'),
      });
      expect(foreign).toMatchObject({ ok: true, value: { kind: 'url' } });
    } finally {
      if (before === undefined) delete process.env.BOOTH_PUBLIC_URL;
      else process.env.BOOTH_PUBLIC_URL = before;
    }
  });

  it('reports the paper running low before anyone starts, though the printer still prints', async () => {
    const client = await start();
    const { api } = client;
    const printerEvents: KioskEvents['device.status'][] = [];
    client.on('device.status', (s) => {
      if (s.kind === 'printer') printerEvents.push(s);
    });
    await api['sim.setPaper']({ state: 'near-end' });
    const deadline = Date.now() + 10_000;
    while (!printerEvents.some((e) => e.paperLow) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(printerEvents.find((e) => e.paperLow)).toMatchObject({
      status: { state: 'online' },
      paperLow: true,
    });
    const statuses = await api['devices.status']();
    expect(statuses.ok && statuses.value.find((d) => d.kind === 'printer')?.paperLow).toBe(true);
  });
});
