import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import type { z } from 'zod';
import {
  batchUploadResponseSchema,
  catalogPublishedSchema,
  centralPaths,
  errorResponseSchema,
  adminTransactionsSchema,
  fleetResponseSchema,
  heartbeatResponseSchema,
  mailboxStatusSchema,
  signedCatalogDocumentSchema,
  statsResponseSchema,
  transactionProgressSchema,
  urgentReportStatusSchema,
  type BatchItem,
  type BatchUploadResponse,
  type CatalogPublished,
  type AdminTransactions,
  type FleetResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type MailboxState,
  type MailboxStatus,
  type ProgressStatus,
  type SignedCatalogDocument,
  type StatsResponse,
  type TransactionProgress,
  type UrgentReportStatus,
} from '../../../contract/central-api.js';
import type { Result } from '../../../contract/result.js';
import { httpsFetch, type TlsMaterial } from './https-fetch.js';

/**
 * Why a call to the central API failed:
 * - `network`: no HTTP answer (refused, reset, DNS, TLS handshake);
 * - `timeout`: no complete answer within `timeoutMs`;
 * - `aborted`: the caller's signal aborted the call;
 * - `http`: a non-2xx status (`status`, `serverCode` from the JSON error body when present, `retryAfterMs` when the
 *   server sent `Retry-After`);
 * - `invalid-response`: a 2xx whose body is not JSON or does not match the contract;
 * - `refused-insecure`: the base URL is plain `http:` to a host that is not loopback (or not http/https at all).
 */
export type CentralErrorCode =
  'network' | 'timeout' | 'aborted' | 'http' | 'invalid-response' | 'refused-insecure';

/** A typed failure of a central API call; messages carry no personal data. */
export interface CentralError {
  readonly code: CentralErrorCode;
  readonly status?: number;
  /** From `Retry-After` (delta-seconds or HTTP-date), in milliseconds from now. */
  readonly retryAfterMs?: number;
  /** The server's stable error code (`error.code` of the JSON body), when it sent one. */
  readonly serverCode?: string;
  readonly message: string;
}

/** The outcome of a central API call: calls never throw and never reject. */
export type CentralResult<T> = Result<T, CentralError>;

/** The subset of `fetch` the client uses; inject one in tests or to route through a proxy. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal: AbortSignal;
    redirect: 'manual';
  },
) => Promise<Response>;

/** Paths to PEM files for HTTPS with mutual TLS. */
export interface CentralTlsOptions {
  /** Client certificate chain (PEM) presented to the server. */
  readonly certPath?: string;
  /** The client certificate's private key (PEM). */
  readonly keyPath?: string;
  /** CA bundle (PEM) to trust instead of the system's roots, e.g. a police PKI. */
  readonly caPath?: string;
}

/** Connection settings shared by the kiosk and admin clients. */
export interface CentralConnectionOptions {
  /** e.g. "https://central.example/" (a path prefix is kept); plain http only to loopback. */
  readonly baseUrl: string;
  readonly token: string;
  /** Per call, covering connect, headers and body. Default 15 s. */
  readonly timeoutMs?: number;
  /** Replaces the transport (tests). Ignored when `tls` is given. */
  readonly fetch?: FetchLike;
  /** Mutual TLS / private CA; uses node:https under the hood. */
  readonly tls?: CentralTlsOptions;
  /** Largest response body accepted. Default 16 MiB (catalogs can be large). */
  readonly maxResponseBytes?: number;
  /** Clock for Retry-After HTTP-dates (tests). */
  readonly now?: () => number;
}

/** Settings for the kiosk's client. */
export interface CentralClientOptions extends CentralConnectionOptions {
  readonly kioskId: string;
}

/** What `fetchCatalog` found. */
export type CatalogFetch =
  | { readonly status: 'not-modified' }
  /** Nothing has been published yet. */
  | { readonly status: 'none' }
  | {
      readonly status: 'updated';
      readonly etag: string | null;
      /** The parsed document, every key kept (signature verification needs them all). */
      readonly document: SignedCatalogDocument;
      /** The body exactly as served. */
      readonly text: string;
    };

