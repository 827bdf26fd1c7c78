import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { KioskApi, KioskApiTable } from '../../main/api/kiosk-api.js';
import type { RpcClient } from '../../main/api/rpc-client.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents } from '../../main/api/views.js';
import { SessionReplacedError, openChannel, sessionReplaced } from './connection.js';

type Client = RpcClient<KioskApiTable, KioskEvents>;

/** The connection state the whole UI reads. */
export interface KioskConnection {
  readonly api: KioskApi | null;
  readonly client: Client | null;
  /** `replaced`: another window took the kiosk session over; final, this page does not reconnect. */
  readonly state: 'connecting' | 'connected' | 'failed' | 'replaced';
  /** Increments on every (re)connection, so views re-fetch. */
  readonly generation: number;
}

const KioskContext = createContext<KioskConnection>({
  api: null,
  client: null,
  state: 'connecting',
  generation: 0,
});

/** Connects to the core and reconnects when the connection drops (core restart, host reload). */
export function KioskProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const [conn, setConn] = useState<KioskConnection>({
    api: null,
    client: null,
    state: 'connecting',
    generation: 0,
  });
  const generation = useRef(0);

  useEffect(() => {
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let current: Client | null = null;
    const attempt = (): void => {
      openChannel().then(
        (channel) => {
          if (stopped) return channel.close();
          const client = createRpcClient<KioskApiTable, KioskEvents>(channel);
          current = client;
          generation.current += 1;
          setConn({ api: client.api, client, state: 'connected', generation: generation.current });
          channel.onClose(() => {
            client.close();
            if (stopped) return;
            if (sessionReplaced()) {
              setConn((c) => ({ ...c, api: null, client: null, state: 'replaced' }));
              return;
            }
            setConn((c) => ({ ...c, api: null, client: null, state: 'connecting' }));
            retry = setTimeout(attempt, 1000);
          });
        },
        (error: unknown) => {
          if (stopped) return;
          if (error instanceof SessionReplacedError) {
            setConn((c) => ({ ...c, api: null, client: null, state: 'replaced' }));
            return;
          }
          setConn((c) => ({ ...c, state: 'failed' }));
          retry = setTimeout(attempt, 2000);
        },
      );
    };
    attempt();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      current?.close();
    };
  }, []);

  return <KioskContext.Provider value={conn}>{children}</KioskContext.Provider>;
}

/**
 * Provides a connection made elsewhere instead of connecting: the renderer's tests drive screens through it with a
 * core of their own (renderer/test-support/fake-core.tsx).
 */
export function KioskConnectionProvider({
  value,
  children,
}: {
  readonly value: KioskConnection;
  readonly children: ReactNode;
}): ReactNode {
  return <KioskContext.Provider value={value}>{children}</KioskContext.Provider>;
}

/** The connection. */
export function useKiosk(): KioskConnection {
  return useContext(KioskContext);
}

/** Subscribes to a core event for the component's lifetime. */
export function useKioskEvent<K extends keyof KioskEvents & string>(
  event: K,
  listener: (payload: KioskEvents[K]) => void,
): void {
  const { client } = useKiosk();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    if (!client) return;
    return client.on(event, (payload) => latest.current(payload));
  }, [client, event]);
}

/** Loads a value once per connection; `reload` fetches again. */
export function useKioskQuery<T>(
  load: (
    api: KioskApi,
  ) => Promise<{ ok: true; value: T } | { ok: false; error: { code: string; messageKey: string } }>,
): { data: T | null; error: string | null; reload: () => void } {
  const { api, generation } = useKiosk();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  useEffect(() => {
    if (!api) return;
    let live = true;
    void loader.current(api).then((r) => {
      if (!live) return;
      if (r.ok) {
        setData(r.value);
        setError(null);
      } else setError(r.error.messageKey);
    });
    return () => {
      live = false;
    };
  }, [api, generation, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}
