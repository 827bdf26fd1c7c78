import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailboxStatus, TransactionProgress } from '../../../contract/central-api.js';
import { openStore, type KioskStore } from '../../store/store.js';
import { validateCatalog } from '../../../contract/catalog/schema.js';
import type { CentralResult } from '../central/client.js';
import { OutboxRepository } from '../sync/outbox.js';
import { TransactionService } from '../transactions/transactions.js';
import {
  createProgressLookup,
  normalizeTransactionNumber,
  parseProgressCode,
  receiptRecorder,
} from './progress-lookup.js';

const parsed = validateCatalog(JSON.parse(readFileSync('resources/catalog/default-catalog.json', 'utf8')));
if (!parsed.ok) throw new Error('default catalog invalid');
const catalog = parsed.value;
const KEY = '7ZZZZZZZZZZZZZZZZZZZZZZZZZ';

describe('reading a receipt code', () => {
  const bases = ['https://progress.police.example/kiosk', 'http://127.0.0.1:8571'];

  it('takes a transaction number however a digit pad typed it', () => {
    for (const typed of ['JW-20261130-000042', 'jw-20261130-000042', '20261130000042', ' 20261130 000042 '])
      expect(normalizeTransactionNumber(typed)).toBe('JW-20261130-000042');
    for (const bad of ['2026113000004', 'JW-20261331-000042', 'XX-20261130-000042', '', 'JW-20261130-00004a'])
      expect(normalizeTransactionNumber(bad)).toBeNull();
  });

  it('reads the number and key of this kiosk’s own receipt links, and nothing from other sites', () => {
    expect(
      parseProgressCode(`https://progress.police.example/kiosk/progress/JW-20261130-000042?k=${KEY}`, bases),
    ).toEqual({ number: 'JW-20261130-000042', key: KEY });
    expect(
      parseProgressCode(`http://127.0.0.1:8571/progress/JW-20261130-000042?k=${KEY.toLowerCase()}`, bases),
    ).toEqual({ number: 'JW-20261130-000042', key: KEY });
    expect(parseProgressCode('http://127.0.0.1:8571/progress/JW-20261130-000042', bases)).toEqual({
      number: 'JW-20261130-000042',
      key: null,
    });
    expect(parseProgressCode('JW-20261130-000042', bases)).toEqual({
      number: 'JW-20261130-000042',
      key: null,
    });
    for (const foreign of [
      `https://evil.example/progress/JW-20261130-000042?k=${KEY}`,
      `https://progress.police.example/progress/JW-20261130-000042?k=${KEY}`, // outside the base path
      `https://user@progress.police.example/kiosk/progress/JW-20261130-000042?k=${KEY}`,
      `http://127.0.0.1:9999/progress/JW-20261130-000042?k=${KEY}`,
      'https://progress.police.example/kiosk/progress/not-a-number',
      'javascript:alert(1)',
      'x'.repeat(20_000),
    ])
      expect(parseProgressCode(foreign, bases)).toBeNull();
  });
});

