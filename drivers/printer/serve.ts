import net from 'node:net';
import type { ByteTransport } from '../transport/types.js';
import { AcceptedSocketTransport } from '../transport/tcp.js';
import type { PrinterSimulator } from './simulator.js';

/**
 * Runs a {@link PrinterSimulator} as the device end of a real transport: one end of a PTY pair (through a
 * SerialTransport), or a TCP server on 127.0.0.1 standing in for a network printer's port 9100.
 */

/** A running simulator endpoint. */
export interface SimulatorEndpoint {
  /** For TCP: the port actually listened on. */
  readonly port?: number;
  close(): Promise<void>;
}

/** Opens `transport` and lets the simulator answer on it. */
export async function serveSimulatorOn(
  simulator: PrinterSimulator,
  transport: ByteTransport,
): Promise<SimulatorEndpoint> {
  await transport.open();
  const detach = simulator.attach(transport);
  return {
    async close(): Promise<void> {
      detach();
      await transport.close();
    },
  };
}

/** Listens on `host:port` (port 0 picks a free one); every connection talks to the same simulator. */
export async function serveSimulatorTcp(
  simulator: PrinterSimulator,
  options: { port: number; host?: string },
): Promise<SimulatorEndpoint> {
  const peers = new Set<AcceptedSocketTransport>();
  const server = net.createServer((socket) => {
    const peer = new AcceptedSocketTransport(socket);
    peers.add(peer);
    const detach = simulator.attach(peer);
    peer.onClose(() => {
      detach();
      peers.delete(peer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    async close(): Promise<void> {
      for (const p of [...peers]) await p.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
