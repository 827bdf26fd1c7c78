import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addConsoleUser } from '../../central/console-auth.js';
import {
  consoleLetterActionResultSchema,
  consoleMailboxSchema,
  consoleProgressResultSchema,
  consoleTransactionsSchema,
} from '../../central/console-letters-schemas.js';
import {
  mailboxStatusSchema,
  transactionProgressSchema,
  type TransactionPayload,
} from '../../contract/central-api.js';
import { openCentralDb, type CentralDb } from '../../central/db.js';
import { batchItemOf, sampleTransaction } from '../../central/fixtures.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { CENTRAL_BACKEND, sharedCentralStore } from '../support/central-store.js';
import { consoleClient, type ConsoleAnswer } from '../support/console-client.js';

/**
 * The console's chief's mailbox and transactions (central/console-letters.ts, central/mailbox.ts) on both stores:
 * a production server never moves a status by itself; duty officers sign for, reply to and close letters in
 * that order (409 otherwise), idempotently, with CSRF and an audit trail; administrators may look but not act;
 * the kiosk that wrote a letter reads the reply, other kiosks the status only; progress updates reach the kiosk's
 * look-up.
 */

const ADMIN_PASSWORD = 'admin password long enough';
const OFFICER_PASSWORD = 'officer password long enough';
const KIOSK = 'bj-dc-01';
const OTHER = 'bj-dc-02';
const TOKENS: Record<string, string> = { [KIOSK]: 'kiosk-token-1', [OTHER]: 'kiosk-token-2' };
const MINUTE = 60_000;

let central: CentralServer;
let db: CentralDb;
let clock: number;
let staticDir: string;
let removeStore: () => void;

