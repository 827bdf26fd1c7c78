import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { printableReceiptSchema } from '../domain/documents/schemas.js';
import type { TransactionProgress } from '../contract/central-api.js';
import { createHash } from 'node:crypto';
import { sampleTransaction } from './fixtures.js';
import {
  encodeProgressKey,
  newProgressKey,
  parseProgressLinkKey,
  PROGRESS_KEY_LENGTH,
  progressPageUrl,
} from '../contract/progress-link.js';
import {
  createProgressPageHandler,
  escapeHtml,
  formatInOffsetOf,
  isProgressPagePath,
  PROGRESS_PAGE_CSP,
  receiptDataFor,
  renderNotFoundPage,
  serviceNameOf,
  renderProgressPage,
  type ProgressPageOptions,
} from './progress-page.js';

const KEY = '7ZZZZZZZZZZZZZZZZZZZZZZZZZ';
const progress: TransactionProgress = {
  number: 'JW-20261129-000123',
  status: 'in-progress',
  updatedAt: '2026-11-29T00:16:00.000Z',
};

describe('progress link', () => {
  it('encodes 128 bits as 26 Crockford base32 digits and builds the keyed URL', () => {
    expect(encodeProgressKey(new Uint8Array(16).fill(0xff))).toBe(KEY);
    expect(encodeProgressKey(new Uint8Array(16))).toBe('0'.repeat(26));
    const one = new Uint8Array(16);
    one[15] = 33;
    expect(encodeProgressKey(one)).toBe('0'.repeat(24) + '11');
    expect(() => encodeProgressKey(new Uint8Array(10))).toThrow(RangeError);
    expect(progressPageUrl('https://p.example/', 'JW-20261129-000123', KEY)).toBe(
      `https://p.example/progress/JW-20261129-000123?k=${KEY}`,
    );
    expect(progressPageUrl('http://127.0.0.1:8080///', 'JW-1', KEY)).toBe(
      `http://127.0.0.1:8080/progress/JW-1?k=${KEY}`,
    );
  });

  it('draws fresh keys of 128 random bits', () => {
    const keys = Array.from({ length: 200 }, () => newProgressKey());
    expect(new Set(keys).size).toBe(200);
    for (const key of keys) {
      expect(key).toHaveLength(PROGRESS_KEY_LENGTH);
      expect(parseProgressLinkKey(key)).toBe(key);
    }
    // Every one of the 128 bits varies across the sample (a counter or a timestamp would leave high bits fixed).
    const values = keys.map((key) => BigInt(`0x${decodeForTest(key)}`));
    for (let bit = 0n; bit < 128n; bit++) {
      const ones = values.filter((value) => ((value >> bit) & 1n) === 1n).length;
      expect(ones, `bit ${bit}`).toBeGreaterThan(40);
      expect(ones, `bit ${bit}`).toBeLessThan(160);
    }
  });

  it('accepts a presented key case-insensitively and refuses anything else', () => {
    expect(parseProgressLinkKey(KEY.toLowerCase())).toBe(KEY);
    for (const bad of [
      null,
      undefined,
      '',
      KEY.slice(1),
      `${KEY}0`,
      // 130 bits: the first digit of a 128-bit key is 0-7.
      `8${KEY.slice(1)}`,
      `${KEY.slice(0, 25)}U`,
      '6S1V4T2M9C0XQH7R',
    ])
      expect(parseProgressLinkKey(bad)).toBeNull();
  });
});

/** Crockford base32 (26 digits) back to 32 hex digits, independently of the encoder under test. */
function decodeForTest(key: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let value = 0n;
  for (const digit of key) value = value * 32n + BigInt(alphabet.indexOf(digit));
  return value.toString(16).padStart(32, '0');
}

const hashOf = (key: string | undefined): Buffer | null =>
  key === undefined ? null : createHash('sha256').update(key, 'utf8').digest();

