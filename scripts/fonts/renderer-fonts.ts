/**
 * The renderer's own fonts, built with the renderer (`npm run build:renderer`, through the Vite plugin in
 * ./vite-plugin.ts) so that no screen depends on the fonts a machine happens to have.
 *
 * - **Booth Sans** (weights 400 and 700): Noto Sans SC cut down to every character the interface can show
 *   before anyone types — the messages of all three languages, every text in the renderer's sources, every
 *   string of the catalogs known at build time, Latin, punctuation and date words. Preloaded; the first paint
 *   needs nothing else. Regenerated whenever those texts change.
 * - **Booth Sans Full** (weight 400; bold is synthesised): the whole of Noto Sans SC split into pieces by
 *   unicode-range, for everything else — typed letters, names read from ID cards, catalogs published after
 *   the build. Chromium downloads a piece only when a character on screen needs it and the first family
 *   lacks it. It does not depend on the texts, so it is built once per source font and kept.
 *
 * Source: the static instances of Google Fonts' Noto Sans SC 2.004 (SIL OFL 1.1) that the
 * `@expo-google-fonts/noto-sans-sc` package ships, a build-time dependency only. Subsetting is harfbuzz
 * (harfbuzzjs), WOFF2 encoding is Google's woff2 (wawoff2), both WebAssembly: nothing is downloaded.
 *
 * `npx tsx scripts/fonts/renderer-fonts.ts` builds into renderer/fonts/generated/ and prints the sizes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as fontkit from 'fontkit';
import { z } from 'zod';
import { LOCALE_NAMES, MESSAGES } from '../../renderer/i18n/messages.js';
import { openFontSubsetter, type FontSubsetter } from '../../domain/documents/font-subset.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

/** The CSS family of the first-paint subset. */
export const SUBSET_FAMILY = 'Booth Sans';
/** The CSS family of the complete font, split by unicode-range. */
export const FULL_FAMILY = 'Booth Sans Full';
/** The weights the interface uses (body text and headings). */
export const SUBSET_WEIGHTS = [400, 700] as const;
/** The weight of the complete font; bold text outside the subset is synthesised from it. */
export const FULL_WEIGHT = 400;
/** Where the build writes the fonts and their CSS (imported by renderer/styles.css; not committed). */
export const DEFAULT_OUT_DIR = path.join(repoRoot, 'renderer/fonts/generated');
/** The catalog whose texts are always in the subset. */
export const DEFAULT_CATALOG = path.join(repoRoot, 'resources/catalog/default-catalog.json');

/** Bumped when the output for the same inputs changes, so a kept build is not reused. */
const BUILDER_VERSION = 1;
/** Characters per piece of the complete font: about 100 pieces of 30–60 KB. */
const FULL_CHUNK_SIZE = 320;
/**
 * The layout features Chromium applies to horizontal text. Closure over harfbuzz's default list would also
 * keep vertical and stylistic alternates the kiosk never draws.
 */
const FEATURES = ['ccmp', 'locl', 'kern', 'liga', 'calt', 'mark', 'mkmk'] as const;

type Weight = (typeof SUBSET_WEIGHTS)[number];

const SOURCE_FILES: Readonly<Record<Weight, string>> = {
  400: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  700: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
};

/** The source font file of a weight. */
export function sourceFontPath(weight: Weight): string {
  return createRequire(import.meta.url).resolve(SOURCE_FILES[weight]);
}

/** The source fonts' licence (SIL Open Font License 1.1). */
export function sourceFontLicencePath(): string {
  return createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/LICENSE_FONT');
}

function rangeText(from: number, to: number): string {
  let out = '';
  for (let cp = from; cp <= to; cp += 1) out += String.fromCodePoint(cp);
  return out;
}

/**
 * Characters always in the subset, whatever the texts say: what a person types on a Latin keyboard, common
 * punctuation of both scripts, and the words Intl puts into dates and times in the kiosk's languages.
 */
