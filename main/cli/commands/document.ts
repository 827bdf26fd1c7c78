/** `booth document render KIND DATA.json --out FILE.pdf`: renders a printable document from a JSON file. */
import { readFile, writeFile } from 'node:fs/promises';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { documentKinds } from '../../../domain/documents/kinds.js';
import type { DocumentKind } from '../../../domain/documents/kinds.js';

function isKind(value: string): value is DocumentKind {
  return (documentKinds as readonly string[]).includes(value);
}

async function render(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(args, { out: { type: 'string', short: 'o' } }, true);
  const [kind, dataPath, ...extra] = positionals;
  if (kind === undefined || dataPath === undefined || extra.length > 0) {
    throw new CliError(`expected KIND and DATA.json (KIND: ${documentKinds.join(', ')})`, 2);
  }
  if (!isKind(kind))
    throw new CliError(`unknown kind '${kind}'; expected one of ${documentKinds.join(', ')}`, 2);
  const out = values.out;
  if (typeof out !== 'string' || out === '') throw new CliError('--out FILE.pdf is required', 2);

  let text: string;
  try {
    text = await readFile(dataPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError(`cannot read ${dataPath} (${code})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${dataPath} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  // Loaded on use: pdfkit and fontkit would slow every other booth command's start.
  const { renderDocument } = await import('../../../domain/documents/render.js');
  const result = await renderDocument(kind, data);
  if (!result.ok) {
    // The message already starts with the JSON path of the offending field.
    throw new CliError(`${dataPath}: ${result.error.message} [${result.error.code}]`);
  }
  try {
    await writeFile(out, result.value);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unwritable';
    throw new CliError(`cannot write ${out} (${code})`);
  }
  io.stdout(`${out}: ${kind}, ${result.value.length} bytes\n`);
  return 0;
}

/** The `document` command group. */
export const commands: CliCommand[] = [
  {
    path: ['document', 'render'],
    summary: 'Render a receipt, certificate or mailbox letter copy from a JSON file as a PDF',
    usage: `booth document render ${documentKinds.join('|')} DATA.json --out FILE.pdf`,
    run: render,
  },
];
