import { readFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';
import { z } from 'zod';

/**
 * Chromium's memory as the operating system sees it (Linux /proc), for benchmarks and tests that must show the
 * kiosk page does not keep growing: the renderer process of the page and the GPU process, found through the
 * browser's DevTools protocol session.
 */

const ProcessInfo = z.object({
  processInfo: z.array(z.object({ type: z.string(), id: z.number() })),
});

/**
 * A process's resident memory from /proc (bytes): all of it, its anonymous part, and its shared memory (where
 * Chromium's discardable memory — decoded images, video frames drawn into canvases — lives).
 */
export function resident(pid: number): { rss: number; anon: number; shmem: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number =>
    Number(new RegExp(`\\n${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), shmem: kb('RssShmem') };
}

/** Chromium's processes: the page's renderer (the largest renderer: a spare one may idle next to it) and the GPU process. */
export async function chromiumProcesses(
  browserCdp: CDPSession,
): Promise<{ renderer: number; gpu: number[]; renderers: number }> {
  const { processInfo } = ProcessInfo.parse(await browserCdp.send('SystemInfo.getProcessInfo'));
  const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  const biggest = renderers.sort((a, b) => resident(b).rss - resident(a).rss)[0];
  if (biggest === undefined) throw new Error('Chromium reported no renderer process');
  const gpu = processInfo.filter((p) => p.type.toLowerCase().includes('gpu')).map((p) => p.id);
  return { renderer: biggest, gpu, renderers: renderers.length };
}
