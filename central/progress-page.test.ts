import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { printableReceiptSchema } from '../main/services/documents/schemas.js';
import type { TransactionProgress } from './contract.js';
import { newTransactionId, sampleTransaction } from './fixtures.js';
import { parseProgressLinkKey, progressLinkKey, progressPageUrl } from './progress-link.js';
import {
  createProgressPageHandler,
  escapeHtml,
  formatInOffsetOf,
  isProgressPagePath,
  PROGRESS_PAGE_CSP,
  receiptDataFor,
  renderNotFoundPage,
  renderProgressPage,
  type ProgressPageOptions,
} from './progress-page.js';

const ULID = '01JDQ8ZK3W6S1V4T2M9C0XQH7R';
const progress: TransactionProgress = {
  number: 'JW-20261129-000123',
  status: 'in-progress',
  updatedAt: '2026-11-29T00:16:00.000Z',
};

describe('progress link', () => {
  it('keys a link with the 80 random bits of the ULID', () => {
    expect(progressLinkKey(ULID)).toBe('6S1V4T2M9C0XQH7R');
    expect(progressPageUrl('https://p.example/', 'JW-20261129-000123', ULID)).toBe(
      'https://p.example/progress/JW-20261129-000123?k=6S1V4T2M9C0XQH7R',
    );
    expect(progressPageUrl('http://127.0.0.1:8080///', 'JW-1', ULID)).toBe(
      'http://127.0.0.1:8080/progress/JW-1?k=6S1V4T2M9C0XQH7R',
    );
  });

  it('gives different keys to consecutive transactions', () => {
    const keys = new Set(Array.from({ length: 50 }, () => progressLinkKey(newTransactionId())));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(parseProgressLinkKey(key)).toBe(key);
  });

  it('accepts a presented key case-insensitively and refuses anything else', () => {
    expect(parseProgressLinkKey('6s1v4t2m9c0xqh7r')).toBe('6S1V4T2M9C0XQH7R');
    for (const bad of [
      null,
      undefined,
      '',
      '6S1V4T2M9C0XQH7',
      '6S1V4T2M9C0XQH7RR',
      '6S1V4T2M9C0XQH7U',
      'ILOU0000000000000',
    ])
      expect(parseProgressLinkKey(bad)).toBeNull();
  });
});

describe('progress page rendering', () => {
  const view = {
    locale: 'zh-CN' as const,
    number: 'JW-20261129-000123',
    key: '6S1V4T2M9C0XQH7R',
    services: [{ id: 'hukou-certificate' }, { id: 'mailbox', reference: 'XX-20261129-0042' }],
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
    expect(html).toContain('<li>hukou-certificate</li>');
    expect(html).toContain('XX-20261129-0042');
    expect(html).toContain('href="./JW-20261129-000123/receipt.pdf?k=6S1V4T2M9C0XQH7R&#38;lang=zh-CN"');
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

  it('escapes hostile service ids and references', () => {
    const html = renderProgressPage({
      ...view,
      services: [
        { id: '<script>alert(1)</script>', reference: '"><img src=x onerror=alert(1)>' },
        { id: "a'b&c" },
      ],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('a&#39;b&#38;c');
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
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
      findIds: async () => [first.id, second.id],
      load: async (id) => {
        const t = byId.get(id);
        return t ? { payload: JSON.stringify(t), progress: { ...progress, number } } : undefined;
      },
    });
    const one = await (await fetch(progressPageUrl(base, number, first.id))).text();
    const two = await (await fetch(progressPageUrl(base, number, second.id))).text();
    expect(one).toContain('first-service');
    expect(one).not.toContain('second-service');
    expect(two).toContain('second-service');
  });

  it('answers a broken stored record with a 500 page that leaks nothing', async () => {
    const transaction = sampleTransaction('SZ-FT-0001');
    const base = await serve({
      findIds: async () => [transaction.id],
      load: async () => ({ payload: JSON.stringify({ ...transaction, services: [] }), progress }),
    });
    const response = await fetch(progressPageUrl(base, transaction.number, transaction.id) + '&lang=en');
    const html = await response.text();
    expect(response.status).toBe(500);
    expect(response.headers.get('content-security-policy')).toBe(PROGRESS_PAGE_CSP);
    expect(html).toContain('Temporarily unavailable');
    expect(html).not.toContain(transaction.number);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const base = await serve({ findIds: async () => [], load: async () => undefined });
    const response = await fetch(`${base}/progress/JW-20261129-000001?k=6S1V4T2M9C0XQH7R`, {
      method: 'POST',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });
});
