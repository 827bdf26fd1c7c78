import type { CliCommand } from './command.js';

/**
 * Every command group. Each group lives in `commands/<group>.ts` and exports `commands: CliCommand[]`;
 * add its import here.
 */
export function allCommands(): CliCommand[] {
  return [];
}
