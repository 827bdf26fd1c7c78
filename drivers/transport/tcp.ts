import net from 'node:net';
import { TransportListeners } from './listeners.js';
import type { ByteTransport } from './types.js';
import { TransportError, toTransportError } from './types.js';

/** A network printer's address; ESC/POS printers listen on raw TCP port 9100 ("JetDirect"). */
export interface TcpOptions {
  readonly host: string;
  readonly port?: number;
  /** How long to wait for the connection (default 3000 ms). */
  readonly connectTimeoutMs?: number;
  /** TCP keep-alive probe delay, so a printer switched off mid-session is noticed (default 5000 ms). */
  readonly keepAliveMs?: number;
}

/** The default raw printing port. */
export const DEFAULT_PRINTER_PORT = 9100;

/** Parses `HOST:PORT` (or `HOST`, port 9100; `[v6]:PORT`); null when malformed. */
export function parseHostPort(
  text: string,
  defaultPort = DEFAULT_PRINTER_PORT,
): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) return null;
  const host = m[1] ?? m[2] ?? '';
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host, port };
}

function classify(error: unknown): TransportError {
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND') {
    return new TransportError('not-found', message);
  }
  if (code === 'ETIMEDOUT') return new TransportError('timeout', message);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new TransportError('closed', message);
  return toTransportError(error);
}

/**
 * Wraps a connected socket as a {@link ByteTransport}; used by {@link TcpTransport} and by simulators that
 * accept connections. A reset or end from the peer surfaces once through `onClose`.
 */
class SocketPort {
  private closed = false;
  constructor(
    readonly socket: net.Socket,
    private readonly onData: (chunk: Uint8Array) => void,
    private readonly onClose: (reason: TransportError | null) => void,
  ) {
    socket.on('data', (chunk: Buffer) =>
      this.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    );
    socket.on('error', (error) => this.finish(classify(error)));
    socket.on('end', () => this.finish(new TransportError('closed', 'peer closed the connection')));
    socket.on('close', () => this.finish(new TransportError('closed', 'connection closed')));
  }
  finish(reason: TransportError | null): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(reason);
  }
  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }
  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new TransportError('closed', 'not connected'));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(classify(error)) : resolve()));
    });
  }
}

/** A TCP client transport (network receipt printers, or a simulator on 127.0.0.1). */
export class TcpTransport extends TransportListeners implements ByteTransport {
  private port: SocketPort | null = null;
  private closing = false;
  readonly description: string;

  constructor(private readonly options: TcpOptions) {
    super();
    this.description = `tcp:${options.host}:${options.port ?? DEFAULT_PRINTER_PORT}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    if (this.port?.isOpen) return;
    const timeoutMs = this.options.connectTimeoutMs ?? 3000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: this.options.host, port: this.options.port ?? DEFAULT_PRINTER_PORT });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new TransportError('timeout', `${this.description}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        s.destroy();
        reject(classify(error));
      });
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, this.options.keepAliveMs ?? 5000);
    this.closing = false;
    const port: SocketPort = new SocketPort(
      socket,
      (chunk) => this.emitData(chunk),
      (reason) => {
        if (this.port === port) this.port = null;
        this.emitClose(this.closing ? null : reason);
      },
    );
    this.port = port;
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.closing = true;
    this.port = null;
    await new Promise<void>((resolve) => {
      port.socket.end(() => resolve());
      setTimeout(resolve, 200);
    });
    port.finish(null);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new TransportError('closed', `${this.description}: not open`);
    await port.write(bytes);
  }
}

/** The server side of an accepted connection as a {@link ByteTransport} (already open; `open()` is a no-op). */
export class AcceptedSocketTransport extends TransportListeners implements ByteTransport {
  private readonly port: SocketPort;
  readonly description: string;

  constructor(socket: net.Socket) {
    super();
    this.description = `tcp-peer:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.port = new SocketPort(
      socket,
      (chunk) => this.emitData(chunk),
      (reason) => this.emitClose(reason),
    );
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  async open(): Promise<void> {
    if (!this.port.isOpen)
      throw new TransportError('closed', `${this.description}: connection already closed`);
  }

  async close(): Promise<void> {
    this.port.finish(null);
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.port.write(bytes);
  }
}
