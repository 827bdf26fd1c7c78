import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A reference central server running in a process of its own. */
export interface CentralProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Stops it (SIGTERM: it closes its store cleanly) and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `central/main.ts ARGS` in another process, so its CPU and memory are not counted as the benchmark's own,
 * and resolves with the URL it prints once it listens.
 */
export async function startCentralProcess(args: readonly string[]): Promise<CentralProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'central/main.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`central server exited (${code ?? 'signal'})`)));
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
