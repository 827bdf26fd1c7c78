/**
 * The Content-Security-Policy of the kiosk renderer. It is sent as a response header by the app:// protocol
 * handler and added again by `session.webRequest.onHeadersReceived`, so it holds even for responses that
 * do not come from our handler.
 */

/** Directive name → sources, in the order they are emitted. */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'self'"]],
  // 'wasm-unsafe-eval' compiles the face engine's WebAssembly (from app://); it permits no JavaScript eval.
  ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
  // Vite emits CSS as files and React sets styles through the CSSOM (not blocked by CSP), so no
  // 'unsafe-inline' is needed.
  ['style-src', ["'self'"]],
  ['img-src', ["'self'", 'data:', 'blob:']],
  // The renderer's fonts are files of the build (never inlined: renderer/vite.config.ts), as in the browser host.
  ['font-src', ["'self'"]],
  // Camera preview frames arrive as a mediastream; recorded snippets as blobs.
  ['media-src', ["'self'", 'blob:', 'mediastream:']],
  // The renderer talks to the core only through a MessagePort; no fetch/WebSocket to anywhere else.
  ['connect-src', ["'self'"]],
  ['worker-src', ["'self'", 'blob:']],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['frame-src', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
  ['form-action', ["'none'"]],
];

/** The policy as one header value. */
export function buildCsp(
  directives: ReadonlyArray<readonly [string, readonly string[]]> = CSP_DIRECTIVES,
): string {
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** The kiosk's Content-Security-Policy header value. */
export const KIOSK_CSP = buildCsp();

/** Headers every app:// response carries besides the content type. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': KIOSK_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

/**
 * Returns `headers` with any existing CSP header (whatever its case) replaced by ours, for
 * `onHeadersReceived`. A weaker policy from elsewhere must not survive next to ours.
 */
export function withCspHeader(
  headers: Record<string, string[] | string> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [KIOSK_CSP];
  return out;
}
