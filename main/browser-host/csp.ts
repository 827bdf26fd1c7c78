/**
 * The renderer's Content-Security-Policy in the browser host. The page may talk only to its own origin:
 * scripts and styles from the build, the WebSocket RPC on the same host and port, camera streams as blobs.
 * `'wasm-unsafe-eval'` lets the face engine compile its WebAssembly (served from this origin); it allows no
 * JavaScript eval.
 */
export function contentSecurityPolicy(origin: string): string {
  const wsOrigin = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
