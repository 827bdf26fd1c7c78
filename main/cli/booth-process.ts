/**
 * The `booth` command as a process: standard streams, the environment, Ctrl-C. The same function runs under tsx
 * from the source tree (bin/booth.mjs), as compiled JavaScript with plain Node (`dist/cli/booth.js`), and inside
 * a packaged kiosk's own binary (`smart-police-booth --booth …`, see main/electron/main.ts), which has neither
 * tsx nor a Node of the ABI its native modules were built for.
 */
import { pathToFileURL } from 'node:url';
import { runCli } from './main.js';

/** Runs `booth` with these arguments on the process's streams; resolves to the exit status. */
export async function runBoothProcess(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  const onInt = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  const onTerm = (): void => controller.abort();
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await runCli(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

// Run directly (`node dist/cli/booth.js ARGS`): the compiled command.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runBoothProcess(process.argv.slice(2));
}
