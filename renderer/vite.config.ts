import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { faceAssets } from '../scripts/face/vite-plugin.js';

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
    // The face engine (human with tfjs, loaded on demand) is one 1.6 MB chunk.
    chunkSizeWarningLimit: 1700,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  // Face models and wasm binaries, served from the app's own origin.
  plugins: [faceAssets()],
});
