import { render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { channelPair, type RpcChannel } from '../../main/api/channel.js';
import type { KioskApi, KioskApiTable } from '../../main/api/kiosk-api.js';
import { apiError, type ApiErrorCode } from '../../main/api/protocol.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents } from '../../main/api/views.js';
import { KioskConnectionProvider, type KioskConnection } from '../api/kiosk.js';
import { KeyboardProvider } from '../components/keyboard/KeyboardProvider.js';
import { I18nProvider } from '../i18n/i18n.js';

type Method = keyof KioskApi & string;
type Params<M extends Method> = Parameters<KioskApi[M]>[0];
type Value<M extends Method> = Extract<Awaited<ReturnType<KioskApi[M]>>, { ok: true }>['value'];

/** A method's answer: a value, or a refusal with the API's error code. */
export type Answer<M extends Method> =
  { readonly value: Value<M> } | { readonly error: ApiErrorCode; readonly detail?: string };

/** What the fake core answers for a method; methods without one are refused as `unknown-method`. */
export type Handlers = { [M in Method]?: (params: Params<M>) => Answer<M> | Promise<Answer<M>> };

/**
 * A core for the renderer's tests: the page's real RPC client over an in-memory channel (the same frames the core
 * sends), with the answers the test gives per method, the requests it received, and events it pushes.
 */
export class FakeCore {
  /** Every request, in order: method and params. */
  readonly calls: { readonly method: string; readonly params: unknown }[] = [];
  private channel: RpcChannel | null = null;

  constructor(readonly handlers: Handlers) {}

  /** A fresh connection to this core (the page's end); a test may open another after {@link drop}. */
  connect(): RpcChannel {
    const [page, core] = channelPair();
    this.channel = core;
    core.onMessage((text) => void this.answer(core, text));
    return page;
  }

  /** The connection as the page's screens read it, with a client over a new channel. */
  connection(generation = 1): KioskConnection {
    const client = createRpcClient<KioskApiTable, KioskEvents>(this.connect());
    return { api: client.api, client, state: 'connected', generation };
  }

  /** Pushes a core event to the page. */
  emit<K extends keyof KioskEvents & string>(event: K, payload: KioskEvents[K]): void {
    this.channel?.send(JSON.stringify({ event, payload }));
  }

  /** Drops the connection, as a core restart does. */
  drop(): void {
    this.channel?.close();
  }

  /** The requests of one method, by their params. */
  paramsOf(method: Method): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  private async answer(core: RpcChannel, text: string): Promise<void> {
    const frame = JSON.parse(text) as { id: number; method: string; params?: unknown };
    this.calls.push({ method: frame.method, params: frame.params });
    const handler = (this.handlers as Record<string, ((p: unknown) => unknown) | undefined>)[frame.method];
    const answer = (handler ? await handler(frame.params) : { error: 'unknown-method' }) as
      { value: unknown } | { error: ApiErrorCode; detail?: string };
    core.send(
      JSON.stringify(
        'error' in answer
          ? { id: frame.id, ok: false, error: apiError(answer.error, answer.detail) }
          : { id: frame.id, ok: true, value: answer.value ?? null },
      ),
    );
  }
}

/** Renders `ui` as the kiosk page does (languages, the on-screen keyboard) over a connection to `core`. */
export function renderWithCore(ui: ReactNode, core: FakeCore): RenderResult {
  return render(
    <I18nProvider>
      <KioskConnectionProvider value={core.connection()}>
        <KeyboardProvider>{ui}</KeyboardProvider>
      </KioskConnectionProvider>
    </I18nProvider>,
  );
}