describe('the kiosk’s progress look-up', () => {
  let dir = '';
  let store: KioskStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(central?: (number: string) => CentralResult<TransactionProgress | null>) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'booth-progress-'));
    store = await openStore({ dataDir: dir });
    const transactions = new TransactionService(store);
    const lookup = createProgressLookup({
      store,
      transactions,
      kioskId: 'kiosk-1',
      catalog: () => catalog,
      baseUrls: ['http://127.0.0.1:8571'],
      ...(central ? { centralProgress: async (number: string) => central(number) } : {}),
    });
    const completed = await transactions.complete({
      locale: 'zh-CN',
      catalogVersion: 1,
      citizen: { cardType: 'resident', name: '张三', idNumber: '11010519491231002X' },
      services: [
        {
          serviceId: 'chief-mailbox',
          name: catalog.services.find((s) => s.id === 'chief-mailbox')!.name,
          form: {},
        },
      ],
    });
    return { store, transactions, lookup, completed };
  }

  it('shows a typed number’s status, services by catalog name and receipt outcome, and nothing personal', async () => {
    const { store, lookup, completed } = await setup();
    await receiptRecorder(store)(completed.number, { outcome: 'failed', reason: 'paper-end' });
    const r = await lookup(completed.number.replace(/-/g, '').slice(2));
    expect(r).toEqual({
      ok: true,
      value: {
        transactionNumber: completed.number,
        completedAt: new Date(completed.completedAt).toISOString(),
        urgent: false,
        services: [
          { id: 'chief-mailbox', name: { 'zh-CN': '局长信箱', 'zh-HK': '局長信箱', en: "Chief's mailbox" } },
        ],
        delivery: 'saved',
        centralStatus: null,
        letter: null,
        receiptPrinted: false,
        citizenNameMasked: null,
        keyMatched: false,
      },
    });
    expect(JSON.stringify(r)).not.toContain('张');
  });

  it('shows the masked name only with the QR code’s key, and follows the upload to the central answer', async () => {
    const { store, lookup, completed } = await setup((number) => ({
      ok: true,
      value: { number, status: 'in-progress', updatedAt: '2026-11-30T10:00:00Z' },
    }));
    const link = `http://127.0.0.1:8571/progress/${completed.number}?k=${completed.progressKey}`;
    expect(await lookup(link)).toMatchObject({
      ok: true,
      value: { keyMatched: true, citizenNameMasked: '张*' },
    });
    // A wrong key is a typed number: status only.
    expect(await lookup(link.replace(/k=.*/, `k=${KEY}`))).toMatchObject({
      ok: true,
      value: { keyMatched: false, citizenNameMasked: null, receiptPrinted: null },
    });
    const outbox = new OutboxRepository(store);
    await outbox.markFailed([completed.id], 'network: ECONNREFUSED', Date.now() + 1000);
    expect(await lookup(completed.number)).toMatchObject({ ok: true, value: { delivery: 'retrying' } });
    await outbox.markAcknowledged([completed.id], Date.now());
    expect(await lookup(completed.number)).toMatchObject({
      ok: true,
      value: { delivery: 'acknowledged', centralStatus: 'in-progress' },
    });
  });

  it('shows a letter’s officer-driven status to anyone with its number, and the reply only with the QR code', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'booth-progress-'));
    const kioskStore = await openStore({ dataDir: dir });
    store = kioskStore;
    const transactions = new TransactionService(kioskStore);
    const asked: string[] = [];
    let answer: MailboxStatus | null = null;
    const lookup = createProgressLookup({
      store: kioskStore,
      transactions,
      kioskId: 'kiosk-1',
      catalog: () => catalog,
      baseUrls: ['http://127.0.0.1:8571'],
      centralMailbox: async (tracking) => {
        asked.push(tracking);
        return { ok: true, value: answer };
      },
    });
    const completed = await transactions.complete({
      locale: 'zh-CN',
      catalogVersion: 1,
      citizen: { cardType: 'resident', name: '张三', idNumber: '11010519491231002X' },
      services: [{ serviceId: 'chief-mailbox', form: { letterKind: 'suggestion' } }],
      letter: { kind: 'suggestion', subject: '路灯', body: '路口的灯坏了一周了。' },
    });
    // The letter is tracked by the transaction's own number, as the end screen and the receipt say.
    expect((await transactions.payload(completed.id, 'kiosk-1')).letter?.trackingNumber).toBe(
      completed.number,
    );
    // Not yet with the central system: nothing to ask.
    expect(await lookup(completed.number)).toMatchObject({ ok: true, value: { letter: null } });
    expect(asked).toEqual([]);
    await new OutboxRepository(kioskStore).markAcknowledged([completed.id], Date.now());

    answer = {
      trackingNumber: completed.number,
      status: 'answered',
      signedAt: '2026-12-01T08:04:00.000Z',
      answeredAt: '2026-12-01T08:20:00.000Z',
      reply: { text: '已转交交警大队，今天修复。', at: '2026-12-01T08:20:00.000Z' },
    };
    const typed = await lookup(completed.number);
    expect(typed).toMatchObject({
      ok: true,
      value: {
        letter: {
          status: 'answered',
          signedAt: '2026-12-01T08:04:00.000Z',
          answeredAt: '2026-12-01T08:20:00.000Z',
          closedAt: null,
          reply: null,
          replyWithheld: true,
        },
      },
    });
    expect(JSON.stringify(typed)).not.toContain('交警');
    const scanned = await lookup(
      `http://127.0.0.1:8571/progress/${completed.number}?k=${completed.progressKey}`,
    );
    expect(scanned).toMatchObject({
      ok: true,
      value: {
        keyMatched: true,
        letter: { reply: { text: '已转交交警大队，今天修复。' }, replyWithheld: false },
      },
    });
    expect(asked).toEqual([completed.number, completed.number]);
  });

  it('says not-found for a number this kiosk does not hold, and invalid-params for what is no receipt code', async () => {
    const { lookup } = await setup();
    expect(await lookup('JW-20200101-000001')).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await lookup('https://evil.example/progress/JW-20200101-000001')).toMatchObject({
      ok: false,
      error: { code: 'invalid-params' },
    });
  });
});
