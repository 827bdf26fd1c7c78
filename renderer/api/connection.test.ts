import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The renderer's connection to the core in the browser host, with the page's globals faked: a WebSocket the test
 * drives, the location fragment carrying the per-launch token, and the tab's session storage.
 */

type Listener = (event: { data?: unknown; code?: number }) => void;

class FakeSocket {
  static made: FakeSocket[] = [];
  readonly sent: string[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.made.push(this);
  }
  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.emit('close', { code: 1000 });
  }
  emit(type: string, event: { data?: unknown; code?: number } = {}): void {
    for (const l of [...(this.listeners.get(type) ?? [])]) l(event);
  }
}

const storage = new Map<string, string>();

beforeEach(() => {
  FakeSocket.made = [];
  storage.clear();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('window', {
    location: {
      hash: `#token=${'ab'.repeat(24)}`,
      protocol: 'http:',
      host: '127.0.0.1:8570',
      pathname: '/',
      search: '',
    },
  });
  vi.stubGlobal('history', { replaceState: () => undefined });
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
  });
  // Each test gets the module fresh: it keeps the early attempt and the replaced flag in module state.
  vi.resetModules();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('connectEarly', () => {
  it('opens the socket before anyone asks, and the first openChannel takes that same socket', async () => {
    const { connectEarly, openChannel } = await import('./connection.js');
    connectEarly();
    expect(FakeSocket.made).toHaveLength(1);
    expect(FakeSocket.made[0]?.protocols).toEqual(['booth-rpc', `token.${'ab'.repeat(24)}`]);
    const pending = openChannel();
    expect(FakeSocket.made).toHaveLength(1);
    FakeSocket.made[0]?.emit('open');
    const channel = await pending;
    channel.send('hello');
    expect(FakeSocket.made[0]?.sent).toEqual(['hello']);
    // A later openChannel (a reconnect) opens a new socket.
    void openChannel().catch(() => undefined);
    expect(FakeSocket.made).toHaveLength(2);
  });

  it('keeps frames that arrive before the first listener, and hands them over in order', async () => {
    const { connectEarly, openChannel } = await import('./connection.js');
    connectEarly();
    const socket = FakeSocket.made[0];
    socket?.emit('open');
    socket?.emit('message', { data: '{"event":"a"}' });
    socket?.emit('message', { data: '{"event":"b"}' });
    const channel = await openChannel();
    const seen: string[] = [];
    channel.onMessage((text) => seen.push(`first:${text}`));
    socket?.emit('message', { data: '{"event":"c"}' });
    // A second listener gets only what comes after it.
    channel.onMessage((text) => seen.push(`second:${text}`));
    socket?.emit('message', { data: '{"event":"d"}' });
    expect(seen).toEqual([
      'first:{"event":"a"}',
      'first:{"event":"b"}',
      'first:{"event":"c"}',
      'first:{"event":"d"}',
      'second:{"event":"d"}',
    ]);
  });

  it('hands a failed early attempt to the first openChannel, which then rejects', async () => {
    const { connectEarly, openChannel } = await import('./connection.js');
    connectEarly();
    FakeSocket.made[0]?.emit('error');
    await expect(openChannel()).rejects.toThrow('connection refused');
  });
});
