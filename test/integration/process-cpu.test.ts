import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processGroupCpu } from '../support/process-cpu.js';

describe('processGroupCpu', () => {
  it("counts the CPU time of a process group's members, and nothing of other groups", async () => {
    // A child in a group of its own that burns ~300 ms of CPU, then waits to be measured.
    const child = spawn(
      process.execPath,
      [
        '-e',
        'const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000); setTimeout(() => {}, 30000);',
      ],
      { detached: true, stdio: 'ignore' },
    );
    try {
      const pid = child.pid;
      if (pid === undefined) throw new Error('no child');
      const deadline = Date.now() + 20_000;
      let cpu = processGroupCpu(pid);
      while ((cpu.browser ?? 0) < 250 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        cpu = processGroupCpu(pid);
      }
      // Not a Chromium process (no --type=): it counts as the group's main process.
      expect(cpu.browser).toBeGreaterThanOrEqual(250);
      expect(Object.keys(cpu)).toEqual(['browser']);
      // This test's own process is in another group.
      expect(processGroupCpu(pid + 1_000_000)).toEqual({});
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