/** The kiosk's view of the central API. */
export interface CentralClient {
  /** Uploads 1..500 items; each result tells stored / duplicate / conflict (same id, other payload) / rejected, in item order. */
  uploadBatch(items: readonly BatchItem[], signal?: AbortSignal): Promise<CentralResult<BatchUploadResponse>>;
  /** Reports health; the answer names the latest published catalog. `kioskId` is filled in. */
  heartbeat(
    body: Omit<HeartbeatRequest, 'kioskId'>,
    signal?: AbortSignal,
  ): Promise<CentralResult<HeartbeatResponse>>;
  /** Conditional GET of the signed catalog (`If-None-Match: etag`). */
  fetchCatalog(etag: string | null, signal?: AbortSignal): Promise<CentralResult<CatalogFetch>>;
  /** A transaction's processing state; `null` when the server does not know the number. */
  progress(number: string, signal?: AbortSignal): Promise<CentralResult<TransactionProgress | null>>;
  /** A mailbox letter's state; `null` when the server does not know the tracking number. */
  mailboxStatus(trackingNumber: string, signal?: AbortSignal): Promise<CentralResult<MailboxStatus | null>>;
  /**
   * Whether a duty officer has acknowledged this kiosk's urgent report `id` (the transaction id); `null` when
   * the server does not know it as this kiosk's urgent report.
   */
  urgentReportStatus(id: string, signal?: AbortSignal): Promise<CentralResult<UrgentReportStatus | null>>;
}

/** The administrator's view of the central API (separate token). */
export interface CentralAdminClient {
  /** Publishes a signed catalog; a string is sent byte for byte. 409 when the version is not newer. */
  publishCatalog(
    document: string | SignedCatalogDocument,
    signal?: AbortSignal,
  ): Promise<CentralResult<CatalogPublished>>;
  /** Server counters. */
  stats(signal?: AbortSignal): Promise<CentralResult<StatsResponse>>;
  /** Every kiosk with its last heartbeat. */
  fleet(signal?: AbortSignal): Promise<CentralResult<FleetResponse>>;
  /** Reads back the stored transactions with this number (an `http` error with status 404 when there is none). */
  transactions(number: string, signal?: AbortSignal): Promise<CentralResult<AdminTransactions>>;
  /** Pins a transaction's progress status (demos and tests). */
  setProgress(
    number: string,
    status: ProgressStatus,
    signal?: AbortSignal,
  ): Promise<CentralResult<TransactionProgress>>;
  /** Pins a mailbox letter's status (demos and tests). */
  setMailboxStatus(
    trackingNumber: string,
    status: MailboxState,
    signal?: AbortSignal,
  ): Promise<CentralResult<MailboxStatus>>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Parses a `Retry-After` header: delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT").
 * Returns milliseconds from `nowMs` (never negative), or undefined when absent or unparseable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Only accept something that looks like a date with letters (IMF-fixdate, RFC 850, asctime), so that
  // "1.5" or "-3" are rejected rather than read by Date.parse's lenient heuristics.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** True for hosts that never leave the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  // IPv4-mapped IPv6 as the URL parser normalizes it, e.g. [::ffff:7f00:1].
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped?.[1] !== undefined) return parseInt(mapped[1], 16) >> 8 === 127;
  return false;
}

type UrlCheck = { ok: true; base: URL } | { ok: false; error: CentralError };

function checkBaseUrl(baseUrl: string): UrlCheck {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return { ok: false, error: { code: 'refused-insecure', message: 'central base URL is not a valid URL' } };
  }
  if (base.protocol === 'https:') return { ok: true, base };
  if (base.protocol === 'http:') {
    if (isLoopbackHost(base.hostname)) return { ok: true, base };
    return {
      ok: false,
      error: {
        code: 'refused-insecure',
        message: `plain http is allowed only to loopback, not ${base.hostname}`,
      },
    };
  }
  return { ok: false, error: { code: 'refused-insecure', message: `unsupported protocol ${base.protocol}` } };
}

interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Shared transport: URL policy, auth header, timeout, abort, size cap, error mapping. Never throws. */
class Transport {
  readonly #check: UrlCheck;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #fetch: FetchLike;

  constructor(options: CentralConnectionOptions) {
    this.#check = checkBaseUrl(options.baseUrl);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#now = options.now ?? Date.now;
    if (options.tls !== undefined) {
      this.#fetch = httpsFetch(loadTls(options.tls));
    } else if (options.fetch !== undefined) {
      this.#fetch = options.fetch;
    } else {
      this.#fetch = (url, init) => fetch(url, init);
    }
  }

