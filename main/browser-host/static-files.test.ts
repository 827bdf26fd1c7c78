import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaticFile, resolveStaticPath } from './static-files.js';

describe('resolveStaticPath', () => {
  const root = '/srv/app';
  it('maps ordinary paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe('/srv/app/index.html');
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe('/srv/app/assets/index-abc.js');
    expect(resolveStaticPath(root, '/choose')).toBe('/srv/app/index.html');
  });
  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets%5c..%5c..%5cwindows',
    '/a\\..\\b',
    '/file%00.js',
    '/%E0%A4%A',
    'relative/path',
    '/./index.html',
  ])('refuses %s', (p) => {
    expect(resolveStaticPath(root, p)).toBeNull();
  });
});

describe('readStaticFile', () => {
  it('reads files with their content type and refuses directories and missing files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'booth-static-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'assets', 'a.js'), 'export {}');
    expect(await readStaticFile(path.join(dir, 'assets', 'a.js'))).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(await readStaticFile(path.join(dir, 'assets'))).toBeNull();
    expect(await readStaticFile(path.join(dir, 'missing.css'))).toBeNull();
  });
});
