import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { encodeJpeg, solid } from '../services/face/image.js';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrintJobResult } from '../../drivers/printer/printer.js';
import type { ReceiptOutcomeView } from '../services/views.js';
import { validateCatalog } from '../../contract/catalog/schema.js';
import { TransactionService } from '../services/transactions/transactions.js';
import { openStore, type KioskStore } from '../store/store.js';
import { silentLogger } from './log.js';
import { createVisitCompletion, promiseLine } from './visit-completion.js';

const parsed = validateCatalog(JSON.parse(readFileSync('resources/catalog/default-catalog.json', 'utf8')));
if (!parsed.ok) throw new Error('default catalog invalid');
const mailbox = parsed.value.services.find((s) => s.id === 'chief-mailbox')!;

let dir = '';
let store: KioskStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
  await rm(dir, { recursive: true, force: true });
});

/** A visit completion on a fresh store whose printer answers `receipt`; receipt outcomes go to `recorded`. */
async function completion(
  receipt: PrintJobResult,
  recorded: [string, ReceiptOutcomeView][],
): Promise<{ transactions: TransactionService; complete: ReturnType<typeof createVisitCompletion> }> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'booth-complete-'));
  store = await openStore({ dataDir: dir });
  const transactions = new TransactionService(store);
  const complete = createVisitCompletion({
    transactions,
    printer: { print: async () => receipt },
    catalogVersion: () => 1,
    demonstration: () => true,
    kioskId: 'kiosk-1',
    kioskName: { 'zh-CN': '自助警务舱', 'zh-HK': '自助警務艙', en: 'Smart Police Booth' },
    progressBaseUrl: 'http://127.0.0.1:8571',
    recordReceipt: async (number, outcome) => {
      recorded.push([number, outcome]);
    },
    log: silentLogger,
  });
  return { transactions, complete };
}

