/**
 * A Vite build plugin that puts the face models and the tfjs wasm binaries into the renderer build
 * (`face/models/`, `face/wasm/`), so the renderer loads them from its own origin — app:// in Electron, the
 * loopback browser host otherwise — and never from a CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';
import { FACE_MODEL_FILES } from '../../main/services/face/human-config.js';

const require = createRequire(import.meta.url);

/** The folder of an installed package, found from its main entry (the package.json is not exported). */
function packageRoot(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (path.basename(dir) !== 'dist') dir = path.dirname(dir);
  return path.dirname(dir);
}

/** The wasm binaries of the tfjs wasm backend (plain and SIMD; the threaded one needs cross-origin isolation). */
export const FACE_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/** Emits the face assets into the build. */
export function faceAssets(): Plugin {
  return {
    name: 'booth-face-assets',
    apply: 'build',
    generateBundle(): void {
      const models = path.join(packageRoot('@vladmandic/human'), 'models');
      for (const file of FACE_MODEL_FILES)
        this.emitFile({
          type: 'asset',
          fileName: `face/models/${file}`,
          source: readFileSync(path.join(models, file)),
        });
      const wasm = path.join(packageRoot('@tensorflow/tfjs-backend-wasm'), 'dist');
      for (const file of FACE_WASM_FILES)
        this.emitFile({
          type: 'asset',
          fileName: `face/wasm/${file}`,
          source: readFileSync(path.join(wasm, file)),
        });
    },
  };
}
