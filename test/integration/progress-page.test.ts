import { mkdtemp, rm } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionPayload } from '../../contract/central-api.js';
import { batchItemOf, sampleTransaction } from '../../central/fixtures.js';
import { newProgressKey, progressPageUrl } from '../../contract/progress-link.js';
import { PROGRESS_PAGE_CSP } from '../../central/progress-page.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents, VisitView } from '../../main/services/views.js';
import { startKioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { pdfText, rasterize, savePdf } from '../../domain/documents/test-support.js';
import { TransactionService } from '../../main/services/transactions/transactions.js';
import { openStore } from '../../main/store/store.js';

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
/** The keyed link of a sample transaction (the fixtures give every one a fresh key). */
const linkOf = (base: string, t: TransactionPayload): string =>
  progressPageUrl(base, t.number, t.progressKey ?? '');

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A progress key read as the 128-bit number it encodes. */
function keyValue(key: string): bigint {
  let value = 0n;
  for (const digit of key) value = value * 32n + BigInt(CROCKFORD.indexOf(digit));
  return value;
}
/** The key `delta` away from `key` (what "key+1" means to someone guessing). */
function keyPlus(key: string, delta: bigint): string {
  let value = keyValue(key) + delta;
  let text = '';
  for (let i = 0; i < 26; i++) {
    text = (CROCKFORD[Number(value & 31n)] ?? '0') + text;
    value >>= 5n;
  }
  return text;
}

beforeAll(async () => {
  const common = {
    port: 0,
    dataDir: ':memory:',
    kioskTokens: { [KIOSK]: TOKEN },
    adminToken: 'admin-secret',
    // These tests fetch many pages from one address; the limit itself is tested below.
    rateLimits: {
      kioskLookups: { burst: 1_000, perMinute: 1_000 },
      progressPage: { burst: 1_000, perMinute: 1_000 },
    },
  };
  // The demonstration timer moves the status here (a production server never moves it by itself).
  server = await startCentralServer({ ...common, now: () => clock, demonstrationStatuses: true });
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
    const url = linkOf(server.url, stored);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PROGRESS_PAGE_CSP);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain(stored.number);
    expect(page.text).toContain('<li>hukou-certificate</li>');
    expect(page.text).toContain('<strong>已受理</strong>');
    expect(page.text).toContain(`receipt.pdf?k=${stored.progressKey}`);
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
    const url = linkOf(server.url, stored);
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

    const real = await get(receiptUrl(linkOf(production.url, stored) + '&lang=en'));
    expect(real.status).toBe(200);
    const realFile = savePdf(real.bytes, 'progress-receipt-production');
    expect(pdfText(realFile)).toContain('1101**********1234');
    expect(pdfText(realFile, true).replace(/\s+/g, '')).not.toContain('DEMONSTRATION');
  });

  it('answers a wrong, missing or foreign key, an unknown number and a not-yet-uploaded transaction with the same 404', async () => {
    const key = stored.progressKey ?? '';
    const wrongKey = key.slice(0, 25) + (key.endsWith('0') ? '1' : '0');
    const base = `${server.url}/progress`;
    const notUploaded = sampleTransaction(KIOSK);
    const urls = [
      `${base}/${stored.number}?k=${wrongKey}`,
      `${base}/${stored.number}`,
      `${base}/${stored.number}?k=`,
      `${base}/${stored.number}?k=not-a-key`,
      `${base}/${stored.number}?k=${hostile.progressKey}`,
      `${base}/JW-20261129-999999?k=${key}`,
      linkOf(server.url, notUploaded),
      progressPageUrl(server.url, stored.number, newProgressKey()),
      // The key of the earlier design (the ULID's random part) opens nothing.
      `${base}/${stored.number}?k=${stored.id.slice(-16)}`,
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
    const page = await get(linkOf(server.url, hostile));
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script|<img|<b |<i>/i);
    expect(page.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page.text).toContain('&#34;&#62;&#60;img src=x onerror=alert(3)&#62;');
    expect(page.text).not.toContain('FORM-SECRET');
    expect(page.text).not.toContain('onmouseover');
    const pdf = await get(receiptUrl(linkOf(server.url, hostile)));
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
      mode: 'demonstration',
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
        /^http:\/\/127\.0\.0\.1:\d+\/progress\/JW-\d{8}-\d{6}\?k=[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
      );
      if (!progressUrl || !core.sync) throw new Error('no progress URL or no sync');

      await core.sync.uploader.drain(30_000);
      const page = await get(progressUrl);
      expect(page.status).toBe(200);
      // The service by its catalog name in the citizen's language (uploaded with it), never by its id.
      expect(page.text).toContain('<li>户籍证明开具</li>');
      expect(page.text).not.toContain('household-certificate');
      expect((await get(`${progressUrl}&lang=en`)).text).toContain(
        '<li>Household registration certificate</li>',
      );
      // The bare number, as a sequential guess would produce it, unlocks nothing.
      expect((await get(progressUrl.replace(/\?k=.*$/, ''))).status).toBe(404);

      const pdf = await get(receiptUrl(progressUrl));
      const text = pdfText(savePdf(pdf.bytes, 'kiosk-visit'));
      expect(text).toContain('1101**********002X');
      expect(text).toContain('张*');
      expect(text).toContain('户籍证明开具');
      expect(text).not.toContain('household-certificate');
      expect(text).not.toContain('11010519491231002X');
      expect(text).not.toContain('张三');
    } finally {
      await core.close();
    }
  });
});