beforeEach(async () => {
  clock = Date.parse('2026-12-01T08:00:00Z');
  staticDir = mkdtempSync(path.join(tmpdir(), 'console-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  const store = await sharedCentralStore();
  removeStore = store.remove;
  // A production server: no demonstrationStatuses.
  central = await startCentralServer({
    ...store.options,
    kioskTokens: TOKENS,
    adminToken: 'admin-bearer-token',
    now: () => clock,
    console: { staticDir },
  });
  db = await openCentralDb(store.options.database ?? path.join(store.options.dataDir, 'central.sqlite'));
  await addConsoleUser(db, { name: 'chief', role: 'administrator', password: ADMIN_PASSWORD });
  await addConsoleUser(db, { name: 'officer1', role: 'duty-officer', password: OFFICER_PASSWORD });
});

afterEach(async () => {
  await db.close();
  await central.close();
  removeStore();
  rmSync(staticDir, { recursive: true, force: true });
});

const { request, signIn } = consoleClient(() => central.url);

async function upload(kioskId: string, transaction: TransactionPayload): Promise<void> {
  const answer = await request('/v1/transactions:batch', {
    method: 'POST',
    bearer: TOKENS[kioskId],
    body: { kioskId, items: [batchItemOf(transaction)] },
  });
  expect(answer.status).toBe(200);
}

function letterOf(kioskId: string, number: string): TransactionPayload {
  return sampleTransaction(kioskId, {
    number,
    services: [{ serviceId: 'chief-mailbox', form: { letterKind: 'suggestion', phone: '13800138000' } }],
    letter: { kind: 'suggestion', subject: '路灯', body: '路口的灯坏了一周了。', trackingNumber: number },
  });
}

async function auditRows(): Promise<
  { user_name: string | null; action: string; outcome: string; detail: string | null }[]
> {
  return db.all('SELECT user_name, action, outcome, detail FROM console_audit ORDER BY id');
}

describe(`chief's mailbox in the console (${CENTRAL_BACKEND})`, () => {
  it('moves no status by itself on a production server', async () => {
    const letter = letterOf(KIOSK, 'JW-20261201-000001');
    await upload(KIOSK, letter);
    clock += 30 * 24 * 60 * MINUTE;
    const mailbox = await request(`/v1/mailbox/${letter.number}`, { bearer: TOKENS[KIOSK] });
    expect(mailboxStatusSchema.parse(mailbox.body)).toEqual({
      trackingNumber: letter.number,
      status: 'received',
    });
    const progress = await request(`/v1/transactions/${letter.number}/progress`, { bearer: TOKENS[KIOSK] });
    expect(transactionProgressSchema.parse(progress.body).status).toBe('received');
  });

  it('signs for, replies and closes in order, idempotently, with the officer and time kept and audited', async () => {
    const letter = letterOf(KIOSK, 'JW-20261201-000002');
    await upload(KIOSK, letter);
    const arrived = clock;
    const officer = await signIn('officer1', OFFICER_PASSWORD);
    const act = (body: Record<string, unknown>, who = officer): Promise<ConsoleAnswer> =>
      request('/console/api/mailbox-action', { method: 'POST', cookie: who.cookie, csrf: who.csrf, body });

    const list = consoleMailboxSchema.parse(
      (await request('/console/api/mailbox', { cookie: officer.cookie })).body,
    );
    expect(list.letters).toHaveLength(1);
    const [listed] = list.letters;
    expect(listed).toMatchObject({
      id: letter.id,
      trackingNumber: letter.number,
      kioskId: KIOSK,
      subject: '路灯',
      body: '路口的灯坏了一周了。',
      citizenNameMasked: '测***',
      status: 'received',
    });
    expect(JSON.stringify(listed)).not.toContain('13800138000');
    expect(JSON.stringify(listed)).not.toContain('110101199001011234');
    expect(listed?.clocks.signed).toEqual({
      dueAt: new Date(arrived + 10 * MINUTE).toISOString(),
      metAt: null,
      by: null,
    });
    expect(listed?.clocks.answered.dueAt).toBe(new Date(arrived + 30 * MINUTE).toISOString());
    expect(listed?.clocks.firstFeedback.dueAt).toBe(new Date(arrived + 48 * 60 * MINUTE).toISOString());

    // No reply before signing for it, no closing before a reply: what a mailbox office expects.
    const early = await act({
      letterId: letter.id,
      action: 'reply',
      text: '收到',
      requestId: 'reply-00000001',
    });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'not-signed' } } });
    expect(await act({ letterId: letter.id, action: 'close' })).toMatchObject({
      status: 409,
      body: { error: { code: 'not-answered' } },
    });

    clock = arrived + 4 * MINUTE;
    const signed = consoleLetterActionResultSchema.parse(
      (await act({ letterId: letter.id, action: 'sign' })).body,
    );
    expect(signed.changed).toBe(true);
    expect(signed.letter.signed).toEqual({ at: new Date(clock).toISOString(), by: 'officer1' });
    expect(signed.letter.clocks.signed.metAt).toBe(new Date(clock).toISOString());
    // Signing again changes nothing: the first officer and time stay.
    clock += MINUTE;
    const again = consoleLetterActionResultSchema.parse(
      (await act({ letterId: letter.id, action: 'sign' })).body,
    );
    expect(again.changed).toBe(false);
    expect(again.letter.signed?.at).toBe(new Date(arrived + 4 * MINUTE).toISOString());

    clock = arrived + 20 * MINUTE;
    const reply = {
      letterId: letter.id,
      action: 'reply',
      text: '已转交交警大队，今天修复。',
      requestId: 'reply-00000002',
    };
    const replied = consoleLetterActionResultSchema.parse((await act(reply)).body);
    expect(replied.letter.status).toBe('answered');
    expect(replied.letter.clocks.answered).toEqual({
      dueAt: new Date(arrived + 30 * MINUTE).toISOString(),
      metAt: new Date(clock).toISOString(),
      by: 'officer1',
    });
    // The same reply sent twice (a retry) is stored once.
    expect(consoleLetterActionResultSchema.parse((await act(reply)).body)).toMatchObject({
      changed: false,
      letter: { replies: 1 },
    });

    // The kiosk that wrote it reads the reply; another kiosk the status alone.
    const own = mailboxStatusSchema.parse(
      (await request(`/v1/mailbox/${letter.number}`, { bearer: TOKENS[KIOSK] })).body,
    );
    expect(own).toEqual({
      trackingNumber: letter.number,
      status: 'answered',
      signedAt: new Date(arrived + 4 * MINUTE).toISOString(),
      answeredAt: new Date(arrived + 20 * MINUTE).toISOString(),
      reply: { text: '已转交交警大队，今天修复。', at: new Date(arrived + 20 * MINUTE).toISOString() },
    });
    const other = mailboxStatusSchema.parse(
      (await request(`/v1/mailbox/${letter.number}`, { bearer: TOKENS[OTHER] })).body,
    );
    expect(other.status).toBe('answered');
    expect(other.reply).toBeUndefined();

    // Within the session's 30 min idle limit of the last request.
    clock = arrived + 45 * MINUTE;
    const closed = consoleLetterActionResultSchema.parse(
      (await act({ letterId: letter.id, action: 'close' })).body,
    );
    expect(closed.letter.status).toBe('closed');
    expect(closed.letter.clocks.firstFeedback.metAt).toBe(new Date(clock).toISOString());
    expect(
      await act({ letterId: letter.id, action: 'reply', text: '再次答复', requestId: 'reply-00000003' }),
    ).toMatchObject({ status: 409, body: { error: { code: 'letter-closed' } } });
    expect(
      consoleLetterActionResultSchema.parse((await act({ letterId: letter.id, action: 'close' })).body)
        .changed,
    ).toBe(false);
    const after = mailboxStatusSchema.parse(
      (await request(`/v1/mailbox/${letter.number}`, { bearer: TOKENS[KIOSK] })).body,
    );
    expect(after).toMatchObject({ status: 'closed', closedAt: new Date(clock).toISOString() });

    const rows = (await auditRows()).filter((row) => row.action.startsWith('mailbox.'));
    expect(rows.map((row) => [row.user_name, row.action, row.outcome])).toEqual([
      ['officer1', 'mailbox.reply', 'refused'],
      ['officer1', 'mailbox.close', 'refused'],
      ['officer1', 'mailbox.sign', 'ok'],
      ['officer1', 'mailbox.sign', 'ok'],
      ['officer1', 'mailbox.reply', 'ok'],
      ['officer1', 'mailbox.reply', 'ok'],
      ['officer1', 'mailbox.close', 'ok'],
      ['officer1', 'mailbox.reply', 'refused'],
      ['officer1', 'mailbox.close', 'ok'],
    ]);
    expect(rows[2]?.detail).toBe(`letter ${letter.number} from ${KIOSK}`);
    // The reply's text is the citizen's business, never the audit trail's.
    expect(JSON.stringify(await auditRows())).not.toContain('交警');
  });

  it('lists every open letter however old, oldest first, and closed ones for a week', async () => {
    const closedOne = letterOf(KIOSK, 'JW-20261201-000005');
    const oldOpen = letterOf(KIOSK, 'JW-20261201-000006');
    await upload(KIOSK, closedOne);
    clock += MINUTE;
    await upload(KIOSK, oldOpen);
    const officer = await signIn('officer1', OFFICER_PASSWORD);
    for (const body of [
      { letterId: closedOne.id, action: 'sign' },
      { letterId: closedOne.id, action: 'reply', text: '已处理', requestId: 'reply-00000005' },
      { letterId: closedOne.id, action: 'close' },
    ])
      expect(
        (
          await request('/console/api/mailbox-action', {
            method: 'POST',
            cookie: officer.cookie,
            csrf: officer.csrf,
            body,
          })
        ).status,
      ).toBe(200);
    clock += 6 * 24 * 60 * MINUTE;
    const newer = letterOf(OTHER, 'JW-20261207-000001');
    await upload(OTHER, newer);
    const list = async (): Promise<string[]> => {
      const viewer = await signIn('chief', ADMIN_PASSWORD);
      const mailbox = consoleMailboxSchema.parse(
        (await request('/console/api/mailbox', { cookie: viewer.cookie })).body,
      );
      return mailbox.letters.map((letter) => letter.trackingNumber);
    };
    // Open ones first, oldest first; then the closed one.
    expect(await list()).toEqual([oldOpen.number, newer.number, closedOne.number]);
    clock += 2 * 24 * 60 * MINUTE;
    expect(await list()).toEqual([oldOpen.number, newer.number]);
    clock += 200 * 24 * 60 * MINUTE;
    expect(await list()).toEqual([oldOpen.number, newer.number]);
  });

  it('lets administrators look but not act, and refuses a missing CSRF token', async () => {
    const letter = letterOf(KIOSK, 'JW-20261201-000003');
    await upload(KIOSK, letter);
    const admin = await signIn('chief', ADMIN_PASSWORD);
    const officer = await signIn('officer1', OFFICER_PASSWORD);
    expect((await request('/console/api/mailbox', { cookie: admin.cookie })).status).toBe(200);
    expect((await request('/console/api/mailbox')).status).toBe(401);
    const byAdmin = await request('/console/api/mailbox-action', {
      method: 'POST',
      cookie: admin.cookie,
      csrf: admin.csrf,
      body: { letterId: letter.id, action: 'sign' },
    });
    expect(byAdmin).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const noCsrf = await request('/console/api/mailbox-action', {
      method: 'POST',
      cookie: officer.cookie,
      body: { letterId: letter.id, action: 'sign' },
    });
    expect(noCsrf).toMatchObject({ status: 403, body: { error: { code: 'bad-csrf-token' } } });
    const progressByAdmin = await request('/console/api/transaction-progress', {
      method: 'POST',
      cookie: admin.cookie,
      csrf: admin.csrf,
      body: { id: letter.id, status: 'done' },
    });
    expect(progressByAdmin.status).toBe(403);
    const letterStatus = mailboxStatusSchema.parse(
      (await request(`/v1/mailbox/${letter.number}`, { bearer: TOKENS[KIOSK] })).body,
    );
    expect(letterStatus.status).toBe('received');
    const refused = (await auditRows()).filter((row) => row.outcome === 'refused');
    expect(refused.map((row) => [row.user_name, row.action, row.detail])).toEqual([
      ['chief', 'mailbox.action', 'role administrator'],
      ['officer1', 'mailbox.action', 'missing or wrong CSRF token'],
      ['chief', 'transaction.progress', 'role administrator'],
    ]);
  });
});

