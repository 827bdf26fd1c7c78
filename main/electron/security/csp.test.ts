import { describe, expect, it } from 'vitest';
import { KIOSK_CSP, buildCsp, securityHeaders, withCspHeader } from './csp.js';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
}

describe('kiosk CSP', () => {
  const policy = directives(KIOSK_CSP);

  it('has the strict directives', () => {
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(policy.get('media-src')).toEqual(["'self'", 'blob:', 'mediastream:']);
    // The shipped fonts are files of the app (never data: URIs), as under the browser host's policy.
    expect(policy.get('font-src')).toEqual(["'self'"]);
  });

  it('never allows inline or eval script, nor remote hosts (WebAssembly compilation only)', () => {
    expect(KIOSK_CSP.replace("'wasm-unsafe-eval'", '')).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
  });

  it('builds from a directive list', () => {
    expect(
      buildCsp([
        ['default-src', ["'none'"]],
        ['img-src', ["'self'", 'data:']],
      ]),
    ).toBe("default-src 'none'; img-src 'self' data:");
  });

  it('replaces any existing CSP header whatever its case', () => {
    const out = withCspHeader({ 'content-security-policy': ['default-src *'], 'Content-Type': 'text/html' });
    expect(out['Content-Security-Policy']).toEqual([KIOSK_CSP]);
    expect(out['content-security-policy']).toBeUndefined();
    expect(out['Content-Type']).toEqual(['text/html']);
    expect(withCspHeader(undefined)).toEqual({ 'Content-Security-Policy': [KIOSK_CSP] });
  });

  it('sends nosniff with every app response', () => {
    expect(securityHeaders()['X-Content-Type-Options']).toBe('nosniff');
    expect(securityHeaders()['Content-Security-Policy']).toBe(KIOSK_CSP);
  });
});
