import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time (user + system, ms) of every live process in a process group, by Chromium process kind
 * (`browser`, `renderer`, `gpu-process`, `zygote`, `utility:NetworkService`, …), read from Linux /proc.
 * CPU time, unlike wall time, hardly changes with what else the machine is doing, so start-up costs measured
 * this way compare fairly on a busy machine. Processes that have already exited are not counted.
 */
export function processGroupCpu(pgid: number): Record<string, number> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const byKind: Record<string, number> = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // the process exited between listing and reading: nothing left to count
    }
    // Fields after the command name (which may contain spaces): state is field 3, so index 0 here.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    const type = /--type=([a-z-]+)/.exec(cmdline)?.[1] ?? 'browser';
    const service = /--utility-sub-type=[\w.]*?(\w+)(?:\0|$)/.exec(cmdline)?.[1];
    const kind = service ? `${type}:${service}` : type;
    byKind[kind] = (byKind[kind] ?? 0) + cpuMs;
  }
  return byKind;
}
