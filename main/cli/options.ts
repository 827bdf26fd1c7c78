/**
 * Option parsing shared by the `booth` commands. It lives apart from `main.ts` (which imports the registry of every
 * command) so the commands can use it without an import cycle back through the registry.
 */
import { parseArgs } from 'node:util';
import { CliError } from './command.js';

/** Parses options strictly (unknown options are errors), with one-line messages. */
export function parseOptions<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  args: readonly string[],
  options: T,
  allowPositionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw new CliError(
      error instanceof Error ? (error.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments',
      2,
    );
  }
}
