/**
 * The citizen's progress page and electronic receipt, served by the central server to phones that scanned the
 * receipt's QR code (contract/progress-link.ts builds the link):
 *
 *   GET /progress/{number}?k={key}[&lang=zh-CN|zh-HK|en]              → a small server-rendered HTML page
 *   GET /progress/{number}/receipt.pdf?k={key}[&lang=zh-CN|zh-HK|en]  → the A4 receipt PDF
 *
 * No bearer token: the key is the credential (128 random bits drawn by the kiosk, uploaded with the
 * transaction; the server keeps only its SHA-256). A wrong or missing key, an unknown number and a transaction
 * not uploaded yet (the kiosk was offline) all answer the same 404 page, so the page never reveals whether a
 * number exists; the presented key's SHA-256 is compared in constant time (`timingSafeEqual`) against every
 * stored transaction with that number (numbers are per kiosk, so two kiosks can share one). Requests are rate
 * limited per client address (`admit`), answering 429 with Retry-After. The page shows only the number, the
 * services by the catalog names the kiosk uploaded with them (in the page's language), the status and the times; the PDF shows a masked name and a masked ID number. Every response
 * carries a strict CSP (no scripts), `no-store` and `no-referrer` (the key is in the URL). Nothing here logs
 * a URL: it holds the key.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { maskIdNumber } from '../drivers/id-card/id-number.js';
import type { ReceiptData } from '../domain/documents/receipt-data.js';
import { maskName } from '../domain/documents/masking.js';
import { renderDocument } from '../domain/documents/render.js';
import {
  centralLocaleSchema,
  referenceNumberSchema,
  transactionPayloadSchema,
  type MailboxState,
  type MailboxStatus,
  type ProgressStatus,
  type TransactionPayload,
  type TransactionProgress,
} from '../contract/central-api.js';
import { parseProgressLinkKey, progressPageUrl } from '../contract/progress-link.js';

/** A display language of the page. */
export type ProgressPageLocale = 'zh-CN' | 'zh-HK' | 'en';

/** The Content-Security-Policy of every HTML response: no scripts, no fetches, inline styles and data: images. */
export const PROGRESS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A stored transaction as the page needs it. */
export interface ProgressPageRecord {
  /** The stored upload (JSON of a TransactionPayload); parsed again here, it is a boundary. */
  readonly payload: string;
  /** Its status as officers (or an administrator's pin, or a demonstration timer) set it. */
  readonly progress: TransactionProgress;
  /**
   * For a letter to the chief's mailbox: where the officers have it, with their latest reply. The page opens only
   * with the receipt's key, so the reply may be shown here.
   */
  readonly letter?: MailboxStatus;
}

/** Settings a server operator chooses (part of CentralServerOptions). */
export interface ProgressPageSettings {
  /** Production: receipts carry no "demonstration" marking. Default false. */
  readonly production?: boolean;
  /**
   * The public origin phones reach, e.g. "https://progress.police.example", used for the QR code on the
   * receipt PDF. Default: the request's scheme and (validated) Host header.
   */
  readonly publicBaseUrl?: string;
  /** Another document font (tests, packaged resources). */
  readonly fontPath?: string;
}

/** A stored transaction that carries a number, with the SHA-256 of its progress key (null: it has none). */
export interface ProgressPageCandidate {
  readonly id: string;
  readonly keyHash: Buffer | null;
}

/** What the handler needs from the server's storage and its rate limiter. */
export interface ProgressPageOptions extends ProgressPageSettings {
  /** Every stored transaction with this number (usually zero or one). */
  readonly findCandidates: (number: string) => Promise<readonly ProgressPageCandidate[]>;
  /** One stored transaction by ULID. */
  readonly load: (id: string) => Promise<ProgressPageRecord | undefined>;
  /** Rate limiting: null admits the request, a number refuses it with that Retry-After (seconds). */
  readonly admit?: (req: IncomingMessage) => number | null;
}

