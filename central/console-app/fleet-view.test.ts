import { describe, expect, it } from 'vitest';
import type { FleetKiosk } from '../../contract/central-api.js';
import { faultsOf, fleetGroups, isStale, kioskGroupFilter, kioskIdFilter, NO_GROUP } from './fleet-view.js';

function kiosk(overrides: Partial<FleetKiosk>): FleetKiosk {
  return {
    kioskId: 'bj-dc-01',
    lastHeartbeatAt: null,
    appVersion: null,
    catalogVersion: null,
    devices: null,
    outbox: null,
    lastCatalogRejection: null,
    kioskGroups: null,
    health: null,
    transactions: 0,
    ...overrides,
  };
}

describe('fleet page rules', () => {
  const now = Date.parse('2026-12-01T08:00:00Z');
  it('calls a kiosk stale past twice the heartbeat period, or never heard from', () => {
    expect(isStale(kiosk({ lastHeartbeatAt: '2026-12-01T07:58:00Z' }), now, 120_000)).toBe(false);
    expect(isStale(kiosk({ lastHeartbeatAt: '2026-12-01T07:57:59Z' }), now, 120_000)).toBe(true);
    expect(isStale(kiosk({ lastHeartbeatAt: null }), now, 120_000)).toBe(true);
  });

  it('lists the devices that are not ready, with their codes', () => {
    const devices = {
      idcard: { state: 'ready' },
      printer: { state: 'error', code: 'paper-out' },
      scanner: { state: 'absent' },
    };
    expect(faultsOf(kiosk({ devices }))).toEqual(['printer: error (paper-out)', 'scanner: absent']);
    expect(faultsOf(kiosk({ devices: null }))).toEqual([]);
  });

  it('filters by kiosk id prefix, case-insensitively; empty shows all', () => {
    const ids = ['bj-dc-01', 'BJ-HD-02', 'sh-pd-01'].map((kioskId) => kiosk({ kioskId }));
    expect(ids.filter(kioskIdFilter('bj-')).map((k) => k.kioskId)).toEqual(['bj-dc-01', 'BJ-HD-02']);
    expect(ids.filter(kioskIdFilter(' ')).length).toBe(3);
  });

  it('filters by the groups the kiosks report; kiosks in no group have their own choice', () => {
    const fleet = [
      kiosk({ kioskId: 'a', kioskGroups: ['hk-macao-zone'] }),
      kiosk({ kioskId: 'b', kioskGroups: ['airport', 'hk-macao-zone'] }),
      kiosk({ kioskId: 'c', kioskGroups: [] }),
      kiosk({ kioskId: 'd', kioskGroups: null }),
    ];
    const ids = (group: string): string[] => fleet.filter(kioskGroupFilter(group)).map((k) => k.kioskId);
    expect(fleetGroups(fleet)).toEqual(['airport', 'hk-macao-zone']);
    expect(ids('hk-macao-zone')).toEqual(['a', 'b']);
    expect(ids('airport')).toEqual(['b']);
    expect(ids(NO_GROUP)).toEqual(['c', 'd']);
    expect(ids('')).toEqual(['a', 'b', 'c', 'd']);
  });
});
