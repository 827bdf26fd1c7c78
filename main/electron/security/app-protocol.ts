import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { securityHeaders } from './csp.js';
import { APP_HOST, APP_SCHEME } from './navigation.js';

/**
 * The `app://kiosk/…` protocol: serves the built renderer from one directory and nothing else.
 * Chromium normalises URLs before they reach us, but the guard does not rely on that: it works on the raw
 * URL text so that encoded tricks (`..%2f`, `%2e%2e`, `%5c`, `%00`) are refused, not decoded into a path.
 */

/** Where a request path leads. */
export type AppPathResolution =
  | { readonly kind: 'file'; readonly relativePath: string; readonly spaFallback: boolean }
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'not-found'; readonly reason: string };

const INDEX = 'index.html';

/**
 * Resolves the path of an app:// URL to a path relative to the renderer root, or says why not.
 * Pure: looks at the text only; the caller checks the file exists and stays inside the root.
 */
export function resolveAppPath(url: string): AppPathResolution {
  const prefix = `${APP_SCHEME}://${APP_HOST}`;
  if (url.slice(0, prefix.length).toLowerCase() !== prefix)
    return { kind: 'not-found', reason: 'foreign host' };
  let rest = url.slice(prefix.length);
  if (rest !== '' && !rest.startsWith('/') && !rest.startsWith('?') && !rest.startsWith('#')) {
    // `app://kiosk.evil/…`, `app://kiosk:80/…`, `app://kiosk@x/…`
    return { kind: 'not-found', reason: 'foreign host' };
  }
  const cut = rest.search(/[?#]/);
  if (cut >= 0) rest = rest.slice(0, cut);
  if (rest === '' || rest === '/') return { kind: 'file', relativePath: INDEX, spaFallback: false };

  // Raw-text checks before any decoding: encoded separators and NUL never name a renderer file.
  if (rest.includes('\\')) return { kind: 'forbidden', reason: 'backslash' };
  if (/%(2f|5c|00)/i.test(rest)) return { kind: 'forbidden', reason: 'encoded separator or NUL' };
  if (rest.startsWith('//')) return { kind: 'forbidden', reason: 'absolute path' };

  const rawSegments = rest.slice(1).split('/');
  const segments: string[] = [];
  for (const [index, raw] of rawSegments.entries()) {
    if (raw === '' && index === rawSegments.length - 1) continue; // trailing slash
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'forbidden', reason: 'malformed escape' };
    }
    if (segment === '') return { kind: 'forbidden', reason: 'empty segment' };
    if (segment === '.' || segment === '..') return { kind: 'forbidden', reason: 'dot segment' };
    if (/[\0\\/]/.test(segment)) return { kind: 'forbidden', reason: 'separator in segment' };
    if (/^[a-z]:/i.test(segment) || segment.includes(':'))
      return { kind: 'forbidden', reason: 'drive or stream' };
    // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
    if (/[\u0000-\u001f\u007f]/.test(segment)) return { kind: 'forbidden', reason: 'control character' };
    segments.push(segment);
  }
  if (segments.length === 0) return { kind: 'file', relativePath: INDEX, spaFallback: false };
  const last = segments[segments.length - 1] ?? '';
  const hasExtension = last.includes('.') && !last.startsWith('.');
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'forbidden', reason: 'hidden file' };
  return { kind: 'file', relativePath: segments.join('/'), spaFallback: !hasExtension };
}

/** Content types for the files a Vite build emits. Anything else is served as octet-stream. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/** The content type for a file name. */
export function mimeTypeFor(fileName: string): string {
  return MIME_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/** A request as the handler sees it (Electron passes a fetch `Request`). */
export interface AppRequest {
  readonly url: string;
  readonly method: string;
}

function textResponse(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders(), ...extra },
  });
}

/** Reads a file only if its real path (symlinks followed) is inside `realRoot`; undefined otherwise. */
async function readInsideRoot(realRoot: string, relativePath: string): Promise<Buffer | undefined> {
  const candidate = path.resolve(realRoot, ...relativePath.split('/'));
  if (!candidate.startsWith(realRoot + path.sep)) return undefined;
  let real: string;
  try {
    real = await fsp.realpath(candidate);
  } catch {
    // Does not exist: answered 404 by the caller.
    return undefined;
  }
  if (!real.startsWith(realRoot + path.sep)) return undefined;
  const stat = await fsp.stat(real);
  if (!stat.isFile()) return undefined;
  return fsp.readFile(real);
}

/**
 * Builds the app:// handler for `protocol.handle`: GET/HEAD only (405 otherwise), traversal → 403,
 * unknown file → 404, extensionless unknown path → index.html (client-side routes). Every response
 * carries the CSP and nosniff headers.
 */
export function createAppProtocolHandler(rendererRoot: string): (request: AppRequest) => Promise<Response> {
  let realRootPromise: Promise<string> | undefined;
  const realRoot = (): Promise<string> => (realRootPromise ??= fsp.realpath(rendererRoot));
  return async (request) => {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      return textResponse(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    }
    const resolution = resolveAppPath(request.url);
    if (resolution.kind === 'forbidden') return textResponse(403, 'Forbidden');
    if (resolution.kind === 'not-found') return textResponse(404, 'Not Found');
    let root: string;
    try {
      root = await realRoot();
    } catch {
      realRootPromise = undefined;
      return textResponse(404, 'Not Found');
    }
    let servedPath = resolution.relativePath;
    // Missing or unreadable: 404 below (or the SPA index).
    let body = await readInsideRoot(root, servedPath).catch(() => undefined);
    if (body === undefined && resolution.spaFallback) {
      servedPath = INDEX;
      // Missing or unreadable: 404 below.
      body = await readInsideRoot(root, servedPath).catch(() => undefined);
    }
    if (body === undefined) return textResponse(404, 'Not Found');
    const headers = { 'Content-Type': mimeTypeFor(servedPath), ...securityHeaders() };
    return new Response(method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}
