/** Helpers for the documents tests (not used by the app): poppler tools over rendered PDFs, fixtures, PNG comparison. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The documents service folder (fixtures and snapshots live there). */
export const documentsDir = here;
/** Reference PNGs of page 1 of each snapshot document. */
export const snapshotDir = path.join(documentsDir, '__pdf_snapshots__');

/** A fresh JSON copy of a fixture under domain/documents/__fixtures__/. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(documentsDir, '__fixtures__', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

const work = mkdtempSync(path.join(tmpdir(), 'booth-documents-'));
let counter = 0;

/** Writes a PDF to a temporary file and returns its path. */
export function savePdf(pdf: Uint8Array, name = 'doc'): string {
  counter += 1;
  const file = path.join(work, `${name}-${counter}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

/**
 * The text poppler extracts from a PDF. `raw` keeps content-stream order, which is what finds rotated text
 * (the diagonal watermark comes out one character per line).
 */
export function pdfText(file: string, raw = false): string {
  const args = raw ? ['-raw', '-enc', 'UTF-8', file, '-'] : ['-enc', 'UTF-8', file, '-'];
  return execFileSync('pdftotext', args, { encoding: 'utf8' });
}

/** One row of `pdffonts`. */
export interface PdfFontRow {
  readonly name: string;
  readonly type: string;
  readonly embedded: boolean;
  readonly subset: boolean;
}

/** Parses `pdffonts` output. */
export function pdfFonts(file: string): PdfFontRow[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2);
  return lines
    .filter((l) => l.trim() !== '')
    .map((line) => {
      // Columns: name, type (may contain spaces), encoding, emb, sub, uni, object ID (two numbers).
      const m = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(line);
      if (!m) throw new Error(`unexpected pdffonts line: ${line}`);
      return { name: m[1] ?? '', type: m[2] ?? '', embedded: m[4] === 'yes', subset: m[5] === 'yes' };
    });
}

/** `pdfinfo` as a key → value map. */
export function pdfInfo(file: string, isoDates = false): Record<string, string> {
  const out: Record<string, string> = {};
  const args = isoDates ? ['-isodates', file] : [file];
  for (const line of execFileSync('pdfinfo', args, { encoding: 'utf8' }).split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Page size in points from pdfinfo's "Page size: W x H pts". */
export function pageSize(file: string): { width: number; height: number } {
  const m = /([\d.]+) x ([\d.]+) pts/.exec(pdfInfo(file)['Page size'] ?? '');
  if (!m) throw new Error('no page size');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Rasterizes page 1 at the given resolution and returns the decoded PNG. */
export function rasterize(file: string, dpi: number): PNG {
  const prefix = file.replace(/\.pdf$/, `-r${dpi}`);
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-f', '1', '-l', '1', '-singlefile', file, prefix]);
  return PNG.sync.read(readFileSync(`${prefix}.png`));
}

/** How two same-sized images differ: the share of pixels where some channel differs by more than `threshold`. */
export function differingShare(a: PNG, b: PNG, threshold = 48): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c += 1) {
      if (Math.abs((a.data[i + c] ?? 0) - (b.data[i + c] ?? 0)) > threshold) {
        differing += 1;
        break;
      }
    }
  }
  return differing / (a.width * a.height);
}
