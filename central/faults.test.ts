import { describe, expect, it } from 'vitest';
import { createFaultInjector, parseFaultSpec, seededRandom, type FaultKind } from './faults.js';

const info = { method: 'POST', path: '/v1/transactions:batch' };

describe('fault injection', () => {
  it('draws the same sequence for the same seed and a different one for another', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const seqA = Array.from({ length: 10 }, () => a());
    expect(Array.from({ length: 10 }, () => b())).toEqual(seqA);
    expect(Array.from({ length: 10 }, () => c())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('injects each kind at roughly its configured rate', () => {
    const inject = createFaultInjector({ rates: { '500': 0.2, reset: 0.1, timeout: 0.05 }, seed: 3 });
    const counts = new Map<FaultKind, number>();
    for (let i = 0; i < 4_000; i++) {
      const kind = inject(info).kind;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    expect((counts.get('500') ?? 0) / 4_000).toBeCloseTo(0.2, 1);
    expect((counts.get('reset') ?? 0) / 4_000).toBeCloseTo(0.1, 1);
    expect((counts.get('timeout') ?? 0) / 4_000).toBeCloseTo(0.05, 1);
    expect((counts.get('none') ?? 0) / 4_000).toBeCloseTo(0.65, 1);
    expect(counts.has('429')).toBe(false);
  });

  it('limits faults to configured path prefixes', () => {
    const inject = createFaultInjector({ rates: { '503': 1 }, paths: ['/v1/heartbeat'] });
    expect(inject(info).kind).toBe('none');
    expect(inject({ method: 'POST', path: '/v1/heartbeat' }).kind).toBe('503');
  });

  it('accepts a decision function and no setting at all', () => {
    expect(createFaultInjector(() => 'reset')(info).kind).toBe('reset');
    expect(createFaultInjector(undefined)(info).kind).toBe('none');
  });

  it('parses the CLI form and rejects nonsense', () => {
    expect(parseFaultSpec('500:0.1, 429:0.2,reset:0', 9)).toEqual({
      rates: { '500': 0.1, '429': 0.2, reset: 0 },
      seed: 9,
    });
    expect(parseFaultSpec('')).toEqual({ rates: {} });
    for (const bad of ['500', '500:x', 'none:0.1', '404:0.1', '500:-1', '500:2', '500:0.7,503:0.7']) {
      expect(() => parseFaultSpec(bad), bad).toThrow();
    }
  });
});
