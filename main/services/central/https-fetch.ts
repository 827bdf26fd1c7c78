import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { FetchLike } from './client.js';

/** PEM material for HTTPS: a client certificate and key (mutual TLS) and/or a private CA. */
export interface TlsMaterial {
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly ca: Buffer | undefined;
}

/** Statuses whose Response must have a null body (the Response constructor rejects one otherwise). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch-like transport over node:https, used when the kiosk presents a client certificate or trusts a
 * private CA. Node's global fetch cannot take TLS options without the `undici` package's Agent, which is not a
 * direct dependency; node:https can. Plain `http:` URLs (loopback only, checked by the caller) use node:http.
 * The response body is buffered; the caller caps sizes through its own reader and the abort signal.
 */
export function httpsFetch(loadMaterial: () => Promise<TlsMaterial>): FetchLike {
  let agent: Agent | undefined;
  return async (url, init) => {
    const target = new URL(url);
    const isHttps = target.protocol === 'https:';
    if (isHttps && agent === undefined) {
      const material = await loadMaterial();
      agent = new Agent({
        keepAlive: true,
        ...(material.cert !== undefined ? { cert: material.cert } : {}),
        ...(material.key !== undefined ? { key: material.key } : {}),
        ...(material.ca !== undefined ? { ca: material.ca } : {}),
      });
    }
    return new Promise<Response>((resolve, reject) => {
      const options = { method: init.method, headers: init.headers, signal: init.signal };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        // A socket closed before the end of the body: settle instead of waiting forever.
        res.on('close', () => {
          if (!res.complete) reject(new Error('response body interrupted'));
        });
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
          }
          const status = res.statusCode ?? 0;
          try {
            resolve(
              new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers,
              }),
            );
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      };
      const req = isHttps
        ? httpsRequest(target, { ...options, ...(agent !== undefined ? { agent } : {}) }, onResponse)
        : httpRequest(target, options, onResponse);
      req.on('error', reject);
      req.end(init.body);
    });
  };
}
