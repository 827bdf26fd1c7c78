import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { rendererFontsPlugin } from '../scripts/fonts/vite-plugin.js';

/** Builds the renderer into dist/renderer with relative asset URLs (served by app:// and the browser host alike). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  // The kiosk's own fonts (renderer/fonts/generated/), rebuilt from the messages and catalogs.
  plugins: [rendererFontsPlugin()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    // Fonts stay files: the browser host's CSP allows fonts from the app's own origin only, not data: URIs.
    assetsInlineLimit: (file) => (file.endsWith('.woff2') ? false : undefined),
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
});
