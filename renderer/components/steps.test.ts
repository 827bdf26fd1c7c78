import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../test/fixtures/catalog/helpers.js';
import { choiceNeedsIdentity, stageIndex, visitStages } from './steps.js';

const catalog = defaultCatalog();

describe('the steps of a visit', () => {
  it('shows identification and its check only when a chosen service needs a card', () => {
    expect(visitStages(true)).toEqual(['choose', 'identify', 'confirm', 'form', 'done']);
    expect(visitStages(false)).toEqual(['choose', 'form', 'done']);
  });

  it('marks the core step, and a left-out step as the next one shown', () => {
    const full = visitStages(true);
    expect(stageIndex(full, 'choose')).toBe(0);
    expect(stageIndex(full, 'confirm')).toBe(2);
    expect(stageIndex(full, 'done')).toBe(4);
    const short = visitStages(false);
    expect(stageIndex(short, 'confirm')).toBe(1);
    expect(stageIndex(short, 'form')).toBe(1);
  });

  it('tells from the choice whether a card will be needed', () => {
    const noCard = { ...catalog.services[0]!, id: 'info', identity: 'none' as const };
    const withInfo = { ...catalog, services: [...catalog.services, noCard] };
    expect(choiceNeedsIdentity(withInfo, [])).toBe(true);
    expect(choiceNeedsIdentity(withInfo, ['info'])).toBe(false);
    expect(choiceNeedsIdentity(withInfo, ['info', 'household-certificate'])).toBe(true);
  });
});
