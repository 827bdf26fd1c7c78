import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents, VisitView } from '../../main/services/views.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { createLogger, silentLogger, type Logger } from '../../main/core/log.js';

let core: KioskCore | null = null;
let dataDir = '';
afterEach(async () => {
  await core?.close();
  core = null;
  rmSync(dataDir, { recursive: true, force: true });
});

async function startClient(log: Logger = silentLogger) {
  dataDir = mkdtempSync(path.join(tmpdir(), 'booth-core-'));
  core = await startKioskCore({ dataDir, mode: 'demonstration', host: 'browser', log });
  const [coreEnd, rendererEnd] = channelPair();
  core.connect(coreEnd);
  return createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
}

function nextVisit(
  client: Awaited<ReturnType<typeof startClient>>,
  pred: (v: VisitView | null) => boolean,
): Promise<VisitView | null> {
  return new Promise((resolve) => {
    const off = client.on('visit.changed', (v) => {
      if (pred(v)) {
        off();
        resolve(v);
      }
    });
  });
}

describe('kiosk core with simulated peripherals', () => {
  it('reads a placed card over the SAM protocol into the visit, masked, and wipes it at the end', async () => {
    const client = await startClient();
    const { api } = client;
    const catalog = await api['catalog.get']();
    if (!catalog.ok) throw new Error('no catalog');
    const started = await api['visit.start']({ serviceIds: ['household-certificate'] });
    expect(started).toMatchObject({ ok: true, value: { step: 'identify' } });

    const confirmed = nextVisit(client, (v) => v?.step === 'confirm');
    expect(await api['sim.placeCard']({ fixture: 'resident' })).toEqual({ ok: true, value: null });
    const view = await confirmed;
    expect(view?.identity).toMatchObject({ name: '张三', cardType: 'resident', idNumberValid: true });
    expect(view?.identity?.idNumberMasked).not.toContain('19491231');

    expect(await api['visit.proceed']()).toMatchObject({ ok: true, value: { step: 'form' } });
    const done = await api['visit.submit']({
      locale: 'zh-CN',
      forms: { 'household-certificate': { purpose: 'employment' } },
    });
    expect(done).toMatchObject({
      ok: true,
      value: { step: 'done', result: { receipt: { outcome: 'printed' }, urgent: false } },
    });
    // The transaction is durable and queued for upload (no central API configured here).
    const pending = await core!.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox');
    expect(pending?.n).toBe(1);

    const ended = nextVisit(client, (v) => v === null);
    expect(await api['visit.finish']()).toEqual({ ok: true, value: null });
    expect(await ended).toBeNull();
    expect(await api['visit.get']()).toEqual({ ok: true, value: null });
  });

  it('still completes the visit when the printer is out of paper, saying why and offering the QR code', async () => {
    const client = await startClient();
    const { api } = client;
    await api['sim.setPaper']({ state: 'out' });
    await api['visit.start']({ serviceIds: ['household-certificate'] });
    const confirmed = nextVisit(client, (v) => v?.step === 'confirm');
    await api['sim.placeCard']({ fixture: 'resident' });
    await confirmed;
    await api['visit.proceed']();
    const done = await api['visit.submit']({
      locale: 'zh-CN',
      forms: { 'household-certificate': { purpose: 'employment' } },
    });
    expect(done).toMatchObject({
      ok: true,
      value: { step: 'done', result: { receipt: { outcome: 'failed', reason: 'paper-end' } } },
    });
    expect(done.ok && done.value.result?.progressUrl).toMatch(
      /\/progress\/JW-\d{8}-\d{6}\?k=[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
    );
  });

  it('logs a whole visit, a bad card and a paper-out without any personal data', async () => {
    const lines: string[] = [];
    const client = await startClient(createLogger((line) => lines.push(line)));
    const { api } = client;
    await api['visit.start']({ serviceIds: ['household-certificate'] });
    await api['sim.placeCard']({ fixture: 'resident-invalid-check' });
    await new Promise((r) => setTimeout(r, 300));
    await api['sim.removeCard']();
    await new Promise((r) => setTimeout(r, 300));
    const confirmed = nextVisit(client, (v) => v?.step === 'confirm');
    await api['sim.placeCard']({ fixture: 'resident' });
    await confirmed;
    await api['sim.setPaper']({ state: 'out' });
    await api['visit.proceed']();
    await api['visit.submit']({
      locale: 'zh-CN',
      forms: { 'household-certificate': { purpose: 'employment' } },
    });
    await api['visit.finish']();
    await core!.close();
    core = null;
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(text).toContain('visit.completed');
    for (const secret of [
      '张三',
      '李四',
      '11010519491231002X',
      '110105194912310021',
      '19491231',
      '北京市朝阳区',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs the start-up time the renderer reports, and refuses a report that is not one', async () => {
    const lines: string[] = [];
    const client = await startClient(createLogger((line) => lines.push(line)));
    const shown: number[] = [];
    core?.onScreenShown((s) => shown.push(s.sinceCoreStartMs));
    const { api } = client;
    for (const bad of [
      { screen: 'attract', navigationMs: -1 },
      { screen: 'attract', navigationMs: Number.NaN },
      { screen: 'form', navigationMs: 10 },
      { screen: 'attract', navigationMs: 10, extra: true },
    ]) {
      // @ts-expect-error -- what a misbehaving renderer could send
      expect(await api['kiosk.shown'](bad)).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    }
    expect(shown).toEqual([]);
    expect(await api['kiosk.shown']({ screen: 'attract', navigationMs: 812 })).toEqual({
      ok: true,
      value: null,
    });
    expect(shown).toHaveLength(1);
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.event === 'screen.shown');
    expect(logged).toMatchObject({ screen: 'attract', navigationMs: 812 });
    expect(logged?.sinceCoreStartMs).toEqual(shown[0]);
    expect(logged?.sinceProcessStartMs).toBeGreaterThanOrEqual(shown[0] ?? Infinity);
  });

  it('reports device statuses and simulation errors as typed results', async () => {
    const { api } = await startClient();
    const statuses = await api['devices.status']();
    expect(statuses.ok && statuses.value.map((s) => s.kind).sort()).toEqual([
      'citizen-camera',
      'document-camera',
      'id-card',
      'printer',
      'scanner',
    ]);
    expect(await api['sim.placeCard']({ fixture: 'no-such-card' })).toMatchObject({
      ok: false,
      error: { code: 'unknown-fixture' },
    });
    const fixtures = await api['sim.fixtures']();
    expect(fixtures.ok && fixtures.value.map((f) => f.cardType)).toEqual(
      expect.arrayContaining(['resident', 'hmt-permit', 'foreigner', 'foreigner-2023']),
    );
  });

  it('classifies and broadcasts scanned codes, from the simulated scanner and from a keyboard wedge', async () => {
    const client = await startClient();
    const scans: KioskEvents['scanner.scanned'][] = [];
    client.on('scanner.scanned', (s) => scans.push(s));
    await client.api['sim.scan']({ text: 'https://example.org/x' });
    const wedge = await client.api['scanner.wedgeScan']({ text: 'javascript:alert(1)' });
    expect(wedge).toMatchObject({ ok: true, value: { kind: 'unknown' } });
    for (let i = 0; i < 50 && scans.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(scans.map((s) => s.kind).sort()).toEqual(['unknown', 'url']);
  });
});