export function baseText(): string {
  return [
    rangeText(0x20, 0x7e), // ASCII
    rangeText(0xa0, 0xff), // Latin-1: ¥ × é ü …
    rangeText(0x2010, 0x2027), // dashes, quotes, bullet, ellipsis
    rangeText(0x2030, 0x203a), // per mille, primes, angle quotes
    '€₩←↑→↓■□▲△▼▽◆◇○●★☆✓✔✕✗',
    rangeText(0x3000, 0x3011), // ideographic space, 、。〃々〆〇, 〈〉《》「」『』【】
    rangeText(0x3014, 0x301f), // 〔〕〖〗〘〙〚〛〜〝〞〟
    rangeText(0xff01, 0xff5e), // full-width ASCII
    '年月日时時分秒上午下午星期周週一二三四五六七八九十〇零',
  ].join('');
}

/** Every interface text: all messages of all languages and the language switch's labels. */
export function messageText(): string {
  const parts: string[] = Object.values(LOCALE_NAMES);
  for (const messages of Object.values(MESSAGES)) parts.push(...Object.values(messages));
  return parts.join('');
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, out);
}

/**
 * Every string a catalog carries (names, descriptions, notices, field labels, options, promises — whatever
 * the schema adds later), read from the unsigned or the signed form.
 */
export async function catalogText(file: string): Promise<string> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  const out: string[] = [];
  collectStrings(parsed, out);
  return out.join('');
}

/**
 * Characters written directly in the renderer's sources (the service icons' characters, the page title, and
 * anything else outside the messages).
 */
export async function rendererSourceText(dir: string = path.join(repoRoot, 'renderer')): Promise<string> {
  const parts: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile() || !/\.(tsx?|html)$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (file.includes(`${path.sep}fonts${path.sep}generated${path.sep}`)) continue;
    parts.push([...(await readFile(file, 'utf8'))].filter((ch) => (ch.codePointAt(0) ?? 0) > 0x7e).join(''));
  }
  return parts.join('');
}

/** The catalogs whose texts go into the subset: the default one and any listed in BOOTH_FONT_CATALOGS. */
export function catalogFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.BOOTH_FONT_CATALOGS ?? '')
    .split(path.delimiter)
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .map((f) => path.resolve(f));
  return [DEFAULT_CATALOG, ...extra];
}

/** The code points the first-paint subset must cover, sorted. Control characters are left out. */
export async function subsetCodePoints(catalogs: readonly string[] = catalogFiles()): Promise<number[]> {
  const texts = [baseText(), messageText(), await rendererSourceText()];
  for (const file of catalogs) texts.push(await catalogText(file));
  const set = new Set<number>();
  for (const ch of texts.join('')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0)) set.add(cp);
  }
  return [...set].sort((a, b) => a - b);
}

/** CSS `unicode-range` value for a set of code points, merging runs. */
export function unicodeRange(codePoints: Iterable<number>): string {
  const sorted = [...new Set(codePoints)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] ?? 0;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      i += 1;
      end += 1;
    }
    parts.push(start === end ? `U+${start.toString(16)}` : `U+${start.toString(16)}-${end.toString(16)}`);
    i += 1;
  }
  return parts.join(', ');
}

/** Code points in a font's cmap (sfnt or WOFF2). */
export function fontCodePoints(bytes: Uint8Array): number[] {
  const font = fontkit.create(Buffer.from(bytes));
  if ('fonts' in font) throw new Error('a font collection where a single font was expected');
  return [...font.characterSet].sort((a, b) => a - b);
}

const fontFileSchema = z.object({ file: z.string(), bytes: z.number(), codePoints: z.number() });
const manifestSchema = z.object({
  builder: z.number(),
  subset: z.object({ key: z.string(), faces: z.record(z.string(), fontFileSchema) }),
  full: z.object({ key: z.string(), chunks: z.array(fontFileSchema.extend({ range: z.string() })) }),
});

/** What a build produced (also kept as manifest.json beside the fonts). */
export type RendererFontsManifest = z.infer<typeof manifestSchema>;

