/**
 * Test helpers around a kiosk core's RPC client: waiting for a pushed event with a deadline, and a core started
 * with a technician already signed in (demonstration PIN).
 */
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient, type RpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents } from '../../main/services/views.js';
import { startKioskCore, type KioskCore, type KioskCoreOptions } from '../../main/core/kiosk-core.js';

/** A renderer's client of the core. */
export type KioskClient = RpcClient<KioskApiTable, KioskEvents>;

/** The next event matching `pred`, or a rejection naming what never came (a hang would hide the cause). */
export function nextEvent<K extends keyof KioskEvents & string>(
  client: KioskClient,
  event: K,
  pred: (payload: KioskEvents[K]) => boolean,
  what: string,
  ms = 20_000,
): Promise<KioskEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`never happened: ${what}`));
    }, ms);
    const off = client.on(event, (payload) => {
      if (!pred(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Starts a demonstration core, connects a client and signs the technician in with the demonstration PIN. */
export async function startSignedInKiosk(
  options: Omit<KioskCoreOptions, 'mode' | 'host'>,
): Promise<{ core: KioskCore; client: KioskClient }> {
  const core = await startKioskCore({ ...options, mode: 'demonstration', host: 'browser' });
  const [coreEnd, rendererEnd] = channelPair();
  core.connect(coreEnd);
  const client = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
  const login = await client.api['technician.login']({ pin: '000000' });
  if (!login.ok || !login.value.signedIn) {
    await core.close();
    throw new Error('the technician could not sign in with the demonstration PIN');
  }
  return { core, client };
}
