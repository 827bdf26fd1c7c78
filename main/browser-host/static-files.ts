import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Content types of the files the renderer build contains. */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.otf': 'font/otf',
  '.ttf': 'font/ttf',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
  // Face models (weights) and the tfjs wasm backend; wasm must be application/wasm to compile streaming.
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

/**
 * Maps a URL path to a file inside `root`, or null when the path tries to leave it (`..`, encoded slashes or
 * backslashes, NUL, absolute paths) or is malformed. Extensionless paths fall back to index.html (the SPA).
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    // A malformed escape is no file of ours: answered 404.
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /%2f|%5c/i.test(urlPath)) return null;
  if (!decoded.startsWith('/')) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const relative = segments.join('/');
  const candidate = path.resolve(root, relative === '' ? 'index.html' : relative);
  const rootResolved = path.resolve(root);
  if (candidate !== rootResolved && !candidate.startsWith(rootResolved + path.sep)) return null;
  if (path.extname(candidate) === '') return path.join(rootResolved, 'index.html');
  return candidate;
}

/** A file ready to send. */
export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Reads a resolved static file; null when it does not exist or is not a regular file. */
export async function readStaticFile(file: string): Promise<StaticFile | null> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return null;
    return {
      body: await readFile(file),
      contentType: MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    };
  } catch {
    // Missing or unreadable: answered 404 (or the app's index) by the caller.
    return null;
  }
}