  retryAfter(headers: Headers): number | undefined {
    return parseRetryAfter(headers.get('retry-after'), this.#now());
  }

  async send(spec: RequestSpec): Promise<CentralResult<RawResponse>> {
    if (!this.#check.ok) return { ok: false, error: this.#check.error };
    const base = this.#check.base;
    // Keep a path prefix of the base URL ("https://host/api/" + "v1/...").
    const prefix = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
    const url = `${base.origin}${prefix}${spec.path}`;
    if (spec.signal?.aborted === true)
      return { ok: false, error: { code: 'aborted', message: 'aborted by caller' } };

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.#timeoutMs);
    const onAbort = (): void => controller.abort(new Error('aborted'));
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const failure = (): CentralError =>
      timedOut
        ? { code: 'timeout', message: `no complete answer within ${this.#timeoutMs} ms` }
        : { code: 'aborted', message: 'aborted by caller' };
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${this.#token}`,
        accept: 'application/json',
        ...spec.headers,
      };
      if (spec.body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        const init: Parameters<FetchLike>[1] = {
          method: spec.method,
          headers,
          signal: controller.signal,
          redirect: 'manual',
        };
        if (spec.body !== undefined) init.body = spec.body;
        response = await untilAborted(this.#fetch(url, init), controller.signal);
      } catch (error) {
        if (controller.signal.aborted) return { ok: false, error: failure() };
        return { ok: false, error: { code: 'network', message: describeNetworkError(error) } };
      }
      const body = await untilAborted(readLimited(response, this.#maxBytes), controller.signal).catch(
        (error: unknown): LimitedBody => ({
          ok: false,
          tooLarge: false,
          message: describeNetworkError(error),
        }),
      );
      if (!body.ok) {
        if (controller.signal.aborted) return { ok: false, error: failure() };
        if (body.tooLarge) {
          return {
            ok: false,
            error: { code: 'invalid-response', status: response.status, message: body.message },
          };
        }
        return { ok: false, error: { code: 'network', status: response.status, message: body.message } };
      }
      return { ok: true, value: { status: response.status, headers: response.headers, text: body.text } };
    } catch (error) {
      // Defensive: an injected fetch or a Response may misbehave in ways not modelled above.
      if (controller.signal.aborted) return { ok: false, error: failure() };
      return { ok: false, error: { code: 'network', message: describeNetworkError(error) } };
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Maps a non-2xx response to a typed `http` error. */
  httpError(raw: RawResponse): CentralError {
    let serverCode: string | undefined;
    let message = `HTTP ${raw.status}`;
    try {
      const parsed = errorResponseSchema.safeParse(JSON.parse(raw.text));
      if (parsed.success) {
        serverCode = parsed.data.error.code;
        message = `HTTP ${raw.status} ${parsed.data.error.code}: ${parsed.data.error.message}`;
      }
    } catch {
      // Not JSON (a proxy's HTML page, say): the status is all we know.
    }
    const retryAfterMs = this.retryAfter(raw.headers);
    return {
      code: 'http',
      status: raw.status,
      message,
      ...(serverCode !== undefined ? { serverCode } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  /** Sends and parses a JSON 2xx body with `schema`; other statuses become `http` errors. */
  async json<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<CentralResult<z.output<S>>> {
    const sent = await this.send(spec);
    if (!sent.ok) return sent;
    const raw = sent.value;
    if (raw.status < 200 || raw.status > 299) return { ok: false, error: this.httpError(raw) };
    return parseBody(raw, schema);
  }
}

function parseBody<S extends z.ZodType>(raw: RawResponse, schema: S): CentralResult<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(raw.text);
  } catch {
    return {
      ok: false,
      error: { code: 'invalid-response', status: raw.status, message: 'response body is not JSON' },
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined ? '' : ` at ${first.path.join('.') || '(root)'}: ${first.message}`;
    return {
      ok: false,
      error: {
        code: 'invalid-response',
        status: raw.status,
        message: `response does not match the contract${where}`,
      },
    };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts: an injected fetch or body stream that ignores
 * the signal must not be able to hang a call past its timeout.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Already aborted: the caller gets the abort; the late promise's outcome is of no use.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

type LimitedBody = { ok: true; text: string } | { ok: false; tooLarge: boolean; message: string };

async function readLimited(response: Response, maxBytes: number): Promise<LimitedBody> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    // The body is refused as too large; a failed cancel only means the stream is gone.
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, tooLarge: true, message: `response body of ${declared} bytes exceeds ${maxBytes}` };
  }
  if (response.body === null) return { ok: true, text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // The body is refused as too large; a failed cancel only means the stream is gone.
        await reader.cancel().catch(() => undefined);
        return { ok: false, tooLarge: true, message: `response body exceeds ${maxBytes} bytes` };
      }
      chunks.push(value);
    }
  } catch (error) {
    return {
      ok: false,
      tooLarge: false,
      message: `response body interrupted: ${describeNetworkError(error)}`,
    };
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code !== undefined ? `${error.message}: ${code}` : `${error.message}: ${cause.message}`;
    }
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

function loadTls(options: CentralTlsOptions): () => Promise<TlsMaterial> {
  let cached: Promise<TlsMaterial> | undefined;
  const read = async (path: string | undefined): Promise<Buffer | undefined> =>
    path === undefined ? undefined : readFile(path);
  return () => {
    cached ??= Promise.all([read(options.certPath), read(options.keyPath), read(options.caPath)]).then(
      ([cert, key, ca]) => ({ cert, key, ca }),
    );
    // A failed read is not cached, so fixing the file on disk heals the client.
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
}

/** Creates the kiosk's central API client. Every method resolves to a CentralResult and never throws. */
export function createCentralClient(options: CentralClientOptions): CentralClient {
  const transport = new Transport(options);
  return {
    async uploadBatch(items, signal) {
      const result = await transport.json(
        {
          method: 'POST',
          path: centralPaths.batch,
          body: JSON.stringify({ kioskId: options.kioskId, items }),
          ...(signal ? { signal } : {}),
        },
        batchUploadResponseSchema,
      );
      if (result.ok && result.value.results.length !== items.length) {
        return {
          ok: false,
          error: {
            code: 'invalid-response',
            status: 200,
            message: `expected ${items.length} results, got ${result.value.results.length}`,
          },
        };
      }
      return result;
    },

    heartbeat(body, signal) {
      return transport.json(
        {
          method: 'POST',
          path: centralPaths.heartbeat,
          body: JSON.stringify({ ...body, kioskId: options.kioskId }),
          ...(signal ? { signal } : {}),
        },
        heartbeatResponseSchema,
      );
    },

    async fetchCatalog(etag, signal) {
      const sent = await transport.send({
        method: 'GET',
        path: centralPaths.catalog,
        ...(etag !== null ? { headers: { 'if-none-match': etag } } : {}),
        ...(signal ? { signal } : {}),
      });
      if (!sent.ok) return sent;
      const raw = sent.value;
      if (raw.status === 304) return { ok: true, value: { status: 'not-modified' } };
      if (raw.status === 404) {
        const error = transport.httpError(raw);
        if (error.serverCode === 'no-catalog') return { ok: true, value: { status: 'none' } };
        return { ok: false, error };
      }
      if (raw.status !== 200) return { ok: false, error: transport.httpError(raw) };
      const parsed = parseBody(raw, signedCatalogDocumentSchema);
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        value: { status: 'updated', etag: raw.headers.get('etag'), document: parsed.value, text: raw.text },
      };
    },

    progress(number, signal) {
      return getOrNull(transport, centralPaths.progress(number), transactionProgressSchema, signal);
    },

    mailboxStatus(trackingNumber, signal) {
      return getOrNull(transport, centralPaths.mailbox(trackingNumber), mailboxStatusSchema, signal);
    },

    urgentReportStatus(id, signal) {
      return getOrNull(transport, centralPaths.urgentReport(id), urgentReportStatusSchema, signal);
    },
  };
}

async function getOrNull<S extends z.ZodType>(
  transport: Transport,
  path: string,
  schema: S,
  signal: AbortSignal | undefined,
): Promise<CentralResult<z.output<S> | null>> {
  const result = await transport.json({ method: 'GET', path, ...(signal ? { signal } : {}) }, schema);
  // Only the server's own "not-found" means "unknown number"; a 404 from a wrong base URL stays an error.
  if (!result.ok && result.error.status === 404 && result.error.serverCode === 'not-found')
    return { ok: true, value: null };
  return result;
}

/** Creates the administrator's client (publish catalogs, fleet view, counters). Never throws. */
export function createCentralAdminClient(options: CentralConnectionOptions): CentralAdminClient {
  const transport = new Transport(options);
  const withSignal = (signal: AbortSignal | undefined): { signal?: AbortSignal } =>
    signal ? { signal } : {};
  return {
    publishCatalog(document, signal) {
      const body = typeof document === 'string' ? document : JSON.stringify(document);
      return transport.json(
        { method: 'POST', path: centralPaths.adminCatalog, body, ...withSignal(signal) },
        catalogPublishedSchema,
      );
    },
    stats(signal) {
      return transport.json(
        { method: 'GET', path: centralPaths.adminStats, ...withSignal(signal) },
        statsResponseSchema,
      );
    },
    fleet(signal) {
      return transport.json(
        { method: 'GET', path: centralPaths.adminFleet, ...withSignal(signal) },
        fleetResponseSchema,
      );
    },
    transactions(number, signal) {
      return transport.json(
        { method: 'GET', path: centralPaths.adminTransactions(number), ...withSignal(signal) },
        adminTransactionsSchema,
      );
    },
    setProgress(number, status, signal) {
      return transport.json(
        {
          method: 'POST',
          path: centralPaths.adminProgress(number),
          body: JSON.stringify({ status }),
          ...withSignal(signal),
        },
        transactionProgressSchema,
      );
    },
    setMailboxStatus(trackingNumber, status, signal) {
      return transport.json(
        {
          method: 'POST',
          path: centralPaths.adminMailbox(trackingNumber),
          body: JSON.stringify({ status }),
          ...withSignal(signal),
        },
        mailboxStatusSchema,
      );
    },
  };
}
