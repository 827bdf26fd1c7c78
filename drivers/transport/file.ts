import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { ByteTransport } from './types.js';
import { TransportError, toTransportError } from './types.js';
import { TransportListeners } from './listeners.js';

/** A device node opened as a file, e.g. the Linux USB printer class node `/dev/usb/lp0`. */
export interface FileTransportOptions {
  readonly path: string;
  /** How often to poll for received bytes (default 20 ms). */
  readonly pollMs?: number;
}

/**
 * A character device opened read/write, non-blocking. The usblp driver passes bytes written to the printer and
 * returns the printer's back-channel (the DLE EOT replies) on read. Reads are polled because a blocking read
 * would hold one of libuv's few pool threads for as long as the printer is silent. ENODEV/EIO on a read or
 * write means the device went away (USB cable pulled).
 */
export class FileTransport extends TransportListeners implements ByteTransport {
  private handle: FileHandle | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading = false;
  private charDevice = false;
  private readonly buffer = Buffer.alloc(256);
  readonly description: string;

  constructor(private readonly options: FileTransportOptions) {
    super();
    this.description = `file:${options.path}`;
  }

  get isOpen(): boolean {
    return this.handle !== null;
  }

  async open(): Promise<void> {
    if (this.handle) return;
    try {
      this.handle = await open(
        this.options.path,
        constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY,
      );
      this.charDevice = (await this.handle.stat()).isCharacterDevice();
    } catch (error) {
      // The open error is thrown below; closing a half-open handle adds nothing.
      await this.handle?.close().catch(() => undefined);
      this.handle = null;
      throw toTransportError(error);
    }
    this.schedule();
  }

  async close(): Promise<void> {
    await this.shutdown(null, true);
  }

  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    let idle = 0;
    while (offset < bytes.length) {
      const h = this.handle;
      if (!h) throw new TransportError('closed', `${this.description}: not open`);
      try {
        const { bytesWritten } = await h.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
        idle = bytesWritten > 0 ? 0 : idle + 1;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'EAGAIN') {
          const e = this.classify(error);
          void this.shutdown(e, false);
          throw e;
        }
        idle += 1;
      }
      // The printer's buffer is full (it is busy or stopped): wait a little, give up after ~10 s.
      if (idle > 0) {
        if (idle > 500) throw new TransportError('timeout', `${this.description}: device accepts no data`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  private classify(error: unknown): TransportError {
    const code = (error as { code?: string } | null)?.code;
    if (code === 'ENODEV' || code === 'EIO' || code === 'ENXIO' || code === 'EBADF')
      return new TransportError('closed', `${this.description}: device went away (${code})`);
    return toTransportError(error);
  }

  private schedule(): void {
    if (!this.handle || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, this.options.pollMs ?? 20);
  }

  private async poll(): Promise<void> {
    const h = this.handle;
    if (!h || this.reading) return;
    this.reading = true;
    try {
      for (;;) {
        const { bytesRead } = await h.read(this.buffer, 0, this.buffer.length, null);
        if (this.handle !== h) break;
        if (bytesRead <= 0) {
          // A non-blocking read of a character device with nothing to read fails with EAGAIN; end-of-file
          // means hang-up (the other side is gone). On a plain file it is just the end.
          if (this.charDevice) throw Object.assign(new Error('device hung up'), { code: 'EIO' });
          break;
        }
        const chunk = Uint8Array.from(this.buffer.subarray(0, bytesRead));
        this.emitData(chunk);
      }
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'EAGAIN' && this.handle === h) {
        this.reading = false;
        await this.shutdown(this.classify(error), false);
        return;
      }
    }
    this.reading = false;
    this.schedule();
  }

  private async shutdown(reason: TransportError | null, byUser: boolean): Promise<void> {
    const h = this.handle;
    if (!h) return;
    this.handle = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Closing: the handle is released either way and the close event says why.
    await h.close().catch(() => undefined);
    this.emitClose(byUser ? null : reason);
  }
}
