import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channelPair } from './channel.js';
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
    client.on('tick', (n) => ticks.push(n));
    server.broadcast('tick', 7);
    await new Promise((r) => setTimeout(r, 10));
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