/** Serves one request under /progress/; never rejects. */
export type ProgressPageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Labels {
  readonly title: string;
  readonly number: string;
  readonly status: string;
  readonly updated: string;
  readonly submitted: string;
  readonly services: string;
  readonly reference: string;
  readonly receipt: string;
  readonly demonstration: string;
  readonly statuses: Readonly<Record<ProgressStatus, string>>;
  readonly letter: string;
  readonly letterStatuses: Readonly<Record<MailboxState, string>>;
  readonly reply: string;
  readonly replyAt: string;
  readonly hint: string;
  readonly notFoundTitle: string;
  readonly notFoundBody: string;
  readonly notYet: string;
  readonly errorTitle: string;
  readonly errorBody: string;
  readonly methodTitle: string;
  readonly tooManyTitle: string;
  readonly tooManyBody: string;
  readonly language: string;
  /** The receipt's "where" line; the A4 layout adds the kiosk id after it. */
  readonly kioskName: string;
  readonly notice: string;
}

const LABELS: Readonly<Record<ProgressPageLocale, Labels>> = {
  'zh-CN': {
    title: '办理进度',
    number: '业务编号',
    status: '办理状态',
    updated: '更新时间',
    submitted: '受理时间',
    services: '办理事项',
    reference: '编号',
    receipt: '下载电子回执（PDF）',
    demonstration: '演示数据 · 非正式办理',
    statuses: { received: '已受理', 'in-progress': '办理中', 'ready-for-pickup': '待领取', done: '已办结' },
    letter: '来信处理',
    letterStatuses: {
      received: '已送达局长信箱，等待签收',
      signed: '已签收，正在处理',
      answered: '已答复',
      closed: '已办结',
    },
    reply: '答复内容',
    replyAt: '答复时间',
    hint: '进度会定时更新，可刷新本页查看。',
    notFoundTitle: '未找到办理记录',
    notFoundBody: '没有找到与此链接对应的办理记录。请确认扫描的是回执上的二维码，且链接完整。',
    notYet: '如果您刚刚办理完毕，记录可能尚未传到系统（例如自助机暂时离线），请稍后再试。',
    errorTitle: '暂时无法显示',
    errorBody: '系统暂时无法处理您的请求，请稍后再试。',
    methodTitle: '不支持的请求',
    tooManyTitle: '请求过于频繁',
    tooManyBody: '请求次数过多，请稍候一分钟再试。',
    language: '语言',
    kioskName: '自助警务舱',
    notice: '电子回执：凭回执二维码链接在网上取得，内容与现场回执一致。',
  },
  'zh-HK': {
    title: '辦理進度',
    number: '業務編號',
    status: '辦理狀態',
    updated: '更新時間',
    submitted: '受理時間',
    services: '辦理事項',
    reference: '編號',
    receipt: '下載電子回執（PDF）',
    demonstration: '示範數據 · 非正式辦理',
    statuses: { received: '已受理', 'in-progress': '辦理中', 'ready-for-pickup': '待領取', done: '已辦結' },
    letter: '來信處理',
    letterStatuses: {
      received: '已送達局長信箱，等待簽收',
      signed: '已簽收，正在處理',
      answered: '已答覆',
      closed: '已辦結',
    },
    reply: '答覆內容',
    replyAt: '答覆時間',
    hint: '進度會定時更新，可重新整理本頁查看。',
    notFoundTitle: '找不到辦理記錄',
    notFoundBody: '找不到與此連結對應的辦理記錄。請確認掃描的是回執上的二維碼，且連結完整。',
    notYet: '如果您剛剛辦理完畢，記錄可能尚未傳到系統（例如自助機暫時離線），請稍後再試。',
    errorTitle: '暫時無法顯示',
    errorBody: '系統暫時無法處理您的請求，請稍後再試。',
    methodTitle: '不支援的請求',
    tooManyTitle: '請求過於頻繁',
    tooManyBody: '請求次數過多，請稍候一分鐘再試。',
    language: '語言',
    kioskName: '自助警務艙',
    notice: '電子回執：憑回執二維碼連結在網上取得，內容與現場回執一致。',
  },
  en: {
    title: 'Progress',
    number: 'Transaction number',
    status: 'Status',
    updated: 'Updated',
    submitted: 'Submitted',
    services: 'Services',
    reference: 'Reference',
    receipt: 'Download the receipt (PDF)',
    demonstration: 'Demonstration data – not a real application',
    statuses: {
      received: 'Received',
      'in-progress': 'In progress',
      'ready-for-pickup': 'Ready for pickup',
      done: 'Done',
    },
    letter: 'Your letter',
    letterStatuses: {
      received: "In the chief's mailbox, waiting to be signed for",
      signed: 'Signed for; being handled',
      answered: 'Answered',
      closed: 'Closed',
    },
    reply: 'Reply',
    replyAt: 'Replied',
    hint: 'Progress is updated from time to time; reload this page to check.',
    notFoundTitle: 'Record not found',
    notFoundBody:
      'No record matches this link. Check that you scanned the QR code on your receipt and that the link is complete.',
    notYet:
      'If you have only just finished, the record may not have arrived yet (for example while the kiosk is offline). Please try again later.',
    errorTitle: 'Temporarily unavailable',
    errorBody: 'The service cannot answer right now. Please try again later.',
    methodTitle: 'Request not supported',
    tooManyTitle: 'Too many requests',
    tooManyBody: 'Too many requests from your connection. Please wait a minute and try again.',
    language: 'Language',
    kioskName: 'Self-service police kiosk',
    notice:
      'Electronic receipt, obtained online through the link on the receipt; same content as the printed one.',
  },
};

