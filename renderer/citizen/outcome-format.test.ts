import { describe, expect, it } from 'vitest';
import { formatCardDate, formatMoment } from './outcome-format.js';

const zh = { today: '今天', tomorrow: '明天' };
const en = { today: 'today', tomorrow: 'tomorrow' };

describe('outcome screen dates', () => {
  it('says a card date in the kiosk language, never as mm/dd/yyyy', () => {
    expect(formatCardDate('2024-01-01', 'zh-CN')).toBe('2024年1月1日');
    expect(formatCardDate('2024-01-01', 'zh-HK')).toBe('2024年1月1日');
    expect(formatCardDate('2024-01-01', 'en')).toBe('1 January 2024');
    expect(formatCardDate('garbage', 'en')).toBe('garbage');
  });

  it('says a due time in the kiosk clock, 24-hour, as today, tomorrow or a date', () => {
    const now = new Date(2026, 10, 30, 19, 20);
    expect(formatMoment(new Date(2026, 10, 30, 19, 30).toISOString(), 'zh-CN', zh, now)).toBe('今天 19:30');
    expect(formatMoment(new Date(2026, 11, 1, 7, 5).toISOString(), 'en', en, now)).toBe('tomorrow 07:05');
    expect(formatMoment(new Date(2026, 11, 2, 19, 20).toISOString(), 'en', en, now)).toBe(
      '2 December 2026 19:20',
    );
    expect(formatMoment(new Date(2026, 11, 2, 19, 20).toISOString(), 'zh-HK', zh, now)).toBe(
      '2026年12月2日 19:20',
    );
  });
});
