import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, publicBaseUrlFromEnv } from './public-url.js';

describe('the public base of receipt links', () => {
  it('tells loopback addresses (only this machine reaches them) from public ones', () => {
    for (const local of [
      'http://127.0.0.1',
      'http://127.0.0.1:8571/',
      'http://127.1.2.3/x',
      'http://localhost:3000',
      'http://kiosk.localhost',
      'http://[::1]:8080',
      'not a url',
    ])
      expect(isLoopbackUrl(local)).toBe(true);
    for (const open of ['https://progress.police.example', 'http://192.0.2.10:8080', 'https://128.0.0.1'])
      expect(isLoopbackUrl(open)).toBe(false);
  });

  it('takes BOOTH_PUBLIC_URL when it is a usable link base, and says why when it is not', () => {
    const warnings: string[] = [];
    const log = {
      info: () => undefined,
      warn: (_e: string, fields?: Record<string, unknown>) => warnings.push(String(fields?.reason)),
      error: () => undefined,
    };
    expect(publicBaseUrlFromEnv({ BOOTH_PUBLIC_URL: 'https://progress.police.example/kiosk/' }, log)).toBe(
      'https://progress.police.example/kiosk',
    );
    expect(publicBaseUrlFromEnv({ BOOTH_PUBLIC_URL: 'http://127.0.0.1:8571' }, log)).toBe(
      'http://127.0.0.1:8571',
    );
    expect(publicBaseUrlFromEnv({}, log)).toBeUndefined();
    expect(publicBaseUrlFromEnv({ BOOTH_PUBLIC_URL: '  ' }, log)).toBeUndefined();
    expect(warnings).toEqual([]);
    for (const bad of [
      'progress.police.example',
      'ftp://progress.police.example',
      'http://progress.police.example',
      'https://user:pw@progress.police.example',
      'https://progress.police.example/?a=1',
    ])
      expect(publicBaseUrlFromEnv({ BOOTH_PUBLIC_URL: bad }, log)).toBeUndefined();
    expect(warnings).toEqual([
      'not a URL',
      'not http(s)',
      'plain http beyond loopback',
      'carries credentials',
      'carries a query or fragment',
    ]);
  });
});
