import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { faceAssets } from '../scripts/face/vite-plugin.js';
import { rendererFontsPlugin } from '../scripts/fonts/vite-plugin.js';

/** Builds the renderer into dist/renderer with relative asset URLs (served by app:// and the browser host alike). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  // The kiosk's own fonts (renderer/fonts/generated/), rebuilt from the messages and catalogs; the face models
  // and wasm binaries, served from the app's own origin.
  plugins: [rendererFontsPlugin(), faceAssets()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    // The face engine (human with tfjs, loaded on demand) is one 1.6 MB chunk.
    chunkSizeWarningLimit: 1700,
    // Fonts stay files: the browser host's CSP allows fonts from the app's own origin only, not data: URIs.
    assetsInlineLimit: (file) => (file.endsWith('.woff2') ? false : undefined),
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
});
