import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionPayload } from '../../central/contract.js';
import { batchItemOf, newTransactionId, sampleTransaction } from '../../central/fixtures.js';
import { progressLinkKey, progressPageUrl } from '../../central/progress-link.js';
import { PROGRESS_PAGE_CSP } from '../../central/progress-page.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents, VisitView } from '../../main/api/views.js';
import { startKioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { pdfText, rasterize, savePdf } from '../../main/services/documents/test-support.js';

// jsqr's CommonJS default export is typed as a namespace under NodeNext (as in documents.test.ts).
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

const KIOSK = 'SZ-FT-0012';
const TOKEN = 'kiosk-secret-0012';
const MINUTE = 60_000;

let clock = Date.parse('2026-11-29T00:20:00Z');
let server: CentralServer;
let production: CentralServer;
const stored = sampleTransaction(KIOSK);
const hostile = sampleTransaction(KIOSK, {
  services: [
    {
      serviceId: '<script>alert(1)</script>',
      form: { note: '<b onmouseover=alert(2)>FORM-SECRET</b>', '<i>key</i>': 'x' },
      reference: '"><img src=x onerror=alert(3)>',
    },
  ],
});

async function upload(target: CentralServer, ...transactions: TransactionPayload[]): Promise<void> {
  const response = await fetch(`${target.url}/v1/transactions:batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kioskId: KIOSK, items: transactions.map(batchItemOf) }),
  });
  const body = (await response.json()) as { results: { status: string }[] };
  expect(body.results.map((r) => r.status)).toEqual(transactions.map(() => 'stored'));
}

async function get(url: string): Promise<{ status: number; headers: Headers; text: string; bytes: Buffer }> {
  const response = await fetch(url);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, text: bytes.toString('utf8'), bytes };
}

const receiptUrl = (pageUrl: string): string => pageUrl.replace('?', '/receipt.pdf?');

beforeAll(async () => {
  const common = {
    port: 0,
    dataDir: ':memory:',
    kioskTokens: { [KIOSK]: TOKEN },
    adminToken: 'admin-secret',
  };
  server = await startCentralServer({ ...common, now: () => clock });
  production = await startCentralServer({ ...common, progressPage: { production: true } });
  await upload(server, stored, hostile);
  await upload(production, stored);
});
afterAll(async () => {
  await server.close();
  await production.close();
});

describe('citizen progress page', () => {
  it('shows the number, the services and the status as the schedule advances, under a strict CSP', async () => {
    const url = progressPageUrl(server.url, stored.number, stored.id);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PROGRESS_PAGE_CSP);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain(stored.number);
    expect(page.text).toContain('<li>hukou-certificate</li>');
    expect(page.text).toContain('<strong>已受理</strong>');
    expect(page.text).toContain(`receipt.pdf?k=${progressLinkKey(stored.id)}`);
    expect(page.text).not.toMatch(/<script/i);
    // Nothing personal on the page: no name, ID number, address or form values.
    for (const secret of ['测试用户', '110101199001011234', '北京市', '入学'])
      expect(page.text).not.toContain(secret);

    clock += 2 * MINUTE;
    expect((await get(url)).text).toContain('<strong>办理中</strong>');
    expect((await get(`${url}&lang=zh-HK`)).text).toContain('<strong>辦理中</strong>');
    clock += 30 * MINUTE;
    const english = await get(`${url}&lang=en`);
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('<strong>Done</strong>');
  });

  it('serves the A4 receipt with a masked name and ID number and a QR code of the keyed link', async () => {
    const url = progressPageUrl(server.url, stored.number, stored.id);
    const pdf = await get(receiptUrl(url));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = savePdf(pdf.bytes, 'progress-receipt');
    const text = pdfText(file);
    expect(text).toContain(stored.number);
    expect(text).toContain('1101**********1234');
    expect(text).toContain('测***');
    expect(text).toContain('hukou-certificate');
    for (const secret of ['110101199001011234', '测试用户', '北京市', '入学'])
      expect(text).not.toContain(secret);
    expect(pdfText(file, true).replace(/\s+/g, '')).toContain('演示DEMONSTRATION');
    const png = rasterize(file, 150);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(url);

    const real = await get(
      receiptUrl(progressPageUrl(production.url, stored.number, stored.id) + '&lang=en'),
    );
    expect(real.status).toBe(200);
    const realFile = savePdf(real.bytes, 'progress-receipt-production');
    expect(pdfText(realFile)).toContain('1101**********1234');
    expect(pdfText(realFile, true).replace(/\s+/g, '')).not.toContain('DEMONSTRATION');
  });

  it('answers a wrong, missing or foreign key, an unknown number and a not-yet-uploaded transaction with the same 404', async () => {
    const key = progressLinkKey(stored.id);
    const wrongKey = key.slice(0, 15) + (key.endsWith('0') ? '1' : '0');
    const base = `${server.url}/progress`;
    const notUploaded = sampleTransaction(KIOSK);
    const urls = [
      `${base}/${stored.number}?k=${wrongKey}`,
      `${base}/${stored.number}`,
      `${base}/${stored.number}?k=`,
      `${base}/${stored.number}?k=not-a-key`,
      `${base}/${stored.number}?k=${progressLinkKey(hostile.id)}`,
      `${base}/JW-20261129-999999?k=${key}`,
      progressPageUrl(server.url, notUploaded.number, notUploaded.id),
      progressPageUrl(server.url, stored.number, newTransactionId()),
      receiptUrl(`${base}/${stored.number}?k=${wrongKey}`),
      `${base}/${stored.number}/receipt.pdf`,
      `${base}/%E0%A4%A?k=${key}`,
      `${base}/${stored.number}/other?k=${key}`,
      `${base}/`,
    ];
    const replies = await Promise.all(urls.map((url) => get(url)));
    for (const reply of replies) {
      expect(reply.status).toBe(404);
      expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(reply.headers.get('content-security-policy')).toBe(PROGRESS_PAGE_CSP);
      expect(reply.text).toBe(replies[0]?.text);
    }
    expect(replies[0]?.text).toContain('尚未传到系统');
    expect(replies[0]?.text).not.toContain(stored.number);
    const english = await get(`${base}/${stored.number}?k=${wrongKey}&lang=en`);
    expect(english.text).toBe((await get(`${base}/JW-20261129-999999?lang=en`)).text);
    expect(english.text).toContain('may not have arrived yet');
  });

  it('escapes hostile service ids and references and never shows form values', async () => {
    const page = await get(progressPageUrl(server.url, hostile.number, hostile.id));
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script|<img|<b |<i>/i);
    expect(page.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page.text).toContain('&#34;&#62;&#60;img src=x onerror=alert(3)&#62;');
    expect(page.text).not.toContain('FORM-SECRET');
    expect(page.text).not.toContain('onmouseover');
    const pdf = await get(receiptUrl(progressPageUrl(server.url, hostile.number, hostile.id)));
    expect(pdf.status).toBe(200);
    expect(pdfText(savePdf(pdf.bytes, 'hostile'))).not.toContain('FORM-SECRET');
  });

  it('leaves the token-protected JSON API as it was', async () => {
    const response = await fetch(`${server.url}/v1/transactions/${stored.number}/progress`);
    expect(response.status).toBe(401);
    const authorised = await fetch(`${server.url}/v1/transactions/${stored.number}/progress`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(((await authorised.json()) as { number: string }).number).toBe(stored.number);
  });
});

describe('the kiosk receipt link opens the page once the transaction is uploaded', () => {
  let dataDir = '';
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('carries the key in the QR code URL and shows the visit on the central server', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'booth-progress-'));
    const core = await startKioskCore({
      dataDir,
      simulate: true,
      host: 'browser',
      log: silentLogger,
      centralUrl: server.url,
      centralToken: TOKEN,
      kioskId: KIOSK,
    });
    try {
      const [coreEnd, rendererEnd] = channelPair();
      core.connect(coreEnd);
      const client = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
      const { api } = client;
      await api['visit.start']({ serviceIds: ['household-certificate'] });
      const confirmed = new Promise<VisitView | null>((resolve) => {
        const off = client.on('visit.changed', (v) => {
          if (v?.step === 'confirm') {
            off();
            resolve(v);
          }
        });
      });
      await api['sim.placeCard']({ fixture: 'resident' });
      await confirmed;
      await api['visit.proceed']();
      const done = await api['visit.submit']({
        locale: 'zh-CN',
        forms: { 'household-certificate': { purpose: 'employment' } },
      });
      const progressUrl = done.ok ? done.value.result?.progressUrl : undefined;
      expect(progressUrl).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/progress\/JW-\d{8}-\d{6}\?k=[0-9A-HJKMNP-TV-Z]{16}$/,
      );
      if (!progressUrl || !core.sync) throw new Error('no progress URL or no sync');

      await core.sync.uploader.drain(30_000);
      const page = await get(progressUrl);
      expect(page.status).toBe(200);
      expect(page.text).toContain('household-certificate');
      // The bare number, as a sequential guess would produce it, unlocks nothing.
      expect((await get(progressUrl.replace(/\?k=.*$/, ''))).status).toBe(404);

      const pdf = await get(receiptUrl(progressUrl));
      const text = pdfText(savePdf(pdf.bytes, 'kiosk-visit'));
      expect(text).toContain('1101**********002X');
      expect(text).toContain('张*');
      expect(text).not.toContain('11010519491231002X');
      expect(text).not.toContain('张三');
    } finally {
      await core.close();
    }
  });
});
