import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { consoleFontsPlugin } from '../../scripts/fonts/console-fonts.js';

/**
 * Builds the web console into dist/console, served by the central server at /console/ under a strict CSP:
 * every script, style and font is a file from the same origin (nothing inlined).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  publicDir: false,
  plugins: [consoleFontsPlugin()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    // Nothing inlined as data: URIs (fonts especially): the CSP allows files from this origin only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
});
