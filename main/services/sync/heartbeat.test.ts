import { describe, expect, it } from 'vitest';
import type { HeartbeatRequest, HeartbeatResponse } from '../../../contract/central-api.js';
import type { CentralResult } from '../central/client.js';
import { Heartbeat } from './heartbeat.js';

/** What a heartbeat tells the central system about the kiosk's groups and catalog. */
describe('Heartbeat', () => {
  it('names the kiosk groups (group ids only) and the last catalog refused with its reason code', async () => {
    const sent: Omit<HeartbeatRequest, 'kioskId'>[] = [];
    const heartbeat = new Heartbeat({
      client: {
        heartbeat: async (body): Promise<CentralResult<HeartbeatResponse>> => {
          sent.push(body);
          return { ok: true, value: { serverTime: new Date().toISOString(), catalog: null } };
        },
      },
      appVersion: '1.2.3',
      devices: () => ({}),
      catalogVersion: () => 4,
      outbox: async () => ({ depth: 0, oldestAgeMs: null }),
      lastCatalogRejection: () => ({ version: 5, reason: 'audience: other kiosks', code: 'audience' }),
      kioskGroups: ['hk-macao-zone', 'Not A Group', 'airport'],
    });
    expect(await heartbeat.beat()).not.toBeNull();
    expect(sent[0]).toMatchObject({
      catalogVersion: 4,
      kioskGroups: ['hk-macao-zone', 'airport'],
      lastCatalogRejection: { version: 5, reason: 'audience: other kiosks', code: 'audience' },
    });
  });
});
