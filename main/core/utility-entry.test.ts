import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { RpcChannel } from '../api/channel.js';
import { SESSION_REPLACED_EVENT } from '../api/channel.js';
import { method } from '../api/define.js';
import { RpcServer } from '../api/rpc-server.js';
import {
  channelFromPort,
  serveParentPort,
  type HostedCore,
  type HostedCoreOptions,
  type ParentMessageEvent,
  type PortLike,
} from './utility-entry.js';

class FakePort extends EventEmitter implements PortLike {
  started = false;
  closed = false;
  readonly sent: unknown[] = [];
  start(): void {
    this.started = true;
  }
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
}

class FakeParentPort extends EventEmitter {
  readonly sent: unknown[] = [];
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  deliver(data: unknown, ports: PortLike[] = []): void {
    const event: ParentMessageEvent = { data, ports };
    this.emit('message', event);
  }
}

const key = Buffer.alloc(32, 7).toString('base64');

function fakeCore() {
  const channels: RpcChannel[] = [];
  const disconnected: RpcChannel[] = [];
  const started: HostedCoreOptions[] = [];
  let closed = 0;
  const core: HostedCore = {
    connect(channel) {
      channels.push(channel);
      return () => disconnected.push(channel);
    },
    close: async () => {
      closed += 1;
    },
  };
  return {
    channels,
    disconnected,
    started,
    closed: () => closed,
    startCore: async (options: HostedCoreOptions) => {
      started.push(options);
      return core;
    },
  };
}

describe('channelFromPort', () => {
  it('starts the port, passes string frames both ways and drops anything else', () => {
    const port = new FakePort();
    const channel = channelFromPort(port);
    expect(port.started).toBe(true);
    const received: string[] = [];
    channel.onMessage((text) => received.push(text));
    port.emit('message', { data: '{"id":1,"method":"ping"}' });
    port.emit('message', { data: { not: 'a string' } });
    port.emit('message', { data: 42 });
    expect(received).toEqual(['{"id":1,"method":"ping"}']);
    channel.send('{"id":1,"ok":true,"value":null}');
    expect(port.sent).toEqual(['{"id":1,"ok":true,"value":null}']);
  });

  it('reports a close from the other side once, then sends nothing', () => {
    const port = new FakePort();
    const channel = channelFromPort(port);
    const closes = vi.fn();
    channel.onClose(closes);
    port.emit('close');
    port.emit('close');
    expect(closes).toHaveBeenCalledTimes(1);
    channel.send('late');
    expect(port.sent).toEqual([]);
  });

  it('closes the port when the core closes the channel, and unsubscribes listeners', () => {
    const port = new FakePort();
    const channel = channelFromPort(port);
    const received: string[] = [];
    const off = channel.onMessage((text) => received.push(text));
    off();
    port.emit('message', { data: 'x' });
    expect(received).toEqual([]);
    const closes = vi.fn();
    channel.onClose(closes);
    channel.close();
    expect(port.closed).toBe(true);
    expect(closes).toHaveBeenCalledTimes(1);
  });
});

