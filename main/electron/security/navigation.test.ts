import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAppOrigin, isAppUrl, isNavigationAllowed } from './navigation.js';

describe('navigation allowlist', () => {
  it('allows pages of the app origin', () => {
    expect(isNavigationAllowed('app://kiosk/index.html')).toBe(true);
    expect(isNavigationAllowed('app://kiosk/technician?tab=devices#x')).toBe(true);
    expect(isNavigationAllowed(`${APP_ORIGIN}/`)).toBe(true);
  });

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'app://evil/index.html',
    'app://kiosk.evil/index.html',
    'app://kiosk@evil/index.html',
    'app://user:pw@kiosk/index.html',
    'app://kiosk:8080/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'about:blank',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isNavigationAllowed(url)).toBe(false);
  });

  it('recognises the app origin only as an origin', () => {
    expect(isAppOrigin('app://kiosk')).toBe(true);
    expect(isAppOrigin('app://kiosk/')).toBe(true);
    expect(isAppOrigin('app://kiosk/index.html')).toBe(false);
    expect(isAppOrigin('https://kiosk')).toBe(false);
    expect(isAppOrigin(undefined)).toBe(false);
    expect(isAppOrigin('')).toBe(false);
    expect(isAppUrl('APP://KIOSK/x')).toBe(true);
  });
});
