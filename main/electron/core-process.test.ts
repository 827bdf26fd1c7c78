import { EventEmitter } from 'node:events';
import type { MessagePortMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { CoreSupervisor, type UtilityProcessLike } from './core-process.js';
import { RestartPolicy } from './restart-policy.js';

class Child extends EventEmitter implements UtilityProcessLike {
  readonly messages: unknown[] = [];
  kills = 0;
  constructor(private readonly exitOnShutdown: boolean) {
    super();
  }
  postMessage(message: unknown): void {
    this.messages.push(message);
    if (this.exitOnShutdown && (message as { type?: string }).type === 'shutdown') {
      queueMicrotask(() => this.emit('exit', 0));
    }
  }
  kill(): boolean {
    this.kills += 1;
    this.emit('exit', 15);
    return true;
  }
}

function supervisor(exitOnShutdown: boolean) {
  const children: Child[] = [];
  const timers: Array<{ callback: () => void; ms: number }> = [];
  const restarts: number[] = [];
  const sup = new CoreSupervisor({
    fork: () => {
      const child = new Child(exitOnShutdown);
      children.push(child);
      return child;
    },
    entryPath: '/core.js',
    init: { dataDir: '/d', mode: 'demonstration', modeReason: 'test', dataKey: new Uint8Array(32).fill(1) },
    onRestart: () => restarts.push(children.length),
    policy: new RestartPolicy({
      burst: 1,
      windowMs: 60_000,
      baseDelayMs: 500,
      maxDelayMs: 4_000,
      now: () => 0,
    }),
    setTimer: (callback, ms) => {
      const timer = { callback, ms };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      const index = timers.indexOf(handle as (typeof timers)[number]);
      if (index >= 0) timers.splice(index, 1);
    },
  });
  return { sup, children, timers, restarts };
}

describe('CoreSupervisor', () => {
  it('restarts immediately once, then with a growing delay', () => {
    const { sup, children, timers, restarts } = supervisor(true);
    sup.start();
    children[0]!.emit('exit', 1);
    expect(timers.map((t) => t.ms)).toEqual([0]);
    timers.shift()!.callback();
    expect(children).toHaveLength(2);
    expect(restarts).toEqual([2]);
    children[1]!.emit('exit', 1);
    children[1]!.emit('exit', 1); // a stale second exit of the same child is ignored
    expect(timers.map((t) => t.ms)).toEqual([500]);
    timers.shift()!.callback();
    children[2]!.emit('exit', 1);
    expect(timers.map((t) => t.ms)).toEqual([1_000]);
  });

  it('refuses to connect a port when no core runs', () => {
    const { sup } = supervisor(true);
    expect(sup.connect({} as MessagePortMain)).toBe(false);
    sup.start();
    expect(sup.connect({} as MessagePortMain)).toBe(true);
  });

  it('waits for a clean exit on shutdown and does not kill', async () => {
    const { sup, children } = supervisor(true);
    sup.start();
    await sup.shutdown();
    expect(children[0]!.messages.at(-1)).toEqual({ type: 'shutdown' });
    expect(children[0]!.kills).toBe(0);
    expect(sup.running).toBe(false);
  });

  it('kills a core that does not exit within the timeout, and never restarts it', async () => {
    const { sup, children, timers } = supervisor(false);
    sup.start();
    const pending = sup.shutdown();
    await Promise.resolve();
    const timeout = timers.find((t) => t.ms === 5_000);
    expect(timeout).toBeDefined();
    timeout!.callback();
    await pending;
    expect(children[0]!.kills).toBe(1);
    expect(timers.filter((t) => t.ms !== 5_000)).toEqual([]);
    expect(children).toHaveLength(1);
  });

  it('cancels a pending restart on shutdown', async () => {
    const { sup, children, timers } = supervisor(true);
    sup.start();
    children[0]!.emit('exit', 1);
    children[0]!.emit('exit', 1);
    expect(timers).toHaveLength(1);
    await sup.shutdown();
    expect(timers).toHaveLength(0);
  });
});
