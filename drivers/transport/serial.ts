import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { ByteTransport } from './types.js';
import { TransportError, toTransportError } from './types.js';
import { TransportListeners } from './listeners.js';

/** Serial line settings; 115200 8N1 is the common default for ID card readers. */
export interface SerialOptions {
  readonly path: string;
  readonly baudRate?: number;
  readonly dataBits?: 5 | 6 | 7 | 8;
  readonly stopBits?: 1 | 1.5 | 2;
  readonly parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  /**
   * How often (ms) an open port checks that its device path still exists (default 1000; 0: never). A port's
   * read loop can miss a hang-up — a USB adapter pulled out, the other end of a PTY gone — and a device that is
   * only read from (a scanner) would then look connected for ever; the path disappearing is the same unplug.
   */
  readonly presenceCheckMs?: number;
}

/** A serial or USB-serial port (also one end of a socat PTY pair) through the `serialport` package. */
export class SerialTransport extends TransportListeners implements ByteTransport {
  private port: SerialPort | null = null;
  private presence: ReturnType<typeof setInterval> | null = null;
  readonly description: string;

  constructor(private readonly options: SerialOptions) {
    super();
    this.description = `serial:${options.path}@${options.baudRate ?? 115200}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? 115200,
      dataBits: this.options.dataBits ?? 8,
      stopBits: this.options.stopBits ?? 1,
      parity: this.options.parity ?? 'none',
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(toTransportError(error)) : resolve()));
    });
    port.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.emitData(bytes);
    });
    // A USB-serial adapter pulled out, or the other end of a PTY closing, surfaces as an error and/or a
    // close event with `disconnected`; both end up here exactly once.
    let closed = false;
    const finish = (reason: TransportError | null): void => {
      if (closed) return;
      closed = true;
      if (this.port === port) {
        this.port = null;
        this.stopPresenceCheck();
      }
      this.emitClose(reason);
    };
    port.on('error', (error: Error) => {
      finish(toTransportError(error));
      if (port.isOpen) port.close(() => undefined);
    });
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      finish(error ? new TransportError('closed', error.message) : null);
    });
    this.port = port;
    const every = this.options.presenceCheckMs ?? 1000;
    // Device nodes have paths on Linux and macOS; a Windows port name (COM3) is no file to look for.
    if (every > 0 && this.options.path.startsWith('/')) {
      const devicePath = this.options.path;
      this.presence = setInterval(() => {
        if (existsSync(devicePath)) return;
        finish(new TransportError('closed', `${this.description}: ${devicePath} is gone`));
        if (port.isOpen) port.close(() => undefined);
      }, every);
      this.presence.unref();
    }
  }

  private stopPresenceCheck(): void {
    if (this.presence) clearInterval(this.presence);
    this.presence = null;
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.port = null;
    this.stopPresenceCheck();
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new TransportError('closed', `${this.description}: not open`);
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (error) => (error ? reject(toTransportError(error)) : resolve()));
    });
    await new Promise<void>((resolve, reject) => {
      port.drain((error) => (error ? reject(toTransportError(error)) : resolve()));
    });
  }
}
