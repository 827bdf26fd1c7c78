import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A linked pseudo-terminal pair made by socat: open `a` on one side and `b` on the other. */
export interface PtyPair {
  readonly a: string;
  readonly b: string;
  /** Kills socat: both ends vanish, as when a USB-serial adapter is pulled out. */
  close(): Promise<void>;
}

/**
 * Starts `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits until both links exist.
 * Pass `dir` and the same names again to recreate a pair at the same paths (replug).
 */
export async function createPtyPair(
  options: { dir?: string; names?: [string, string] } = {},
): Promise<PtyPair> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'booth-pty-'));
  const [na, nb] = options.names ?? ['ttyA', 'ttyB'];
  const a = path.join(dir, na);
  const b = path.join(dir, nb);
  const child: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 5000;
  while (!(existsSync(a) && existsSync(b))) {
    if (exited) throw new Error('socat exited before creating the PTY pair (is socat installed?)');
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('socat did not create the PTY pair within 5 s');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a,
    b,
    async close(): Promise<void> {
      if (!exited) {
        const done = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await done;
      }
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