describe('progress page rendering', () => {
  const view = {
    locale: 'zh-CN' as const,
    number: 'JW-20261129-000123',
    key: KEY,
    services: [{ name: '户籍证明开具' }, { name: '局长信箱', reference: 'XX-20261129-0042' }],
    progress,
    completedAt: '2026-11-29T08:15:00+08:00',
    demonstration: true,
    trailingSlash: false,
  };

  it('shows number, status, times in the kiosk offset, services, and a keyed receipt link', () => {
    const html = renderProgressPage(view);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('JW-20261129-000123');
    expect(html).toContain('<strong>办理中</strong>');
    expect(html).toContain('2026-11-29 08:15');
    expect(html).toContain('2026-11-29 08:16');
    expect(html).toContain('<li>户籍证明开具</li>');
    expect(html).toContain('XX-20261129-0042');
    expect(html).toContain(`href="./JW-20261129-000123/receipt.pdf?k=${KEY}&#38;lang=zh-CN"`);
    expect(html).toContain('演示数据');
    expect(html).not.toMatch(/<script/i);
    expect(renderProgressPage({ ...view, trailingSlash: true })).toContain('href="receipt.pdf?k=');
    expect(renderProgressPage({ ...view, demonstration: false })).not.toContain('演示数据');
  });

  it('speaks Traditional Chinese and English', () => {
    expect(renderProgressPage({ ...view, locale: 'zh-HK' })).toContain('辦理中');
    const en = renderProgressPage({ ...view, locale: 'en', progress: { ...progress, status: 'done' } });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('<strong>Done</strong>');
  });

  it('escapes hostile service names and references', () => {
    const html = renderProgressPage({
      ...view,
      services: [
        { name: '<script>alert(1)</script>', reference: '"><img src=x onerror=alert(1)>' },
        { name: "a'b&c" },
      ],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('a&#39;b&#38;c');
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });

  it('shows a letter’s handling and the officers’ reply (the page opens only with the key), escaped', () => {
    const letter = {
      trackingNumber: 'JW-20261129-000123',
      status: 'answered' as const,
      signedAt: '2026-11-29T00:20:00.000Z',
      answeredAt: '2026-11-29T00:30:00.000Z',
      reply: { text: '已转交交警大队 <b>今天</b>修复。', at: '2026-11-29T00:30:00.000Z' },
    };
    const html = renderProgressPage({ ...view, letter });
    expect(html).toContain('<h2>来信处理</h2>');
    expect(html).toContain('<strong>已答复</strong>');
    expect(html).toContain('<dd class="reply">已转交交警大队 &#60;b&#62;今天&#60;/b&#62;修复。</dd>');
    expect(html).toContain('2026-11-29 08:30');
    expect(renderProgressPage({ ...view, locale: 'en', letter: { ...letter, status: 'closed' } })).toContain(
      '<strong>Closed</strong>',
    );
    const waiting = renderProgressPage({
      ...view,
      letter: { trackingNumber: letter.trackingNumber, status: 'received' },
    });
    expect(waiting).toContain('已送达局长信箱，等待签收');
    expect(waiting).not.toContain('答复内容');
    expect(renderProgressPage(view)).not.toContain('来信处理');
  });

  it('has one not-found page per language that says the record may not have arrived yet', () => {
    expect(renderNotFoundPage('zh-CN')).toBe(renderNotFoundPage('zh-CN'));
    expect(renderNotFoundPage('zh-CN')).toContain('尚未传到系统');
    expect(renderNotFoundPage('zh-HK')).toContain('尚未傳到系統');
    expect(renderNotFoundPage('en')).toContain('may not have arrived yet');
  });

  it('formats times in the offset of a reference time', () => {
    expect(formatInOffsetOf('2026-11-29T16:30:00Z', '2026-11-29T08:15:00+08:00')).toBe('2026-11-30 00:30');
    expect(formatInOffsetOf('2026-11-29T16:30:00Z', '2026-11-29T08:15:00-05:30')).toBe('2026-11-29 11:00');
    expect(formatInOffsetOf('2026-11-29T16:30:00Z', '2026-11-29T08:15:00Z')).toBe('2026-11-29 16:30');
    expect(formatInOffsetOf('garbage', '2026-11-29T08:15:00Z')).toBe('garbage');
  });

  it('routes only /progress paths to the page', () => {
    expect(isProgressPagePath('/progress/JW-1?k=x')).toBe(true);
    expect(isProgressPagePath('/progress')).toBe(true);
    expect(isProgressPagePath('/progressive')).toBe(false);
    expect(isProgressPagePath('/v1/transactions/JW-1/progress')).toBe(false);
    expect(isProgressPagePath(undefined)).toBe(false);
  });
});

describe('receipt data for the PDF', () => {
  it('masks the name and the ID number and passes the printable-receipt check', () => {
    const transaction = sampleTransaction('SZ-FT-0012');
    const data = receiptDataFor(transaction, progress, 'zh-CN', 'https://p.example/progress/x?k=y', true);
    expect(data.citizen).toEqual({ name: '测***', idNumberMasked: '1101**********1234' });
    expect(JSON.stringify(data)).not.toContain('110101199001011234');
    expect(JSON.stringify(data)).not.toContain('测试用户');
    expect(JSON.stringify(data)).not.toContain('北京市');
    expect(data.services).toEqual([{ id: 'hukou-certificate', name: 'hukou-certificate', status: '办理中' }]);
    expect(printableReceiptSchema.safeParse(data).success).toBe(true);
    const anonymous = receiptDataFor(
      { ...transaction, citizen: null },
      progress,
      'en',
      'https://p.example/',
      false,
    );
    expect(anonymous.citizen).toBeNull();
    expect(anonymous.demonstration).toBe(false);
  });
});

describe('service names on the page and the receipt', () => {
  const named = (): ReturnType<typeof sampleTransaction> =>
    sampleTransaction('SZ-FT-0012', {
      services: [
        {
          serviceId: 'chief-mailbox',
          name: { 'zh-CN': '局长信箱', 'zh-HK': '局長信箱', en: "Chief's mailbox" },
          form: {},
        },
      ],
    });

  it('names each service in the reader’s language from the names uploaded with it, never by its id', () => {
    const transaction = named();
    for (const [locale, name] of [
      ['zh-CN', '局长信箱'],
      ['zh-HK', '局長信箱'],
      ['en', "Chief's mailbox"],
    ] as const) {
      const data = receiptDataFor(transaction, progress, locale, 'https://p.example/progress/x?k=y', true);
      expect(data.services[0]?.name).toBe(name);
      expect(serviceNameOf(transaction.services[0]!, locale)).toBe(name);
    }
    expect(
      JSON.stringify(receiptDataFor(transaction, progress, 'en', 'https://p.example/', true).services),
    ).not.toContain('"name":"chief-mailbox"');
  });

  it('falls back to the id only for uploads that carried no names (kiosks that predate them)', () => {
    const legacy = sampleTransaction('SZ-FT-0012');
    expect(serviceNameOf(legacy.services[0]!, 'en')).toBe('hukou-certificate');
  });
});

describe('progress page handler', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(options: ProgressPageOptions): Promise<string> {
    const handler = createProgressPageHandler(options);
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
  }

  it('picks the transaction whose key matches when two kiosks share a number', async () => {
    const number = 'JW-20261129-000777';
    const first = sampleTransaction('SZ-FT-0001', {
      number,
      services: [{ serviceId: 'first-service', form: {} }],
    });
    const second = sampleTransaction('SZ-FT-0002', {
      number,
      services: [{ serviceId: 'second-service', form: {} }],
    });
    const byId = new Map([first, second].map((t) => [t.id, t]));
    const base = await serve({
      findCandidates: async () => [
        { id: first.id, keyHash: hashOf(first.progressKey) },
        { id: second.id, keyHash: hashOf(second.progressKey) },
      ],
      load: async (id) => {
        const t = byId.get(id);
        return t ? { payload: JSON.stringify(t), progress: { ...progress, number } } : undefined;
      },
    });
    const one = await (await fetch(progressPageUrl(base, number, first.progressKey ?? ''))).text();
    const two = await (await fetch(progressPageUrl(base, number, second.progressKey ?? ''))).text();
    expect(one).toContain('first-service');
    expect(one).not.toContain('second-service');
    expect(two).toContain('second-service');
  });

  it('answers a broken stored record with a 500 page that leaks nothing', async () => {
    const transaction = sampleTransaction('SZ-FT-0001');
    const base = await serve({
      findCandidates: async () => [{ id: transaction.id, keyHash: hashOf(transaction.progressKey) }],
      load: async () => ({ payload: JSON.stringify({ ...transaction, services: [] }), progress }),
    });
    const response = await fetch(
      progressPageUrl(base, transaction.number, transaction.progressKey ?? '') + '&lang=en',
    );
    const html = await response.text();
    expect(response.status).toBe(500);
    expect(response.headers.get('content-security-policy')).toBe(PROGRESS_PAGE_CSP);
    expect(html).toContain('Temporarily unavailable');
    expect(html).not.toContain(transaction.number);
  });

  it('never opens a transaction stored without a key, whatever key is presented', async () => {
    const legacy = sampleTransaction('SZ-FT-0001', { progressKey: undefined });
    const base = await serve({
      findCandidates: async () => [{ id: legacy.id, keyHash: null }],
      load: async () => ({ payload: JSON.stringify(legacy), progress }),
    });
    for (const key of [newProgressKey(), '0'.repeat(26), legacy.id.slice(-16)]) {
      const response = await fetch(progressPageUrl(base, legacy.number, key));
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(renderNotFoundPage('zh-CN'));
    }
  });

  it('answers 429 with Retry-After and a page in the asked language when the limiter refuses', async () => {
    const transaction = sampleTransaction('SZ-FT-0001');
    let refuse = false;
    let loads = 0;
    const base = await serve({
      findCandidates: async () => [{ id: transaction.id, keyHash: hashOf(transaction.progressKey) }],
      load: async () => {
        loads++;
        return { payload: JSON.stringify(transaction), progress };
      },
      admit: () => (refuse ? 7 : null),
    });
    const url = progressPageUrl(base, transaction.number, transaction.progressKey ?? '');
    expect((await fetch(url)).status).toBe(200);
    refuse = true;
    const limited = await fetch(`${url}&lang=en`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('content-security-policy')).toBe(PROGRESS_PAGE_CSP);
    expect(await limited.text()).toContain('Too many requests');
    expect((await fetch(url.replace('?', '/receipt.pdf?'))).status).toBe(429);
    // Refused before any storage work.
    expect(loads).toBe(1);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const base = await serve({ findCandidates: async () => [], load: async () => undefined });
    const response = await fetch(`${base}/progress/JW-20261129-000001?k=${KEY}`, {
      method: 'POST',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });
});
