import type { CliCommand, CliIO } from './command.js';
import { CliError } from './command.js';
import { allCommands } from './registry.js';

/** Finds the command whose path is the longest prefix of argv. */
export function findCommand(
  commands: readonly CliCommand[],
  argv: readonly string[],
): { command: CliCommand; rest: string[] } | null {
  let best: CliCommand | null = null;
  for (const c of commands) {
    if (c.path.length <= argv.length && c.path.every((w, i) => argv[i] === w)) {
      if (!best || c.path.length > best.path.length) best = c;
    }
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : null;
}

function helpText(commands: readonly CliCommand[]): string {
  const lines = ['booth — Smart Police Booth technician and administrator tool', '', 'Commands:'];
  for (const c of [...commands].sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')))) {
    lines.push(`  ${c.usage}`, `      ${c.summary}`);
  }
  lines.push(
    '',
    'Kiosk-side commands take --data DIR (default: BOOTH_DATA_DIR, else the kiosk data directory).',
  );
  return lines.join('\n') + '\n';
}

/** Runs the CLI with argv (without node and script); returns the exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIO, commands = allCommands()): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.stdout(helpText(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(commands, argv);
  if (!found) {
    io.stderr(`booth: unknown command '${argv.join(' ')}'; run 'booth help' for the list\n`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.stdout(`usage: ${found.command.usage}\n${found.command.summary}\n`);
    return 0;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`booth ${found.command.path.join(' ')}: ${error.message}\n`);
      return error.exitCode;
    }
    // parseArgs and zod errors are user mistakes: one line, no stack.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    io.stderr(`booth ${found.command.path.join(' ')}: ${message}\n`);
    return 1;
  }
}