describe('progress keys from a clock stepped back are not adjacent', () => {
  it('draws keys independent of the id and of time, and the central page refuses key+1 and number+1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'booth-keys-'));
    let now = new Date(2026, 10, 29, 10, 0).getTime();
    const store = await openStore({ dataDir: dir, now: () => now });
    try {
      const transactions = new TransactionService(store);
      const completed = [];
      for (let i = 0; i < 6; i++) {
        completed.push(
          await transactions.complete({
            locale: 'zh-CN',
            catalogVersion: 1,
            citizen: { cardType: 'resident', name: '测试用户', idNumber: '110101199001011234' },
            services: [{ serviceId: 'hukou-certificate', form: { purpose: '入学' } }],
          }),
        );
        // An NTP correction steps the kiosk clock back before the next visit.
        now -= 1_500;
      }
      // The premise: with the clock going backwards the monotonic ids come out sequential (random part + 1),
      // which is why a key must not be derived from them.
      for (let i = 1; i < completed.length; i++) {
        const step =
          keyValue(`0000000000${completed[i]!.id.slice(-16)}`) -
          keyValue(`0000000000${completed[i - 1]!.id.slice(-16)}`);
        expect(step).toBe(1n);
      }
      const keys = completed.map((c) => c.progressKey);
      expect(new Set(keys).size).toBe(keys.length);
      for (const [i, a] of keys.entries()) {
        expect(a).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
        expect(a).not.toContain(completed[i]!.id.slice(-16));
        for (const b of keys.slice(i + 1)) {
          const distance = keyValue(a) - keyValue(b);
          // Independent 128-bit draws: two of them within 2^64 of each other has probability ~2^-63.
          expect(distance < 0n ? -distance : distance).toBeGreaterThan(2n ** 64n);
        }
      }

      // The kiosk uploads each key with its transaction (sealed at rest until then).
      const payloads = await Promise.all(completed.map((c) => transactions.payload(c.id, KIOSK)));
      expect(payloads.map((p) => p.progressKey)).toEqual(keys);
      await upload(server, ...payloads);
      for (let i = 1; i < completed.length; i++) {
        const previous = completed[i - 1]!;
        const next = completed[i]!;
        expect((await get(progressPageUrl(server.url, next.number, next.progressKey))).status).toBe(200);
        for (const guess of [
          progressPageUrl(server.url, next.number, keyPlus(previous.progressKey, 1n)),
          progressPageUrl(server.url, next.number, keyPlus(previous.progressKey, -1n)),
          progressPageUrl(server.url, previous.number, keyPlus(previous.progressKey, 1n)),
          receiptUrl(progressPageUrl(server.url, next.number, keyPlus(previous.progressKey, 1n))),
        ])
          expect((await get(guess)).status, guess).toBe(404);
      }
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the citizen page is rate limited per client address', () => {
  let limited: CentralServer;
  let clock = 0;
  beforeAll(async () => {
    limited = await startCentralServer({
      port: 0,
      dataDir: ':memory:',
      kioskTokens: { [KIOSK]: TOKEN },
      adminToken: 'admin-secret',
      rateLimits: {
        kioskLookups: { burst: 100, perMinute: 100 },
        progressPage: { burst: 3, perMinute: 30 },
        clock: () => clock,
      },
    });
    await upload(limited, stored);
  });
  afterAll(async () => {
    await limited.close();
  });

  /** A GET from a chosen loopback source address (Linux routes all of 127/8 to lo). */
  const getFrom = (
    url: string,
    localAddress: string,
  ): Promise<{ status: number; retryAfter?: string; text: string }> =>
    new Promise((resolve, reject) => {
      const request = httpRequest(url, { localAddress, agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text,
            ...(typeof response.headers['retry-after'] === 'string'
              ? { retryAfter: response.headers['retry-after'] }
              : {}),
          }),
        );
      });
      request.setTimeout(10_000, () => request.destroy(new Error('no answer')));
      request.on('error', reject);
      request.end();
    });

  it('answers 429 with Retry-After once an address spends its burst, and not to other addresses', async () => {
    const url = linkOf(limited.url, stored);
    expect((await getFrom(url, '127.0.0.1')).status).toBe(200);
    expect((await getFrom(receiptUrl(url), '127.0.0.1')).status).toBe(200);
    // Wrong keys spend the bucket too: guessing is what the limit is for.
    expect(
      (await getFrom(progressPageUrl(limited.url, stored.number, newProgressKey()), '127.0.0.1')).status,
    ).toBe(404);
    const refused = await getFrom(`${url}&lang=en`, '127.0.0.1');
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('2');
    expect(refused.text).toContain('Too many requests');
    expect(refused.text).not.toContain(stored.number);
    expect((await getFrom(url, '127.0.0.2')).status).toBe(200);
    // The kiosks' JSON API has its own per-token limit.
    const json = await fetch(`${limited.url}/v1/transactions/${stored.number}/progress`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(json.status).toBe(200);
    clock += 2_000;
    expect((await getFrom(url, '127.0.0.1')).status).toBe(200);
    expect((await getFrom(url, '127.0.0.1')).status).toBe(429);
  });
});
