import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/** Builds the renderer into dist/renderer with relative asset URLs (served by app:// and the browser host alike). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
});
