import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateCatalog } from '../../../contract/catalog/schema.js';
import { promiseClocks } from './promise-clocks.js';

const parsed = validateCatalog(JSON.parse(readFileSync('resources/catalog/default-catalog.json', 'utf8')));
if (!parsed.ok) throw new Error('default catalog invalid');
const service = (id: string) => parsed.value.services.find((s) => s.id === id)!;

describe('promise clocks', () => {
  it('gives the mailbox’s three promises their due times from the acknowledgement', () => {
    const clocks = promiseClocks([service('chief-mailbox')], '2026-11-30T02:00:00.000Z');
    expect(clocks.map((c) => [c.kind, c.withinMinutes, c.dueAt, c.text.en])).toEqual([
      ['signed', 10, '2026-11-30T02:10:00.000Z', 'Signed for within 10 minutes'],
      ['answered', 30, '2026-11-30T02:30:00.000Z', 'Answered within 30 minutes'],
      ['first-feedback', 2880, '2026-12-02T02:00:00.000Z', 'First feedback within 48 hours'],
    ]);
  });

  it('gives no due time before the central system has it, nor to working-day promises', () => {
    expect(promiseClocks([service('chief-mailbox')], null).map((c) => c.dueAt)).toEqual([null, null, null]);
    const processed = promiseClocks([service('no-criminal-record')], '2026-11-30T02:00:00.000Z');
    expect(processed).toEqual([expect.objectContaining({ kind: 'processed', dueAt: null })]);
    expect(promiseClocks([service('household-certificate')], '2026-11-30T02:00:00.000Z')).toEqual([]);
  });
});
