import { execFileSync } from 'node:child_process';

/**
 * Makes `dir` read-only for this process and returns how to undo it. An ordinary user gets chmod 0555; root
 * ignores modes, so as root the directory is bind-mounted onto itself read-only (root may mount; the kernel then
 * answers EROFS).
 */
export function makeReadOnly(dir: string): () => void {
  if (process.getuid?.() !== 0) {
    execFileSync('chmod', ['0555', dir]);
    return () => execFileSync('chmod', ['0755', dir]);
  }
  execFileSync('mount', ['--bind', dir, dir]);
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
  } catch (error) {
    execFileSync('umount', [dir]);
    throw error;
  }
  return () => execFileSync('umount', [dir]);
}
