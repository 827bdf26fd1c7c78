import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  REPLACED_CLOSE,
  SESSION_REPLACED_EVENT,
  channelPair,
  type CloseReason,
  type RpcChannel,
} from './channel.js';
import { method } from './define.js';
import { MAX_REQUEST_BYTES, apiError } from './protocol.js';
import { createRpcClient } from './rpc-client.js';
import { RpcServer } from './rpc-server.js';

const table = {
  'math.add': method(z.object({ a: z.number(), b: z.number() }).strict(), async ({ a, b }) => ({
    ok: true as const,
    value: a + b,
  })),
  'math.fail': method(z.undefined().optional(), async () => ({
    ok: false as const,
    error: apiError('not-found'),
  })),
  'math.crash': method(z.undefined().optional(), async (): Promise<{ ok: true; value: number }> => {
    throw new Error('secret stack detail at /home/x.ts:1');
  }),
};

describe('RpcServer', () => {
  const ctx = { connectionId: 1 };

  it('answers a valid call', async () => {
    const server = new RpcServer(table);
    expect(
      await server.handle(JSON.stringify({ id: 1, method: 'math.add', params: { a: 2, b: 3 } }), ctx),
    ).toEqual({
      id: 1,
      ok: true,
      value: 5,
    });
  });

  it('turns malformed JSON, a bad frame, an unknown method and wrong params into typed errors', async () => {
    const server = new RpcServer(table);
    expect(await server.handle('{not json', ctx)).toMatchObject({
      id: null,
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await server.handle('[1,2]', ctx)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await server.handle(JSON.stringify({ id: 4, method: 7 }), ctx)).toMatchObject({
      id: 4,
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await server.handle(JSON.stringify({ id: 2, method: 'math.nope' }), ctx)).toMatchObject({
      id: 2,
      error: { code: 'unknown-method', messageKey: 'errors.unknown-method' },
    });
    // Prototype keys are not methods.
    expect(await server.handle(JSON.stringify({ id: 3, method: 'constructor' }), ctx)).toMatchObject({
      error: { code: 'unknown-method' },
    });
    const wrong = await server.handle(
      JSON.stringify({ id: 5, method: 'math.add', params: { a: '2', b: 3 } }),
      ctx,
    );
    expect(wrong).toMatchObject({ id: 5, ok: false, error: { code: 'invalid-params' } });
    expect(wrong.ok === false && wrong.error.detail).toContain('a');
    expect(
      await server.handle(
        JSON.stringify({ id: 6, method: 'math.add', params: { a: 1, b: 2, extra: true } }),
        ctx,
      ),
    ).toMatchObject({ error: { code: 'invalid-params' } });
  });

  it('refuses oversized requests before parsing them', async () => {
    const server = new RpcServer(table);
    const huge = JSON.stringify({
      id: 1,
      method: 'math.add',
      params: { a: 1, b: 2, pad: 'x'.repeat(MAX_REQUEST_BYTES) },
    });
    expect(await server.handle(huge, ctx)).toMatchObject({ ok: false, error: { code: 'too-large' } });
  });

  it('passes typed domain errors through and hides thrown errors behind `internal`', async () => {
    const logged: string[] = [];
    const server = new RpcServer(table, (event) => logged.push(event));
    expect(await server.handle(JSON.stringify({ id: 1, method: 'math.fail' }), ctx)).toEqual({
      id: 1,
      ok: false,
      error: { code: 'not-found', messageKey: 'errors.not-found' },
    });
    const crashed = await server.handle(JSON.stringify({ id: 2, method: 'math.crash' }), ctx);
    expect(crashed).toEqual({ id: 2, ok: false, error: { code: 'internal', messageKey: 'errors.internal' } });
    expect(JSON.stringify(crashed)).not.toContain('secret');
    expect(logged).toContain('rpc.handler-failed');
  });

  it('serves a typed client over a channel and broadcasts events', async () => {
    const server = new RpcServer(table);
    const [coreEnd, rendererEnd] = channelPair();
    server.connect(coreEnd);
    const client = createRpcClient<typeof table, { tick: number }>(rendererEnd);
    expect(await client.api['math.add']({ a: 20, b: 22 })).toEqual({ ok: true, value: 42 });
    const ticks: number[] = [];
    const ticked = new Promise<void>((resolve) => client.on('tick', (n) => (ticks.push(n), resolve())));
    server.broadcast('tick', 7);
    await ticked;
    expect(ticks).toEqual([7]);
    expect(server.connectionCount).toBe(1);
    rendererEnd.close();
    expect(server.connectionCount).toBe(0);
    // A call on a closed channel resolves to a typed error rather than hanging or throwing.
    expect(await client.api['math.add']({ a: 1, b: 1 })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });
});

/** Resolves when `predicate` holds, checked on every frame; rejects after a deadline. */
function waitFor(check: () => boolean, what: string, ms = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = (): void => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** A channel end that records what it receives and how it was closed. */
function recorded(channel: RpcChannel): {
  frames: Record<string, unknown>[];
  closedWith: () => CloseReason | 'closed' | null;
} {
  const frames: Record<string, unknown>[] = [];
  let closedWith: CloseReason | 'closed' | null = null;
  channel.onMessage((text) => frames.push(JSON.parse(text) as Record<string, unknown>));
  channel.onClose(() => {
    closedWith ??= 'closed';
  });
  return { frames, closedWith: () => closedWith };
}

describe('RpcServer: one renderer session', () => {
  it('a newer connection replaces the older, which is told, closed with 4001 and gets nothing more', async () => {
    const server = new RpcServer(table);
    const [firstCore, firstRenderer] = channelPair();
    // What the core sends and how it closes, seen at the core's end (channelPair carries no close codes).
    const sentToFirst: unknown[] = [];
    const reasons: (CloseReason | undefined)[] = [];
    const sendFirst = firstCore.send.bind(firstCore);
    const closeFirst = firstCore.close.bind(firstCore);
    firstCore.send = (text: string): void => {
      sentToFirst.push(JSON.parse(text));
      sendFirst(text);
    };
    firstCore.close = (reason?: CloseReason): void => {
      reasons.push(reason);
      closeFirst(reason);
    };
    const first = recorded(firstRenderer);
    server.connect(firstCore);
    server.broadcast('tick', 1);
    await waitFor(() => first.frames.length === 1, 'the first event');

    const [secondCore, secondRenderer] = channelPair();
    const second = recorded(secondRenderer);
    server.connect(secondCore);
    expect(reasons).toEqual([REPLACED_CLOSE]);
    expect(REPLACED_CLOSE.code).toBe(4001);
    expect(first.closedWith()).not.toBeNull();
    expect(server.connectionCount).toBe(1);

    server.broadcast('tick', 2);
    await waitFor(() => second.frames.length === 1, 'the second event');
    expect(second.frames).toEqual([{ event: 'tick', payload: 2 }]);
    // The first got its own event, then the notice that it was replaced — nothing of what followed.
    expect(sentToFirst).toEqual([
      { event: 'tick', payload: 1 },
      { event: SESSION_REPLACED_EVENT, payload: { reason: REPLACED_CLOSE.reason } },
    ]);
    expect(first.frames).toEqual([{ event: 'tick', payload: 1 }]);
  });

  it('sends a replaced session no answers to the calls it had running', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = 0;
    const slow = {
      'slow.wait': method(z.undefined().optional(), async () => {
        entered += 1;
        await gate;
        return { ok: true as const, value: 'late' };
      }),
    };
    const server = new RpcServer(slow);
    const [firstCore, firstRenderer] = channelPair();
    const first = recorded(firstRenderer);
    server.connect(firstCore);
    firstRenderer.send(JSON.stringify({ id: 1, method: 'slow.wait' }));
    await waitFor(() => entered === 1, 'the first call to run');
    const [secondCore, secondRenderer] = channelPair();
    server.connect(secondCore);
    const second = createRpcClient<typeof slow, Record<string, never>>(secondRenderer);
    release();
    expect(await second.api['slow.wait']()).toEqual({ ok: true, value: 'late' });
    expect(first.frames.filter((f) => 'id' in f)).toEqual([]);
  });
});

describe('RpcServer: in-flight cap', () => {
  it('answers calls beyond the cap with a typed busy error at once, and serves again once they answer', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = {
      'slow.wait': method(z.undefined().optional(), async () => {
        await gate;
        return { ok: true as const, value: 'done' };
      }),
    };
    const logged: string[] = [];
    const server = new RpcServer(slow, (event) => logged.push(event), { maxInFlight: 2 });
    const [coreEnd, rendererEnd] = channelPair();
    server.connect(coreEnd);
    // A short client deadline: a server without the cap would leave the third call waiting on the gate.
    const client = createRpcClient<typeof slow, Record<string, never>>(rendererEnd, { timeoutMs: 5000 });
    const running = [client.api['slow.wait'](), client.api['slow.wait']()];
    // The third is refused while two are running — answered, not queued, and with its own id.
    expect(await client.api['slow.wait']()).toMatchObject({
      ok: false,
      error: { code: 'busy', messageKey: 'errors.busy' },
    });
    expect(logged).toContain('rpc.busy');
    release();
    expect(await Promise.all(running)).toEqual([
      { ok: true, value: 'done' },
      { ok: true, value: 'done' },
    ]);
    expect(await client.api['slow.wait']()).toEqual({ ok: true, value: 'done' });
  });
});
