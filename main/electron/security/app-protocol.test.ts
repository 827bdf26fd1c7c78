import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, mimeTypeFor, resolveAppPath } from './app-protocol.js';
import { KIOSK_CSP } from './csp.js';

describe('resolveAppPath', () => {
  it('maps the root and plain files', () => {
    expect(resolveAppPath('app://kiosk')).toEqual({
      kind: 'file',
      relativePath: 'index.html',
      spaFallback: false,
    });
    expect(resolveAppPath('app://kiosk/')).toEqual({
      kind: 'file',
      relativePath: 'index.html',
      spaFallback: false,
    });
    expect(resolveAppPath('app://kiosk/assets/index-abc.js?v=1#x')).toEqual({
      kind: 'file',
      relativePath: 'assets/index-abc.js',
      spaFallback: false,
    });
    expect(resolveAppPath('app://kiosk/fonts/%E5%AE%8B%E4%BD%93.woff2')).toEqual({
      kind: 'file',
      relativePath: 'fonts/宋体.woff2',
      spaFallback: false,
    });
  });

  it('marks extensionless paths for the SPA fallback', () => {
    expect(resolveAppPath('app://kiosk/technician/devices')).toEqual({
      kind: 'file',
      relativePath: 'technician/devices',
      spaFallback: true,
    });
  });

  it.each([
    ['app://kiosk/..%2f..%2fetc%2fpasswd', 'encoded slash'],
    ['app://kiosk/%2e%2e/%2e%2e/etc/passwd', 'encoded dots'],
    ['app://kiosk/%2E%2E/secret', 'upper-case encoded dots'],
    ['app://kiosk/../etc/passwd', 'raw dots'],
    ['app://kiosk/assets/./x.js', 'single dot'],
    ['app://kiosk//etc/passwd', 'absolute path'],
    ['app://kiosk/%2fetc%2fpasswd', 'encoded absolute path'],
    ['app://kiosk/C:/Windows/win.ini', 'drive letter'],
    ['app://kiosk/index.html%00.png', 'NUL'],
    ['app://kiosk/..%5c..%5cwindows', 'encoded backslash'],
    ['app://kiosk/..\\..\\windows', 'backslash'],
    ['app://kiosk/%E0%A4%A', 'malformed escape'],
    ['app://kiosk/.env', 'hidden file'],
    ['app://kiosk/a%0Ab', 'control character'],
  ])('forbids %s (%s)', (url) => {
    expect(resolveAppPath(url).kind).toBe('forbidden');
  });

  it.each([
    'app://evil/index.html',
    'app://kiosk.evil/index.html',
    'app://kiosk@evil/x',
    'https://kiosk/index.html',
  ])('does not serve foreign host %s', (url) => {
    expect(resolveAppPath(url).kind).toBe('not-found');
  });
});

describe('mimeTypeFor', () => {
  it('knows what a Vite build emits', () => {
    expect(mimeTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeFor('a/b.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('x.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('f.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('m.wasm')).toBe('application/wasm');
    expect(mimeTypeFor('unknown.xyz')).toBe('application/octet-stream');
  });
});

describe('app:// handler', () => {
  let base: string;
  let root: string;
  let handler: ReturnType<typeof createAppProtocolHandler>;

  beforeAll(() => {
    base = mkdtempSync(path.join(tmpdir(), 'app-protocol-'));
    root = path.join(base, 'renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Smart Police Booth</title>');
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
    writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
    symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    handler = createAppProtocolHandler(root);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const get = (url: string, method = 'GET'): Promise<Response> => handler({ url, method });

  it('serves a real file with its mime type and the CSP', async () => {
    const response = await get('app://kiosk/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(KIOSK_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('serves index.html at the root and for client-side routes', async () => {
    for (const url of ['app://kiosk/', 'app://kiosk/index.html', 'app://kiosk/citizen/visit']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain('Smart Police Booth');
    }
  });

  it('answers 404 for a missing file with an extension (no SPA fallback)', async () => {
    const response = await get('app://kiosk/assets/missing.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(KIOSK_CSP);
  });

  it('answers HEAD without a body', async () => {
    const response = await get('app://kiosk/assets/app.css', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await response.text()).toBe('');
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('refuses %s with 405', async (method) => {
    const response = await get('app://kiosk/index.html', method);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it.each([
    'app://kiosk/..%2fsecret.txt',
    'app://kiosk/%2e%2e/secret.txt',
    'app://kiosk/assets/..%5c..%5csecret.txt',
    'app://kiosk//etc/passwd',
    'app://kiosk/index.html%00',
  ])('refuses traversal %s without leaking the file', async (url) => {
    const response = await get(url);
    expect([403, 404]).toContain(response.status);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('does not follow a symlink out of the renderer root', async () => {
    const response = await get('app://kiosk/assets/link.txt');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('does not serve a directory as a file', async () => {
    mkdirSync(path.join(root, 'bundle.v1'), { recursive: true });
    const response = await get('app://kiosk/bundle.v1');
    expect(response.status).toBe(404);
  });

  it('answers 404 for another host', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
  });
});