describe(`transactions in the console (${CENTRAL_BACKEND})`, () => {
  it('finds a transaction by number with catalog names and a masked ID, and sets its progress for the kiosk', async () => {
    const named = sampleTransaction(KIOSK, {
      number: 'JW-20261201-000010',
      services: [
        {
          serviceId: 'household-certificate',
          name: { 'zh-CN': '户籍证明开具', 'zh-HK': '戶籍證明開具', en: 'Household certificate' },
          form: { purpose: '入学' },
        },
      ],
    });
    // Another kiosk used the same number: both are listed, each updated on its own.
    const twin = sampleTransaction(OTHER, { number: 'JW-20261201-000010' });
    await upload(KIOSK, named);
    await upload(OTHER, twin);
    const officer = await signIn('officer1', OFFICER_PASSWORD);

    const found = consoleTransactionsSchema.parse(
      (await request('/console/api/transactions?number=jw-20261201-000010', { cookie: officer.cookie })).body,
    );
    expect(found.items.map((item) => item.kioskId).sort()).toEqual([KIOSK, OTHER]);
    const mine = found.items.find((item) => item.kioskId === KIOSK);
    expect(mine).toMatchObject({
      id: named.id,
      services: [{ id: 'household-certificate', name: { 'zh-CN': '户籍证明开具' } }],
      citizen: { nameMasked: '测***', idNumberMasked: '1101**********1234' },
      progress: { status: 'received', by: null },
    });
    const text = JSON.stringify(found);
    for (const secret of ['110101199001011234', '测试用户', '北京市', '入学'])
      expect(text).not.toContain(secret);
    expect((await request('/console/api/transactions?number=', { cookie: officer.cookie })).status).toBe(400);

    clock += 5 * MINUTE;
    const update = async (status: string): Promise<ConsoleAnswer> =>
      request('/console/api/transaction-progress', {
        method: 'POST',
        cookie: officer.cookie,
        csrf: officer.csrf,
        body: { id: named.id, status },
      });
    const ready = consoleProgressResultSchema.parse((await update('ready-for-pickup')).body);
    expect(ready).toMatchObject({
      changed: true,
      item: {
        progress: { status: 'ready-for-pickup', by: 'officer1', updatedAt: new Date(clock).toISOString() },
      },
    });
    clock += MINUTE;
    expect(consoleProgressResultSchema.parse((await update('ready-for-pickup')).body).changed).toBe(false);
    expect((await update('lost')).status).toBe(400);

    const kioskView = transactionProgressSchema.parse(
      (await request(`/v1/transactions/${named.number}/progress`, { bearer: TOKENS[KIOSK] })).body,
    );
    expect(kioskView).toEqual({
      number: named.number,
      status: 'ready-for-pickup',
      updatedAt: new Date(clock - MINUTE).toISOString(),
    });
    const twinView = transactionProgressSchema.parse(
      (await request(`/v1/transactions/${twin.number}/progress`, { bearer: TOKENS[OTHER] })).body,
    );
    expect(twinView.status).toBe('received');
    const rows = (await auditRows()).filter((row) => row.action.startsWith('transaction'));
    expect(rows.map((row) => [row.user_name, row.action, row.detail])).toEqual([
      ['officer1', 'transactions.search', 'JW-20261201-000010: 2 found'],
      ['officer1', 'transaction.progress', `JW-20261201-000010 from ${KIOSK}: ready-for-pickup`],
      ['officer1', 'transaction.progress', `JW-20261201-000010 from ${KIOSK}: ready-for-pickup (already)`],
    ]);
  });
});
