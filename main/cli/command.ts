/**
 * The `booth` command's plumbing: each command group lives in `commands/<group>.ts` and exports an array of
 * {@link CliCommand}; `main.ts` lists the groups. Commands write through {@link CliIO} so tests can run them
 * in-process, and return an exit status instead of calling `process.exit`.
 */

/** Where a command writes; tests pass collectors, the real CLI passes process streams. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Environment variables (BOOTH_DATA_DIR and friends). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: long-running commands (listen, simulate) stop cleanly when it fires. */
  readonly signal: AbortSignal;
}

/** One `booth <group> <verb>` command. */
export interface CliCommand {
  /** The words that select it, e.g. `['idcard', 'read']`. */
  readonly path: readonly string[];
  /** One line for `booth help`. */
  readonly summary: string;
  /** The usage line, e.g. `booth idcard read --port PATH [--json]`. */
  readonly usage: string;
  /** Runs with the arguments after the path; resolves to the exit status. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** A failure a command reports as one line on stderr with a non-zero exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