describe('serveParentPort', () => {
  it('starts the core from the init message with the decoded key', async () => {
    const parent = new FakeParentPort();
    const core = fakeCore();
    void serveParentPort(parent, { startCore: core.startCore, exit: () => undefined });
    parent.deliver({
      type: 'init',
      dataDir: '/data',
      mode: 'demonstration',
      modeReason: 'test',
      dataKey: key,
      centralUrl: 'https://c.test/',
    });
    await vi.waitFor(() => expect(parent.sent).toEqual([{ type: 'ready' }]), { timeout: 10_000 });
    expect(core.started).toHaveLength(1);
    const options = core.started[0]!;
    expect(options).toMatchObject({
      dataDir: '/data',
      mode: 'demonstration',
      modeReason: 'test',
      host: 'electron',
      centralUrl: 'https://c.test/',
    });
    expect(Buffer.from(options.dataKey).equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it('refuses a malformed init (short key, missing dir) and starts nothing', async () => {
    const parent = new FakeParentPort();
    const core = fakeCore();
    const log = vi.fn();
    void serveParentPort(parent, { startCore: core.startCore, exit: () => undefined, log });
    parent.deliver({
      type: 'init',
      dataDir: '/data',
      mode: 'demonstration',
      modeReason: 'test',
      dataKey: Buffer.alloc(8).toString('base64'),
    });
    parent.deliver({ type: 'init', mode: 'demonstration', modeReason: 'test', dataKey: key });
    parent.deliver('garbage');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(core.started).toEqual([]);
    expect(log).toHaveBeenCalledWith('message.ignored');
  });

  it('connects each transferred port to the core, including ports sent before the core was up', async () => {
    const parent = new FakeParentPort();
    const core = fakeCore();
    void serveParentPort(parent, { startCore: core.startCore, exit: () => undefined });
    parent.deliver({ type: 'init', dataDir: '/data', mode: 'production', modeReason: 'test', dataKey: key });
    const first = new FakePort();
    parent.deliver({ type: 'connect' }, [first]);
    await vi.waitFor(() => expect(core.channels).toHaveLength(1), { timeout: 10_000 });
    const second = new FakePort();
    parent.deliver({ type: 'connect' }, [second]);
    await vi.waitFor(() => expect(core.channels).toHaveLength(2), { timeout: 10_000 });
    core.channels[0]!.send('hello');
    expect(first.sent).toEqual(['hello']);
    first.emit('close');
    expect(core.disconnected).toEqual([core.channels[0]]);
  });

  it('serves one renderer port: a newer port replaces the older, which is told, closed and sent nothing more', async () => {
    const parent = new FakeParentPort();
    const rpc = new RpcServer({
      'kiosk.ping': method(z.undefined().optional(), async () => ({ ok: true as const, value: 'pong' })),
    });
    const core: HostedCore = { connect: (channel) => rpc.connect(channel), close: async () => undefined };
    void serveParentPort(parent, { startCore: async () => core, exit: () => undefined });
    parent.deliver({ type: 'init', dataDir: '/data', mode: 'production', modeReason: 'test', dataKey: key });
    const first = new FakePort();
    parent.deliver({ type: 'connect' }, [first]);
    await vi.waitFor(() => expect(rpc.connectionCount).toBe(1), { timeout: 10_000 });
    rpc.broadcast('visit.changed', { step: 'identify' });
    expect(first.sent).toEqual([JSON.stringify({ event: 'visit.changed', payload: { step: 'identify' } })]);

    const second = new FakePort();
    parent.deliver({ type: 'connect' }, [second]);
    await vi.waitFor(() => expect(first.closed).toBe(true), { timeout: 10_000 });
    rpc.broadcast('visit.changed', { step: 'confirm', identity: { name: '张三' } });
    expect(second.sent).toEqual([
      JSON.stringify({ event: 'visit.changed', payload: { step: 'confirm', identity: { name: '张三' } } }),
    ]);
    // The first port's last frame says why it was closed; nothing of the next visit reached it.
    expect(first.sent.slice(1).map((text) => JSON.parse(String(text)) as { event: string })).toEqual([
      { event: SESSION_REPLACED_EVENT, payload: { reason: 'replaced by another window' } },
    ]);
    expect(rpc.connectionCount).toBe(1);
  });

  it('ignores a connect without a port, and closes a port sent before init', async () => {
    const parent = new FakeParentPort();
    const core = fakeCore();
    void serveParentPort(parent, { startCore: core.startCore, exit: () => undefined });
    const early = new FakePort();
    parent.deliver({ type: 'connect' }, [early]);
    expect(early.closed).toBe(true);
    parent.deliver({ type: 'init', dataDir: '/data', mode: 'production', modeReason: 'test', dataKey: key });
    parent.deliver({ type: 'connect' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(core.channels).toEqual([]);
  });

  it('closes the core, disconnects channels and exits 0 on shutdown', async () => {
    const parent = new FakeParentPort();
    const core = fakeCore();
    const exit = vi.fn();
    const done = serveParentPort(parent, { startCore: core.startCore, exit });
    parent.deliver({
      type: 'init',
      dataDir: '/data',
      mode: 'demonstration',
      modeReason: 'test',
      dataKey: key,
    });
    parent.deliver({ type: 'connect' }, [new FakePort()]);
    await vi.waitFor(() => expect(core.channels).toHaveLength(1), { timeout: 10_000 });
    parent.deliver({ type: 'shutdown' });
    await done;
    expect(core.closed()).toBe(1);
    expect(core.disconnected).toHaveLength(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when the core fails to start', async () => {
    const parent = new FakeParentPort();
    const exit = vi.fn();
    const done = serveParentPort(parent, {
      startCore: () => Promise.reject(new Error('store locked')),
      exit,
      log: () => undefined,
    });
    parent.deliver({
      type: 'init',
      dataDir: '/data',
      mode: 'demonstration',
      modeReason: 'test',
      dataKey: key,
    });
    await done;
    expect(exit).toHaveBeenCalledWith(1);
    expect(parent.sent).toEqual([]);
  });
});
