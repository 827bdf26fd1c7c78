// One WOFF2 encoder thread for scripts/fonts/renderer-fonts.ts. Brotli at WOFF2's quality is slow (about a
// minute for the whole CJK font on one core), so the build spreads the pieces over the machine's cores.
// Plain JavaScript: a worker started from Vite's bundled config cannot load TypeScript.
import { parentPort } from 'node:worker_threads';
import { compress } from 'wawoff2';

if (!parentPort) throw new Error('woff2-worker.mjs runs only as a worker thread');
const port = parentPort;

port.on('message', async (/** @type {{ id: number, sfnt: Uint8Array }} */ job) => {
  try {
    // wawoff2 returns a view of memory the transfer list cannot take on Node 24 ("Cannot transfer object of
    // unsupported type"; Node 20 let it through): a copy in a fresh ArrayBuffer of exactly its length is moved.
    const woff2 = new Uint8Array(await compress(job.sfnt));
    port.postMessage({ id: job.id, woff2 }, [woff2.buffer]);
  } catch (error) {
    port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