/** Options of {@link buildRendererFonts}. */
export interface BuildRendererFontsOptions {
  /** Where fonts.css, the WOFF2 files and manifest.json go. */
  readonly outDir?: string;
  /** Catalog files whose texts the subset covers. */
  readonly catalogs?: readonly string[];
  /** Whether to build the complete font's pieces too (tests of the subset skip them). */
  readonly full?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** A small pool of WOFF2 encoder threads. */
class Woff2Pool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ id: number; sfnt: Uint8Array }> = [];
  private readonly pending = new Map<number, { resolve(b: Buffer): void; reject(e: Error): void }>();
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(path.join(here, 'woff2-worker.mjs'));
      worker.on('message', (msg: { id: number; woff2?: Uint8Array; error?: string }) => {
        const job = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.woff2) job?.resolve(Buffer.from(msg.woff2));
        else job?.reject(new Error(`WOFF2 encoding failed: ${msg.error ?? 'unknown error'}`));
        this.idle.push(worker);
        this.pump();
      });
      worker.on('error', (error) => {
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  compress(sfnt: Uint8Array): Promise<Buffer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, sfnt });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop();
      const job = this.queue.shift();
      if (worker && job) worker.postMessage(job, [job.sfnt.buffer as ArrayBuffer]);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function digest(...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}

