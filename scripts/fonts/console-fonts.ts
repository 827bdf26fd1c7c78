/**
 * The web console's own font (central/console-app): Noto Sans SC (SIL OFL 1.1, from the same build-time package
 * as the kiosk's fonts) cut down to the characters the console shows — every non-ASCII character in its sources,
 * the texts of the catalogs known at build time (service names on the urgent board) and the base set the kiosk's
 * subset always carries — in weights 400 and 700, as WOFF2. The console then
 * draws its Chinese the same on every machine, fonts installed or not, and the CSP needs only font-src 'self'.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress } from 'wawoff2';
import type { Plugin } from 'vite';
import { codePointsOf, openFontSubsetter } from '../../main/services/documents/font-subset.js';
import {
  baseText,
  catalogFiles,
  catalogText,
  rendererSourceText,
  SUBSET_WEIGHTS,
  sourceFontLicencePath,
  sourceFontPath,
} from './renderer-fonts.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The console app's sources. */
export const CONSOLE_APP_DIR = path.resolve(here, '../../central/console-app');
/** Where the console's fonts are generated (styles.css refers to them; not committed). */
export const CONSOLE_FONT_DIR = path.join(CONSOLE_APP_DIR, 'generated');

const FEATURES = ['ccmp', 'locl', 'kern', 'liga', 'calt', 'mark', 'mkmk'] as const;

/** Builds console-sans-400.woff2 and console-sans-700.woff2 into `outDir`; returns their sizes in bytes. */
export async function buildConsoleFonts(outDir: string = CONSOLE_FONT_DIR): Promise<Record<string, number>> {
  // The catalogs' texts too: the console shows service names the kiosks send (urgent reports, catalogs).
  const catalogs = (await Promise.all(catalogFiles().map((file) => catalogText(file)))).join('');
  const codePoints = codePointsOf(baseText() + (await rendererSourceText(CONSOLE_APP_DIR)) + catalogs);
  await mkdir(outDir, { recursive: true });
  const sizes: Record<string, number> = {};
  for (const weight of SUBSET_WEIGHTS) {
    const subsetter = await openFontSubsetter(await readFile(sourceFontPath(weight)));
    try {
      const woff2 = Buffer.from(await compress(subsetter.subset(codePoints, FEATURES)));
      const name = `console-sans-${weight}.woff2`;
      await writeFile(path.join(outDir, name), woff2);
      sizes[name] = woff2.length;
    } finally {
      subsetter.close();
    }
  }
  return sizes;
}

/** Vite plugin: builds the console's fonts before the styles are read, and ships the font licence. */
export function consoleFontsPlugin(): Plugin {
  return {
    name: 'booth-console-fonts',
    async buildStart() {
      const sizes = await buildConsoleFonts();
      this.info(
        `console fonts: ${Object.entries(sizes)
          .map(([name, size]) => `${name} ${size} B`)
          .join(', ')}`,
      );
    },
    async generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'assets/fonts-OFL.txt',
        source: await readFile(sourceFontLicencePath()),
      });
    },
  };
}
