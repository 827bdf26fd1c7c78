/**
 * Builds the CJK font the documents embed: `npx tsx main/services/documents/font-build.ts [SOURCE.ttc]`.
 *
 * Run by hand (not at install time) when the character set changes; the output is committed under
 * resources/fonts/ so a fresh clone needs no system font. Source: Debian's `fonts-noto-cjk` collection
 * (Noto Sans CJK, SIL OFL 1.1, no reserved font name). We take the Simplified-Chinese face out of the
 * collection and keep GB2312, Big5 (symbols and all ideographs), the whole CJK Unified Ideographs block
 * U+4E00–U+9FA5 (the ideographs GBK covers, so rarer given names print too), Latin, CJK punctuation,
 * full-width forms and every character our label dictionaries use.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { allLabelTexts } from './labels.js';
import { REPLACEMENT_CHAR } from './text.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_SOURCE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const FACE = 'NotoSansCJKsc-Regular';
const OUTPUT = path.resolve(here, '../../../resources/fonts/NotoSansCJKsc-Regular.subset.otf');

/** Decodes every two-byte code in the given lead/trail ranges with a legacy Chinese encoding. */
function decodeRange(encoding: string, leads: [number, number], trails: Array<[number, number]>): string {
  let out = '';
  for (let hi = leads[0]; hi <= leads[1]; hi += 1) {
    for (const [from, to] of trails) {
      for (let lo = from; lo <= to; lo += 1) {
        const ch = iconv.decode(Buffer.from([hi, lo]), encoding);
        if (ch.length > 0 && !ch.includes('\uFFFD')) out += ch;
      }
    }
  }
  return out;
}

function rangeText(from: number, to: number): string {
  let out = '';
  for (let cp = from; cp <= to; cp += 1) out += String.fromCodePoint(cp);
  return out;
}

/** The characters the subset keeps. */
export function subsetCharacters(): string {
  const parts = [
    rangeText(0x20, 0x7e), // ASCII
    rangeText(0xa0, 0x17f), // Latin-1 + Latin Extended-A (names in pinyin with tone marks, é, ü…)
    rangeText(0x2010, 0x2044), // dashes, quotes, bullets, ellipsis
    rangeText(0x2100, 0x2199), // letterlike symbols, arrows
    rangeText(0x2460, 0x24ff), // circled numbers
    rangeText(0x2500, 0x25ff), // box drawing, block elements, geometric shapes
    rangeText(0x3000, 0x303f), // CJK symbols and punctuation
    rangeText(0xff01, 0xffef), // full-width and half-width forms
    decodeRange('gb2312', [0xa1, 0xf7], [[0xa1, 0xfe]]), // GB2312: symbols + 6,763 hanzi
    decodeRange(
      'big5',
      [0xa1, 0xa3],
      [
        [0x40, 0x7e],
        [0xa1, 0xfe],
      ],
    ), // Big5 symbols
    decodeRange(
      'big5',
      [0xa4, 0xc6],
      [
        [0x40, 0x7e],
        [0xa1, 0xfe],
      ],
    ), // Big5 level 1 (common)
    rangeText(0x4e00, 0x9fa5), // the whole URO block (what GBK covers): rarer names, Big5 level 2, HK text
    allLabelTexts().join(''),
    REPLACEMENT_CHAR,
  ];
  return [...new Set([...parts.join('')])].join('');
}

/** The few harfbuzz subsetter exports we call (from harfbuzzjs's harfbuzz-subset.wasm). */
interface HarfbuzzSubset {
  readonly memory: { readonly buffer: ArrayBuffer };
  _initialize(): void;
  malloc(size: number): number;
  free(ptr: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_get_flags(input: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
}

interface WasmLoader {
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }>;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
const HB_SUBSET_FLAGS_NO_HINTING = 0x1;
/**
 * Inlines every CFF subroutine. The font grows a little, but pdfkit (fontkit) copies the whole subroutine
 * index into each PDF and sizes it on every document: desubroutinized, a certificate shrinks from ~59 KB to
 * ~20 KB and renders about twice as fast.
 */
const HB_SUBSET_FLAGS_DESUBROUTINIZE = 0x4;

function tag(text: string): number {
  return [...text].reduce((acc, ch) => ((acc << 8) | ch.charCodeAt(0)) >>> 0, 0);
}

/** Subsets face `index` of a font file to `text`, keeping only the given layout features. */
export async function subsetFace(
  font: Buffer,
  index: number,
  text: string,
  features: string[],
): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const wasm = await readFile(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm'));
  // The repo's lib settings (ES2023, node types) do not declare WebAssembly's value side; type what we use.
  const webAssembly = (globalThis as unknown as { WebAssembly: WasmLoader }).WebAssembly;
  const { instance } = await webAssembly.instantiate(wasm);
  const hb = instance.exports as unknown as HarfbuzzSubset;
  hb._initialize();
  const fontPtr = hb.malloc(font.byteLength);
  new Uint8Array(hb.memory.buffer).set(font, fontPtr);
  const blob = hb.hb_blob_create(fontPtr, font.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face = hb.hb_face_create(blob, index);
  hb.hb_blob_destroy(blob);
  const input = hb.hb_subset_input_create_or_fail();
  if (input === 0) throw new Error('harfbuzz could not create a subset input');
  const layout = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
  hb.hb_set_clear(layout);
  for (const feature of features) hb.hb_set_add(layout, tag(feature));
  hb.hb_subset_input_set_flags(
    input,
    hb.hb_subset_input_get_flags(input) | HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE,
  );
  const unicodes = hb.hb_subset_input_unicode_set(input);
  for (const ch of text) hb.hb_set_add(unicodes, ch.codePointAt(0) ?? 0);
  const subset = hb.hb_subset_or_fail(face, input);
  hb.hb_subset_input_destroy(input);
  if (subset === 0) throw new Error('harfbuzz failed to subset the font');
  const result = hb.hb_face_reference_blob(subset);
  const ptr = hb.hb_blob_get_data(result, 0);
  const length = hb.hb_blob_get_length(result);
  const out = Buffer.from(new Uint8Array(hb.memory.buffer, ptr, length));
  hb.hb_blob_destroy(result);
  hb.hb_face_destroy(subset);
  hb.hb_face_destroy(face);
  hb.free(fontPtr);
  if (length === 0) throw new Error('harfbuzz produced an empty font');
  return out;
}

/** Index of the face with this postscript name in a font collection. */
async function faceIndex(ttc: Buffer, postscriptName: string): Promise<number> {
  const fontkit = await import('fontkit');
  const collection = fontkit.create(ttc);
  if (!('fonts' in collection)) throw new Error('not a font collection');
  const index = collection.fonts.findIndex((f) => f.postscriptName === postscriptName);
  if (index < 0) throw new Error(`face ${postscriptName} not in the collection`);
  return index;
}

async function main(): Promise<void> {
  const source = process.argv[2] ?? DEFAULT_SOURCE;
  const ttc = await readFile(source);
  const text = subsetCharacters();
  // Only kerning and the CJK proportional-width feature are kept: layout closure over every feature would
  // pull in vertical, locale and stylistic alternates we never draw.
  const subset = await subsetFace(ttc, await faceIndex(ttc, FACE), text, ['kern', 'palt']);
  await writeFile(OUTPUT, subset);
  console.log(
    `${path.relative(process.cwd(), OUTPUT)}: ${[...text].length} characters, ${(subset.length / 1e6).toFixed(2)} MB`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