async function readManifest(outDir: string): Promise<RendererFontsManifest | undefined> {
  try {
    const parsed = manifestSchema.safeParse(
      JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    // No manifest (or an old one): the fonts are rebuilt.
    return undefined;
  }
}

function allPresent(outDir: string, files: ReadonlyArray<{ file: string }>): boolean {
  return files.length > 0 && files.every((f) => existsSync(path.join(outDir, f.file)));
}

/** Cuts one piece and encodes it; the code points actually in it come from the encoded font's cmap. */
async function encodePiece(
  subsetter: FontSubsetter,
  pool: Woff2Pool,
  codePoints: readonly number[],
): Promise<{ woff2: Buffer; codePoints: number[] }> {
  // Copied: the buffer is handed over (transferred) to the encoder thread.
  const sfnt = new Uint8Array(subsetter.subset(codePoints, FEATURES));
  const woff2 = await pool.compress(sfnt);
  return { woff2, codePoints: fontCodePoints(woff2) };
}

function fontFace(family: string, weight: number, file: string, range: string): string {
  return [
    '@font-face {',
    `  font-family: '${family}';`,
    '  font-style: normal;',
    `  font-weight: ${weight};`,
    // Loaded from the kiosk's own disk in milliseconds: a blank instant beats boxes or a system font flash.
    '  font-display: block;',
    `  src: url('./${file}') format('woff2');`,
    `  unicode-range: ${range};`,
    '}',
  ].join('\n');
}

/**
 * Builds (or reuses, when its inputs are unchanged) the renderer's fonts and fonts.css into `outDir`.
 * The subset follows the texts; the complete font's pieces are built once per source font.
 */
export async function buildRendererFonts(
  options: BuildRendererFontsOptions = {},
): Promise<RendererFontsManifest> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const log = options.log ?? ((): void => undefined);
  const wantFull = options.full ?? true;
  await mkdir(outDir, { recursive: true });
  const sources = Object.fromEntries(
    await Promise.all(SUBSET_WEIGHTS.map(async (w) => [w, await readFile(sourceFontPath(w))] as const)),
  ) as Record<Weight, Buffer>;
  const sourceDigest = digest(...SUBSET_WEIGHTS.map((w) => sources[w]));
  const wanted = await subsetCodePoints(options.catalogs ?? catalogFiles());
  const subsetKey = digest(String(BUILDER_VERSION), sourceDigest, FEATURES.join(','), wanted.join(','));
  const fullKey = digest(String(BUILDER_VERSION), sourceDigest, FEATURES.join(','), String(FULL_CHUNK_SIZE));

  const previous = await readManifest(outDir);
  const keepSubset =
    previous?.subset.key === subsetKey && allPresent(outDir, Object.values(previous.subset.faces));
  const keepFull = previous?.full.key === fullKey && allPresent(outDir, previous.full.chunks);

  const pool = new Woff2Pool(Math.max(1, Math.min(os.availableParallelism(), 4)));
  try {
    let subset: RendererFontsManifest['subset'];
    if (keepSubset && previous) {
      subset = previous.subset;
      log(`subset: unchanged (${wanted.length} characters), kept`);
    } else {
      const faces: Record<string, z.infer<typeof fontFileSchema>> = {};
      await Promise.all(
        SUBSET_WEIGHTS.map(async (weight) => {
          const subsetter = await openFontSubsetter(sources[weight]);
          try {
            const piece = await encodePiece(subsetter, pool, wanted);
            const file = `booth-sans-${weight}.woff2`;
            await writeFile(path.join(outDir, file), piece.woff2);
            faces[String(weight)] = { file, bytes: piece.woff2.length, codePoints: piece.codePoints.length };
          } finally {
            subsetter.close();
          }
        }),
      );
      subset = { key: subsetKey, faces };
      log(`subset: ${wanted.length} characters, ${describeFiles(Object.values(faces))}`);
    }

    let full: RendererFontsManifest['full'];
    if (keepFull && previous) {
      full = previous.full;
      log(`complete font: unchanged (${describeFiles(full.chunks)}), kept`);
    } else if (!wantFull) {
      full = { key: '', chunks: [] };
    } else {
      const started = Date.now();
      for (const stale of (await readdir(outDir)).filter((f) => f.startsWith('booth-sans-full-')))
        await rm(path.join(outDir, stale));
      const subsetter = await openFontSubsetter(sources[FULL_WEIGHT]);
      try {
        const all = fontCodePoints(sources[FULL_WEIGHT]).filter((cp) => cp >= 0x20);
        const pieces: Array<Promise<z.infer<typeof fontFileSchema> & { range: string }>> = [];
        for (let i = 0; i < all.length; i += FULL_CHUNK_SIZE) {
          const file = `booth-sans-full-${String(i / FULL_CHUNK_SIZE).padStart(3, '0')}.woff2`;
          const piece = encodePiece(subsetter, pool, all.slice(i, i + FULL_CHUNK_SIZE));
          pieces.push(
            piece.then(async ({ woff2, codePoints }) => {
              await writeFile(path.join(outDir, file), woff2);
              return {
                file,
                bytes: woff2.length,
                codePoints: codePoints.length,
                range: unicodeRange(codePoints),
              };
            }),
          );
          // Lets finished pieces be collected (and the encoders fed) while the next ones are cut.
          await new Promise((resolve) => setImmediate(resolve));
        }
        full = { key: fullKey, chunks: await Promise.all(pieces) };
      } finally {
        subsetter.close();
      }
      log(`complete font: ${describeFiles(full.chunks)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }

    const manifest: RendererFontsManifest = { builder: BUILDER_VERSION, subset, full };
    await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    await writeFile(path.join(outDir, 'fonts.css'), await fontsCss(outDir, manifest));
    return manifest;
  } finally {
    await pool.close();
  }
}

async function fontsCss(outDir: string, manifest: RendererFontsManifest): Promise<string> {
  const rules = ['/* Generated by scripts/fonts/renderer-fonts.ts with the renderer build: do not edit. */'];
  for (const weight of SUBSET_WEIGHTS) {
    const face = manifest.subset.faces[String(weight)];
    if (!face) throw new Error(`no ${weight} face in the subset`);
    // The range is the font's own cmap: a character it lacks goes straight to the complete font.
    const range = unicodeRange(fontCodePoints(await readFile(path.join(outDir, face.file))));
    rules.push(fontFace(SUBSET_FAMILY, weight, face.file, range));
  }
  for (const chunk of manifest.full.chunks)
    rules.push(fontFace(FULL_FAMILY, FULL_WEIGHT, chunk.file, chunk.range));
  return `${rules.join('\n')}\n`;
}

function describeFiles(files: ReadonlyArray<{ bytes: number }>): string {
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return `${files.length} file${files.length === 1 ? '' : 's'}, ${(bytes / 1024).toFixed(0)} KiB`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const manifest = await buildRendererFonts({ log: (line) => console.log(`renderer fonts: ${line}`) });
  for (const [weight, face] of Object.entries(manifest.subset.faces))
    console.log(`${SUBSET_FAMILY} ${weight}: ${face.codePoints} characters, ${face.bytes} bytes`);
  const fullBytes = manifest.full.chunks.reduce((sum, c) => sum + c.bytes, 0);
  console.log(`${FULL_FAMILY}: ${manifest.full.chunks.length} pieces, ${fullBytes} bytes`);
}
