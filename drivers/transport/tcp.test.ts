import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransportError } from './types.js';
import { AcceptedSocketTransport, TcpTransport, parseHostPort } from './tcp.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

describe('parseHostPort', () => {
  it('parses host, host:port and [v6]:port; defaults to 9100', () => {
    expect(parseHostPort('192.0.2.7')).toEqual({ host: '192.0.2.7', port: 9100 });
    expect(parseHostPort('printer.local:9101')).toEqual({ host: 'printer.local', port: 9101 });
    expect(parseHostPort('[::1]:9100')).toEqual({ host: '::1', port: 9100 });
  });
  it('rejects malformed input', () => {
    for (const bad of ['', ':9100', 'host:0', 'host:70000', 'host:abc', 'a:b:c'])
      expect(parseHostPort(bad)).toBeNull();
  });
});

describe('TcpTransport', () => {
  it('exchanges bytes both ways with a server', async () => {
    const port = await listen((socket) => {
      const peer = new AcceptedSocketTransport(socket);
      peer.onData((chunk) => void peer.write(Uint8Array.from(chunk, (b) => b + 1)));
    });
    const t = new TcpTransport({ host: '127.0.0.1', port });
    expect(t.description).toBe(`tcp:127.0.0.1:${port}`);
    await t.open();
    const got = new Promise<Uint8Array>((r) => t.onData(r));
    await t.write(Uint8Array.of(1, 2, 3));
    expect([...(await got)]).toEqual([2, 3, 4]);
    const closes: (TransportError | null)[] = [];
    t.onClose((r) => closes.push(r));
    await t.close();
    expect(t.isOpen).toBe(false);
    expect(closes).toEqual([null]);
    await t.close();
  });

  it('refused connection → not-found', async () => {
    const port = await listen(() => undefined);
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    const t = new TcpTransport({ host: '127.0.0.1', port });
    await expect(t.open()).rejects.toMatchObject({ kind: 'not-found' });
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ kind: 'closed' });
  });

  it('detects a reset by the peer once, as a closed error', async () => {
    const port = await listen((socket) => setTimeout(() => socket.resetAndDestroy(), 20));
    const t = new TcpTransport({ host: '127.0.0.1', port });
    await t.open();
    const reason = await new Promise<TransportError | null>((r) => t.onClose(r));
    expect(reason?.kind).toBe('closed');
    expect(t.isOpen).toBe(false);
    // Reopen works after the reset.
    await t.open();
    expect(t.isOpen).toBe(true);
    await t.close();
  });
});