describe('completing a visit', () => {
  it('stores the services with their catalog names, keeps the receipt outcome, and starts as saved', async () => {
    const recorded: [string, ReceiptOutcomeView][] = [];
    const { transactions, complete } = await completion(
      { ok: false, error: { kind: 'failed', code: 'paper-end' } },
      recorded,
    );
    const result = await complete({
      locale: 'en',
      card: null,
      faceCheck: 'not-needed',
      services: [{ service: mailbox, values: { subject: 'Street lights', body: 'Broken for a week.' } }],
    });
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value).toMatchObject({
      delivery: 'saved',
      acknowledged: false,
      acknowledgedAt: null,
      receipt: { outcome: 'failed', reason: 'paper-end' },
    });
    expect(Date.parse(result.value.completedAt)).not.toBeNaN();
    expect(recorded).toEqual([[result.value.transactionNumber, { outcome: 'failed', reason: 'paper-end' }]]);
    const row = await transactions.getByNumber(result.value.transactionNumber);
    const payload = await transactions.payload(row!.id, 'kiosk-1');
    expect(payload.services[0]).toMatchObject({
      serviceId: 'chief-mailbox',
      name: { 'zh-CN': '局长信箱', 'zh-HK': '局長信箱', en: "Chief's mailbox" },
    });
  });

  it('uploads a chief’s-mailbox letter with its kind, subject and text, tracked by the transaction number', async () => {
    const { transactions, complete } = await completion({ ok: true, value: undefined }, []);
    const result = await complete({
      locale: 'zh-CN',
      card: null,
      faceCheck: 'not-needed',
      services: [
        {
          service: mailbox,
          values: {
            letterKind: 'complaint',
            subject: ' 路灯 ',
            body: '路口的灯坏了一周了。',
            phone: '13800138000',
          },
        },
      ],
    });
    if (!result.ok) throw new Error(result.error.code);
    const row = await transactions.getByNumber(result.value.transactionNumber);
    const payload = await transactions.payload(row!.id, 'kiosk-1');
    expect(payload.letter).toEqual({
      kind: 'complaint',
      subject: '路灯',
      body: '路口的灯坏了一周了。',
      trackingNumber: result.value.transactionNumber,
    });
    // Any other service writes no letter.
    const plain = parsed.ok ? parsed.value.services.find((s) => s.id === 'household-certificate')! : mailbox;
    const other = await complete({
      locale: 'zh-CN',
      card: null,
      faceCheck: 'not-needed',
      services: [{ service: plain, values: { letterKind: 'complaint', subject: 'x', body: 'y' } }],
    });
    if (!other.ok) throw new Error(other.error.code);
    const otherRow = await transactions.getByNumber(other.value.transactionNumber);
    expect((await transactions.payload(otherRow!.id, 'kiosk-1')).letter).toBeUndefined();
  });

  it('records how the identity was checked on each service of a face-checked visit', async () => {
    const { transactions, complete } = await completion({ ok: true, value: undefined }, []);
    for (const faceCheck of ['face-verified', 'officer-review'] as const) {
      const result = await complete({
        locale: 'en',
        card: null,
        faceCheck,
        services: [{ service: mailbox, values: { subject: 'Street lights', body: 'Broken for a week.' } }],
      });
      if (!result.ok) throw new Error(result.error.code);
      const row = await transactions.getByNumber(result.value.transactionNumber);
      const payload = await transactions.payload(row!.id, 'kiosk-1');
      expect(payload.services[0]?.form).toMatchObject({ identityCheck: faceCheck });
    }
  });

  it('seals a certificate photo with the transaction, uploads it in the payload, and purges it with the rest', async () => {
    const { transactions, complete } = await completion({ ok: true, value: undefined }, []);
    const permit = parsed.value.services.find((s) => s.id === 'hk-macao-permit-application')!;
    const jpeg = encodeJpeg(solid(358, 441, [236, 238, 240]), 90);
    const result = await complete({
      locale: 'zh-CN',
      card: null,
      faceCheck: 'officer-review',
      certificatePhoto: {
        status: 'provided',
        serviceIds: [permit.id],
        jpeg,
        width: 358,
        height: 441,
      },
      services: [{ service: permit, values: { applicationType: 'first' } }],
    });
    if (!result.ok) throw new Error(result.error.code);
    const row = await transactions.getByNumber(result.value.transactionNumber);
    const payload = await transactions.payload(row!.id, 'kiosk-1');
    expect(payload.certificatePhoto).toMatchObject({ serviceIds: [permit.id], width: 358, height: 441 });
    expect(Buffer.from(payload.certificatePhoto!.data, 'base64')).toEqual(Buffer.from(jpeg));
    expect(payload.services[0]?.form).toMatchObject({ certificatePhoto: 'provided' });
    // Sealed at rest: neither the JPEG nor its base64 is anywhere in the database files.
    await store!.db.run('PRAGMA wal_checkpoint(TRUNCATE)');
    const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.map((e) => e.name)).toContain('booth.sqlite3');
    for (const entry of files) {
      const name = path.join(entry.parentPath, entry.name);
      const bytes = await readFile(name);
      expect(bytes.includes(Buffer.from('JFIF')), name).toBe(false);
      expect(bytes.includes(Buffer.from(payload.certificatePhoto!.data.slice(0, 40))), name).toBe(false);
    }
    await store!.db.run("UPDATE transactions SET state = 'acknowledged', updated_at = 0");
    expect(await transactions.purgeExpired()).toBe(1);
    await expect(transactions.payload(row!.id, 'kiosk-1')).rejects.toThrow();
  });

  it('records a declined photo on the service, and carries no photo', async () => {
    const { transactions, complete } = await completion({ ok: true, value: undefined }, []);
    const permit = parsed.value.services.find((s) => s.id === 'hk-macao-permit-application')!;
    const result = await complete({
      locale: 'en',
      card: null,
      faceCheck: 'officer-review',
      certificatePhoto: { status: 'declined', serviceIds: [permit.id] },
      services: [{ service: permit, values: { applicationType: 'first' } }],
    });
    if (!result.ok) throw new Error(result.error.code);
    const row = await transactions.getByNumber(result.value.transactionNumber);
    const payload = await transactions.payload(row!.id, 'kiosk-1');
    expect(payload.certificatePhoto).toBeUndefined();
    expect(payload.services[0]?.form).toMatchObject({ certificatePhoto: 'declined' });
  });

  it('prints every promise of a service on the receipt, in the receipt’s language', () => {
    expect(promiseLine(mailbox.promises, 'zh-CN')).toBe('10分钟内签收；30分钟内答复；48小时内首次反馈');
    expect(promiseLine(mailbox.promises, 'en')).toBe(
      'Signed for within 10 minutes; Answered within 30 minutes; First feedback within 48 hours',
    );
    expect(promiseLine([], 'en')).toBeNull();
    const long = { text: { 'zh-CN': '长'.repeat(150), 'zh-HK': '長'.repeat(150), en: 'x'.repeat(150) } };
    expect(promiseLine([long, long], 'zh-CN')?.length).toBe(200);
  });
});
