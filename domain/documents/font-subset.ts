/**
 * Font subsetting with harfbuzz's hb-subset (the wasm build that harfbuzzjs ships). Build-time only: the
 * document font (font-build.ts) and the renderer's web fonts (scripts/fonts/) are cut with it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

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
 * Inlines every CFF subroutine (no effect on TrueType outlines). The font grows a little, but pdfkit
 * (fontkit) copies the whole subroutine index into each PDF and sizes it on every document: desubroutinized,
 * a certificate shrinks from ~59 KB to ~20 KB and renders about twice as fast.
 */
const HB_SUBSET_FLAGS_DESUBROUTINIZE = 0x4;

function tag(text: string): number {
  return [...text].reduce((acc, ch) => ((acc << 8) | ch.charCodeAt(0)) >>> 0, 0);
}

/** One face of a font file, opened once and cut into as many subsets as needed. */
export interface FontSubsetter {
  /**
   * The face cut down to `codePoints` (and what layout closure over `features` pulls in), hinting dropped.
   * Returns an sfnt (OpenType/TrueType) file.
   */
  subset(codePoints: Iterable<number>, features: readonly string[]): Buffer;
  /** Frees the face and the copy of the font in wasm memory. */
  close(): void;
}

/**
 * Opens face `index` of a font file (or collection) for subsetting. Parsing the face once and reusing it
 * matters when one font is cut into a hundred pieces (the renderer's fallback chunks).
 */
export async function openFontSubsetter(font: Uint8Array, index = 0): Promise<FontSubsetter> {
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
  let open = true;
  return {
    subset(codePoints, features) {
      if (!open) throw new Error('the font subsetter is closed');
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
      for (const cp of codePoints) hb.hb_set_add(unicodes, cp);
      const subset = hb.hb_subset_or_fail(face, input);
      hb.hb_subset_input_destroy(input);
      if (subset === 0) throw new Error('harfbuzz failed to subset the font');
      const result = hb.hb_face_reference_blob(subset);
      const ptr = hb.hb_blob_get_data(result, 0);
      const length = hb.hb_blob_get_length(result);
      // Copied out: the wasm memory may grow (and move) on the next call.
      const out = Buffer.from(new Uint8Array(hb.memory.buffer, ptr, length));
      hb.hb_blob_destroy(result);
      hb.hb_face_destroy(subset);
      if (length === 0) throw new Error('harfbuzz produced an empty font');
      return out;
    },
    close() {
      if (!open) return;
      open = false;
      hb.hb_face_destroy(face);
      hb.free(fontPtr);
    },
  };
}

/** Code points of a text, each once. */
export function codePointsOf(text: string): number[] {
  return [...new Set([...text].map((ch) => ch.codePointAt(0) ?? 0))];
}
