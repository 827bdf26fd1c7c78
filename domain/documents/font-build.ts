/**
 * Builds the CJK font the documents embed: `npx tsx domain/documents/font-build.ts [SOURCE.ttc]`.
 *
 * Run by hand (not at install time) when the character set changes; the output is committed under
 * resources/fonts/ so a fresh clone needs no system font. Source: Debian's `fonts-noto-cjk` collection
 * (Noto Sans CJK, SIL OFL 1.1, no reserved font name). We take the Simplified-Chinese face out of the
 * collection and keep GB2312, Big5 (symbols and all ideographs), the whole CJK Unified Ideographs block
 * U+4E00–U+9FA5 (the ideographs GBK covers, so rarer given names print too), Latin, CJK punctuation,
 * full-width forms and every character our label dictionaries use.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { codePointsOf, openFontSubsetter } from './font-subset.js';
import { allLabelTexts } from './labels.js';
import { REPLACEMENT_CHAR } from './text.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_SOURCE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const FACE = 'NotoSansCJKsc-Regular';
const OUTPUT = path.resolve(here, '../../resources/fonts/NotoSansCJKsc-Regular.subset.otf');

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

/** Subsets face `index` of a font file to `text`, keeping only the given layout features. */
export async function subsetFace(
  font: Buffer,
  index: number,
  text: string,
  features: string[],
): Promise<Buffer> {
  const subsetter = await openFontSubsetter(font, index);
  try {
    return subsetter.subset(codePointsOf(text), features);
  } finally {
    subsetter.close();
  }
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