const LANGUAGE_NAMES: Readonly<Record<ProgressPageLocale, string>> = {
  'zh-CN': '简体中文',
  'zh-HK': '繁體中文',
  en: 'English',
};

const STATUS_ORDER: readonly ProgressStatus[] = ['received', 'in-progress', 'ready-for-pickup', 'done'];

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `2026-11-29T00:15:00Z` shown as `2026-11-29 08:15` in the offset of `reference` (e.g. `…+08:00`). */
export function formatInOffsetOf(iso: string, reference: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const m = /([+-])(\d{2}):(\d{2})$/.exec(reference);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const local = new Date(at + minutes * 60_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1b1f24;background:#f3f5f8}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
.card{background:#fff;border-radius:.75rem;padding:1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.demo{background:#fff3cd;color:#664d03;border-radius:.5rem;padding:.5rem .75rem;margin:0 0 1rem;font-weight:600}
dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem;margin:0}
dt{color:#5a6270}
dd{margin:0;word-break:break-all}
.steps{display:flex;list-style:none;padding:0;margin:1rem 0 0;gap:.25rem}
.steps li{flex:1;text-align:center;padding:.5rem .25rem;border-radius:.5rem;background:#e6e9ee;color:#5a6270;font-size:.9rem}
.steps li.reached{background:#d7ecdf;color:#155d32}
.steps li[aria-current]{background:#1f7a45;color:#fff;font-weight:600}
ul.services{margin:0;padding-left:1.25rem}
ul.services li{word-break:break-all}
.ref{color:#5a6270}
.letter .reply{white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere}
a.button{display:block;text-align:center;margin:1.25rem 0;padding:.85rem;border-radius:.6rem;background:#0b5cad;color:#fff;text-decoration:none;font-weight:600}
.hint{color:#5a6270;font-size:.9rem}
nav{margin-top:1.5rem;font-size:.9rem;color:#5a6270}
nav a{margin-right:.75rem;color:#0b5cad}
`;

function documentHtml(locale: ProgressPageLocale, title: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(locale)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body><main>${body}</main></body>`,
    '</html>',
    '',
  ].join('\n');
}

/** What the progress page shows (nothing personal). */
export interface ProgressView {
  readonly locale: ProgressPageLocale;
  readonly number: string;
  readonly key: string;
  /** Each service by its catalog name in the page's language (the id only for uploads that carried no name). */
  readonly services: readonly { readonly name: string; readonly reference?: string }[];
  readonly progress: TransactionProgress;
  /** A chief's-mailbox letter's state and reply (see {@link ProgressPageRecord.letter}). */
  readonly letter?: MailboxStatus;
  /** When the kiosk completed the transaction, with the kiosk's offset. */
  readonly completedAt: string;
  readonly demonstration: boolean;
  /** Whether the request path ended in `/` (relative links depend on it). */
  readonly trailingSlash: boolean;
}

/** The progress page's HTML (every dynamic value escaped). */
export function renderProgressPage(view: ProgressView): string {
  const l = LABELS[view.locale];
  const query = (locale: ProgressPageLocale): string =>
    `?k=${encodeURIComponent(view.key)}&lang=${encodeURIComponent(locale)}`;
  const receiptHref = `${view.trailingSlash ? '' : `./${encodeURIComponent(view.number)}/`}receipt.pdf${query(view.locale)}`;
  const current = STATUS_ORDER.indexOf(view.progress.status);
  const steps = STATUS_ORDER.map((status, index) => {
    const attributes =
      index === current ? ' class="reached" aria-current="step"' : index < current ? ' class="reached"' : '';
    return `<li${attributes}>${escapeHtml(l.statuses[status])}</li>`;
  }).join('');
  const services = view.services
    .map(
      (service) =>
        `<li>${escapeHtml(service.name)}${
          service.reference
            ? ` <span class="ref">(${escapeHtml(l.reference)}: ${escapeHtml(service.reference)})</span>`
            : ''
        }</li>`,
    )
    .join('');
  const languages = (Object.keys(LANGUAGE_NAMES) as ProgressPageLocale[])
    .filter((locale) => locale !== view.locale)
    .map(
      (locale) =>
        `<a href="${escapeHtml(query(locale))}" hreflang="${escapeHtml(locale)}" lang="${escapeHtml(locale)}">${escapeHtml(LANGUAGE_NAMES[locale])}</a>`,
    )
    .join('');
  const body = [
    `<h1>${escapeHtml(l.title)}</h1>`,
    view.demonstration ? `<p class="demo">${escapeHtml(l.demonstration)}</p>` : '',
    '<section class="card">',
    '<dl>',
    `<dt>${escapeHtml(l.number)}</dt><dd>${escapeHtml(view.number)}</dd>`,
    `<dt>${escapeHtml(l.status)}</dt><dd><strong>${escapeHtml(l.statuses[view.progress.status])}</strong></dd>`,
    `<dt>${escapeHtml(l.submitted)}</dt><dd>${escapeHtml(formatInOffsetOf(view.completedAt, view.completedAt))}</dd>`,
    `<dt>${escapeHtml(l.updated)}</dt><dd>${escapeHtml(formatInOffsetOf(view.progress.updatedAt, view.completedAt))}</dd>`,
    '</dl>',
    `<ol class="steps">${steps}</ol>`,
    '</section>',
    ...(view.letter
      ? [
          `<h2>${escapeHtml(l.letter)}</h2>`,
          '<section class="card letter"><dl>',
          `<dt>${escapeHtml(l.status)}</dt><dd><strong>${escapeHtml(l.letterStatuses[view.letter.status])}</strong></dd>`,
          ...(view.letter.reply
            ? [
                `<dt>${escapeHtml(l.reply)}</dt><dd class="reply">${escapeHtml(view.letter.reply.text)}</dd>`,
                `<dt>${escapeHtml(l.replyAt)}</dt><dd>${escapeHtml(formatInOffsetOf(view.letter.reply.at, view.completedAt))}</dd>`,
              ]
            : []),
          '</dl></section>',
        ]
      : []),
    `<h2>${escapeHtml(l.services)}</h2>`,
    `<section class="card"><ul class="services">${services}</ul></section>`,
    `<a class="button" href="${escapeHtml(receiptHref)}">${escapeHtml(l.receipt)}</a>`,
    `<p class="hint">${escapeHtml(l.hint)}</p>`,
    `<nav>${escapeHtml(l.language)}${view.locale === 'en' ? ': ' : '：'}${languages}</nav>`,
  ].join('\n');
  return documentHtml(view.locale, `${l.title} ${view.number}`, body);
}

/**
 * The one "not found" page: the same bytes (for a language) whether the number is unknown, the key wrong or
 * missing, or the kiosk has not uploaded the transaction yet.
 */
export function renderNotFoundPage(locale: ProgressPageLocale): string {
  const l = LABELS[locale];
  return documentHtml(
    locale,
    l.notFoundTitle,
    `<h1>${escapeHtml(l.notFoundTitle)}</h1>\n<section class="card"><p>${escapeHtml(l.notFoundBody)}</p><p>${escapeHtml(l.notYet)}</p></section>`,
  );
}

function renderMessagePage(locale: ProgressPageLocale, title: string, text: string): string {
  return documentHtml(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>\n<section class="card"><p>${escapeHtml(text)}</p></section>`,
  );
}

/**
 * A service's name in `locale`, from the catalog texts the kiosk uploaded with it. Uploads from kiosks that
 * predate those carry none; their id is all there is (the server has no catalog).
 */
export function serviceNameOf(
  service: TransactionPayload['services'][number],
  locale: ProgressPageLocale,
): string {
  return service.name?.[locale] ?? service.serviceId;
}

/**
 * The receipt a phone downloads: built from the stored upload, with the name masked to its first character
 * and the ID number masked; services are named by the catalog names uploaded with them.
 */
export function receiptDataFor(
  transaction: TransactionPayload,
  progress: TransactionProgress,
  locale: ProgressPageLocale,
  progressUrl: string,
  demonstration: boolean,
): ReceiptData {
  const l = LABELS[locale];
  return {
    locale,
    kioskId: transaction.kioskId,
    kioskName: l.kioskName,
    transactionNumber: transaction.number,
    completedAt: transaction.completedAt,
    citizen: transaction.citizen
      ? {
          name: maskName(transaction.citizen.name),
          idNumberMasked: maskIdNumber(transaction.citizen.idNumber),
        }
      : null,
    services: transaction.services.map((service) => ({
      id: service.serviceId,
      name: serviceNameOf(service, locale),
      status: l.statuses[progress.status],
      ...(service.reference ? { reference: service.reference } : {}),
    })),
    progressUrl,
    notice: l.notice,
    demonstration,
  };
}

/** Whether a request URL belongs to the progress page (so the server hands it to this handler). */
export function isProgressPagePath(url: string | undefined): boolean {
  return (
    url === '/progress' ||
    (url?.startsWith('/progress/') ?? false) ||
    (url?.startsWith('/progress?') ?? false)
  );
}

const PAGE_PATH = /^\/progress\/([^/]+)(\/|\/receipt\.pdf)?$/;
const HOST_HEADER = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PROGRESS_PAGE_CSP,
    'content-length': String(Buffer.byteLength(html)),
    ...headers,
  });
  res.end(html);
}

/** Creates the handler the central server calls for every request whose path starts with /progress. */
export function createProgressPageHandler(options: ProgressPageOptions): ProgressPageHandler {
  const demonstration = options.production !== true;
  // Compared against when no transaction has the number, so a miss costs what a wrong key costs.
  const decoy = digest(randomBytes(16).toString('hex'));

  const baseUrlOf = (req: IncomingMessage): string => {
    if (options.publicBaseUrl) return options.publicBaseUrl;
    const scheme = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
    const host = req.headers.host ?? '';
    if (HOST_HEADER.test(host)) return `${scheme}://${host}`;
    const address = req.socket.localAddress ?? '127.0.0.1';
    const shown = address.includes(':') ? `[${address}]` : address;
    return `${scheme}://${shown}:${req.socket.localPort ?? 80}`;
  };

  /** The ULID of the transaction with this number whose key matches, compared in constant time. */
  const match = async (number: string, key: string | null): Promise<string | undefined> => {
    const candidates = await options.findCandidates(number);
    const presented = digest(key ?? '');
    let found: string | undefined;
    // No early exit: every candidate (or the decoy) is compared. A transaction without a key (uploaded before
    // kiosks drew keys) is compared with the decoy and never matches.
    for (const candidate of candidates) {
      const stored = candidate.keyHash?.length === presented.length ? candidate.keyHash : null;
      const equal = timingSafeEqual(stored ?? decoy, presented);
      if (equal && stored !== null && key !== null) found = candidate.id;
    }
    if (candidates.length === 0) timingSafeEqual(decoy, presented);
    return found;
  };

  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    lang: ProgressPageLocale | null,
  ): Promise<void> => {
    const pageLocale = lang ?? 'zh-CN';
    const notFound = (): void => sendHtml(res, 404, renderNotFoundPage(pageLocale));
    const method = req.method ?? 'GET';
    const retryAfter = options.admit?.(req) ?? null;
    if (retryAfter !== null) {
      const l = LABELS[pageLocale];
      sendHtml(res, 429, renderMessagePage(pageLocale, l.tooManyTitle, l.tooManyBody), {
        'retry-after': String(retryAfter),
      });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      const l = LABELS[pageLocale];
      sendHtml(res, 405, renderMessagePage(pageLocale, l.methodTitle, l.errorBody), { allow: 'GET, HEAD' });
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://central.invalid');
    } catch {
      notFound();
      return;
    }
    const path = PAGE_PATH.exec(url.pathname);
    let number = '';
    try {
      number = decodeURIComponent(path?.[1] ?? '');
    } catch {
      number = '';
    }
    if (!path || !referenceNumberSchema.safeParse(number).success) {
      notFound();
      return;
    }
    const key = parseProgressLinkKey(url.searchParams.get('k'));
    const id = await match(number, key);
    const record = id !== undefined && key !== null ? await options.load(id) : undefined;
    if (id === undefined || key === null || record === undefined) {
      notFound();
      return;
    }
    const parsed = transactionPayloadSchema.safeParse(JSON.parse(record.payload) as unknown);
    if (!parsed.success) throw new Error('a stored transaction does not match the contract');
    const transaction = parsed.data;
    const locale = lang ?? transaction.locale;

    if (path[2] === '/receipt.pdf') {
      const data = receiptDataFor(
        transaction,
        record.progress,
        locale,
        progressPageUrl(baseUrlOf(req), transaction.number, key),
        demonstration,
      );
      const rendered = await renderDocument(
        'receipt-a4',
        data,
        options.fontPath !== undefined ? { fontPath: options.fontPath } : {},
      );
      if (!rendered.ok) {
        // The code only: the message may name a field, never a value, but keep logs minimal anyway.
        console.error(`central: progress receipt could not be rendered (${rendered.error.code})`);
        const l = LABELS[locale];
        sendHtml(res, 500, renderMessagePage(locale, l.errorTitle, l.errorBody));
        return;
      }
      const pdf = Buffer.from(rendered.value);
      res.writeHead(200, {
        ...COMMON_HEADERS,
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="receipt-${number.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`,
        'content-length': String(pdf.length),
      });
      res.end(pdf);
      return;
    }

    sendHtml(
      res,
      200,
      renderProgressPage({
        locale,
        number: transaction.number,
        key,
        services: transaction.services.map((service) => ({
          name: serviceNameOf(service, locale),
          ...(service.reference ? { reference: service.reference } : {}),
        })),
        progress: record.progress,
        ...(record.letter ? { letter: record.letter } : {}),
        completedAt: transaction.completedAt,
        demonstration,
        trailingSlash: path[2] === '/',
      }),
    );
  };

  return async (req, res) => {
    let lang: ProgressPageLocale | null = null;
    try {
      const raw = req.url ?? '';
      const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
      const parsed = centralLocaleSchema.safeParse(new URLSearchParams(query).get('lang'));
      lang = parsed.success ? parsed.data : null;
      await serve(req, res, lang);
    } catch (error) {
      // The failure class only: stored payloads hold personal data.
      console.error(`central: progress page error: ${error instanceof Error ? error.name : 'unknown'}`);
      const locale = lang ?? 'zh-CN';
      const l = LABELS[locale];
      sendHtml(res, 500, renderMessagePage(locale, l.errorTitle, l.errorBody));
    }
    // A GET with a body (unusual) must not hold the connection.
    if (!req.complete) req.resume();
  };
}
