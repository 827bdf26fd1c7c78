import { readFile } from 'node:fs/promises';
import type { HtmlTagDescriptor, Plugin } from 'vite';
import {
  buildRendererFonts,
  DEFAULT_OUT_DIR,
  SUBSET_WEIGHTS,
  sourceFontLicencePath,
} from './renderer-fonts.js';

/** Options of {@link rendererFontsPlugin}. */
export interface RendererFontsPluginOptions {
  /** Where the fonts and fonts.css are generated (renderer/styles.css imports fonts.css from there). */
  readonly outDir?: string;
}

/** The first-paint faces' file names before Vite hashes them. */
const PRELOADED = new Set(SUBSET_WEIGHTS.map((w) => `booth-sans-${w}.woff2`));

/**
 * Builds the renderer's fonts before Vite reads the styles (see renderer-fonts.ts), and preloads the
 * first-paint faces from index.html so that their download starts with the page, not at first layout.
 */
export function rendererFontsPlugin(options: RendererFontsPluginOptions = {}): Plugin {
  return {
    name: 'booth-renderer-fonts',
    async buildStart() {
      await buildRendererFonts({
        outDir: options.outDir ?? DEFAULT_OUT_DIR,
        log: (line) => this.info(line),
      });
    },
    async generateBundle() {
      // The SIL Open Font License asks that the licence travel with the fonts.
      this.emitFile({
        type: 'asset',
        fileName: 'assets/fonts-OFL.txt',
        source: await readFile(sourceFontLicencePath()),
      });
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx): HtmlTagDescriptor[] {
        const tags: HtmlTagDescriptor[] = [];
        for (const output of Object.values(ctx.bundle ?? {})) {
          if (output.type !== 'asset') continue;
          const names = [...output.names, ...output.originalFileNames.map((f) => f.split('/').pop() ?? '')];
          if (!names.some((n) => PRELOADED.has(n))) continue;
          tags.push({
            tag: 'link',
            // Fonts are always fetched in CORS mode; a preload without `crossorigin` would be fetched twice.
            attrs: {
              rel: 'preload',
              href: `./${output.fileName}`,
              as: 'font',
              type: 'font/woff2',
              crossorigin: '',
            },
            injectTo: 'head',
          });
        }
        return tags;
      },
    },
  };
}
