/**
 * Where a receipt's QR code points. A phone opens that link, so it must be an address phones reach: the
 * deployer's public base (`BOOTH_PUBLIC_URL`), else the enrolment's progress base, else the central API. A
 * loopback base (development and demonstration kiosks with a local central server) only works on the kiosk
 * machine itself, and the screens say so.
 */
import type { Logger } from './log.js';

/** The environment variable naming the public base of progress links. */
export const PUBLIC_URL_ENV = 'BOOTH_PUBLIC_URL';

/** Whether a URL's host is a loopback address (127.0.0.0/8, ::1, localhost); unparsable counts as loopback. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    // Unparsable counts as loopback (see above): such a URL never passes as public.
    return true;
  }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return (
    bare === 'localhost' ||
    bare.endsWith('.localhost') ||
    bare === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(bare) ||
    /^::ffff:127(?:\.\d{1,3}){3}$/.test(bare)
  );
}

/**
 * `BOOTH_PUBLIC_URL` when it is an absolute http(s) URL without credentials, query or fragment (plain http only
 * to loopback: a phone would send the link's key in the clear); otherwise undefined, with a warning that says
 * why (the variable's value is configuration, not personal data).
 */
export function publicBaseUrlFromEnv(env: NodeJS.ProcessEnv, log?: Logger): string | undefined {
  const raw = env[PUBLIC_URL_ENV]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    log?.warn('config.public-url-ignored', { reason: 'not a URL' });
    return undefined;
  }
  const reason =
    url.protocol !== 'https:' && url.protocol !== 'http:'
      ? 'not http(s)'
      : url.protocol === 'http:' && !isLoopbackUrl(raw)
        ? 'plain http beyond loopback'
        : url.username !== '' || url.password !== ''
          ? 'carries credentials'
          : url.search !== '' || url.hash !== ''
            ? 'carries a query or fragment'
            : null;
  if (reason) {
    log?.warn('config.public-url-ignored', { reason });
    return undefined;
  }
  return raw.replace(/\/+$/, '');
}
