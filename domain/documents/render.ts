/**
 * The one entry point for printable PDFs: `renderDocument(kind, data)` validates the data, draws it with the
 * shared CJK font and returns the bytes, or a typed error; it never throws.
 */
import type { z } from 'zod';
import type { Result } from '../../contract/result.js';
import { err, ok } from '../../contract/result.js';
import type { Font } from 'fontkit';
import {
  certificateDataSchema,
  FULL_NUMBER_REASON,
  letterCopySchema,
  printableReceiptSchema,
} from './schemas.js';
import { DocumentFontError, loadDocumentFont } from './font.js';
import { renderReceiptA4, renderReceiptRoll } from './receipt.js';
import { renderCertificate } from './certificate.js';
import { renderLetterCopy } from './letter.js';

import { documentKinds } from './kinds.js';
import type { DocumentKind } from './kinds.js';

export { documentKinds };
export type { DocumentKind };

/** Why a document could not be rendered. */
export type DocumentErrorCode =
  'unknown_kind' | 'invalid_data' | 'full_id_number' | 'font_missing' | 'font_invalid' | 'render_failed';

/** A typed rendering failure; `path` names the offending field, e.g. `holder.idNumberMasked`. */
export interface DocumentError {
  readonly code: DocumentErrorCode;
  readonly message: string;
  readonly path?: string;
}

/** The outcome of {@link renderDocument}: the PDF's bytes, or why it could not be made. */
export type DocumentResult = Result<Uint8Array, DocumentError>;

/** Options of {@link renderDocument}. */
export interface RenderOptions {
  /** Another font file (tests, a packaged app's resources path). */
  readonly fontPath?: string;
}

/** Formats a zod issue path as a JSON path: `services[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function validationError(error: z.ZodError): DocumentError {
  const issue = error.issues[0];
  if (!issue) return { code: 'invalid_data', message: 'invalid document data' };
  const path = formatPath(issue.path);
  const params = issue.code === 'custom' ? (issue.params as { reason?: string } | undefined) : undefined;
  const code: DocumentErrorCode = params?.reason === FULL_NUMBER_REASON ? 'full_id_number' : 'invalid_data';
  const message = path === '' ? issue.message : `${path}: ${issue.message}`;
  return path === '' ? { code, message } : { code, message, path };
}

async function draw(kind: DocumentKind, data: unknown, font: Font): Promise<DocumentResult> {
  const fail = (error: z.ZodError): DocumentResult => err(validationError(error));
  switch (kind) {
    case 'receipt-80mm':
    case 'receipt-a4': {
      const parsed = printableReceiptSchema.safeParse(data);
      if (!parsed.success) return fail(parsed.error);
      const pdf =
        kind === 'receipt-80mm'
          ? await renderReceiptRoll(font, parsed.data)
          : await renderReceiptA4(font, parsed.data);
      return ok(pdf);
    }
    case 'certificate': {
      const parsed = certificateDataSchema.safeParse(data);
      if (!parsed.success) return fail(parsed.error);
      return ok(await renderCertificate(font, parsed.data));
    }
    case 'letter-copy': {
      const parsed = letterCopySchema.safeParse(data);
      if (!parsed.success) return fail(parsed.error);
      return ok(await renderLetterCopy(font, parsed.data));
    }
  }
}

/** Renders a printable document as a PDF; bad data gives `{ ok: false }` with the offending field. */
export async function renderDocument(
  kind: DocumentKind,
  data: unknown,
  options: RenderOptions = {},
): Promise<DocumentResult> {
  if (!(documentKinds as readonly string[]).includes(kind)) {
    return {
      ok: false,
      error: {
        code: 'unknown_kind',
        message: `unknown document kind '${String(kind)}'; expected one of ${documentKinds.join(', ')}`,
      },
    };
  }
  try {
    const font = loadDocumentFont(options.fontPath);
    return await draw(kind, data, font);
  } catch (error) {
    if (error instanceof DocumentFontError)
      return { ok: false, error: { code: error.code, message: error.message } };
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'render_failed', message: `could not render ${kind}: ${reason}` } };
  }
}
