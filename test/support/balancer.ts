import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer without sticky routing, for tests of several central instances: each request goes to the next
 * instance in turn, so a kiosk's retry of a batch usually lands on another instance. Instances may come and go
 * (`targets[i] = null`): a request sent to a missing or failing instance resets the client's connection, as a
 * balancer without health checks does.
 */
export interface Balancer {
  readonly url: string;
  /** The instances' base URLs, by index; null while an instance is down. */
  readonly targets: (string | null)[];
  /** Requests each instance was sent. */
  readonly served: number[];
  /** Batch uploads instance `index` has received in full and not yet answered. */
  inFlightBatches(index: number): number;
  /** Called whenever an in-flight count changes. */
  onChange(listener: () => void): void;
  close(): Promise<void>;
}

/** Starts a balancer on 127.0.0.1 over `targets` (base URLs, or null for an instance not started yet). */
export async function startBalancer(targets: readonly (string | null)[]): Promise<Balancer> {
  const current = [...targets];
  const inFlight = current.map(() => 0);
  const served = current.map(() => 0);
  const listeners: (() => void)[] = [];
  const changed = (): void => {
    for (const l of listeners) l();
  };
  let next = 0;
  const server: Server = createServer((req, res) => {
    const index = next;
    next = (next + 1) % current.length;
    const target = current[index];
    if (!target) {
      res.destroy();
      return;
    }
    served[index] = (served[index] ?? 0) + 1;
    const url = new URL(target);
    const batch = req.method === 'POST' && (req.url ?? '').includes('transactions:batch');
    let counted = false;
    const settle = (): void => {
      if (!counted) return;
      counted = false;
      inFlight[index] = (inFlight[index] ?? 1) - 1;
      changed();
    };
    const upstream = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        settle();
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    // An instance that resets the connection (killed, or an injected fault) resets the client's too.
    upstream.on('error', () => {
      settle();
      res.destroy();
    });
    // The whole batch has gone to the instance: from here it may be storing it.
    upstream.on('finish', () => {
      if (!batch) return;
      counted = true;
      inFlight[index] = (inFlight[index] ?? 0) + 1;
      changed();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets: current,
    served,
    inFlightBatches: (index) => inFlight[index] ?? 0,
    onChange: (listener) => listeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
