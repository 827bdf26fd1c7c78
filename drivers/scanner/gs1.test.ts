import { describe, expect, it } from 'vitest';
import { GS, formatGs1, gs1Date, gs1ElementsOf, parseGs1ElementString, toGs1ElementString } from './gs1.js';

const now = new Date('2026-06-01T00:00:00Z');
const values = (text: string): [string, string][] => {
  const r = parseGs1ElementString(text, now);
  if (!r.ok) throw new Error(r.reason);
  return r.elements.map((e) => [e.ai, e.value]);
};

describe('parseGs1ElementString', () => {
  it('ends a variable-length field at GS, so the AI after a lot number stays an AI', () => {
    expect(values(`0109506000134352` + `10ABC123${GS}17261231`)).toEqual([
      ['01', '09506000134352'],
      ['10', 'ABC123'],
      ['17', '261231'],
    ]);
  });

  it('reads predefined-length fields without separators, and tolerates a redundant GS after them', () => {
    expect(values(`010950600013435217261231${GS}21SN-0042`)).toEqual([
      ['01', '09506000134352'],
      ['17', '261231'],
      ['21', 'SN-0042'],
    ]);
  });

  it('skips a leading GS (FNC1 in first position, sent by some scanners)', () => {
    expect(values(`${GS}00123456789012345675`)).toEqual([['00', '123456789012345675']]);
  });

  it('names the common AIs and decodes dates and measures', () => {
    const r = parseGs1ElementString(`0109506000134352112601151726123010LOT7${GS}3103001250${GS}2112`, now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.elements).toEqual([
      { ai: '01', title: 'GTIN', value: '09506000134352' },
      { ai: '11', title: 'PROD DATE', value: '260115', date: '2026-01-15' },
      { ai: '17', title: 'USE BY OR EXPIRY', value: '261230', date: '2026-12-30' },
      { ai: '10', title: 'BATCH/LOT', value: 'LOT7' },
      { ai: '3103', title: 'NET WEIGHT (kg)', value: '001250', decimal: '1.250' },
      { ai: '21', title: 'SERIAL', value: '12' },
    ]);
  });

  it('reads the human-readable form with parentheses', () => {
    expect(values('(01)09506000134352(17)261231(10)ABC123')).toEqual([
      ['01', '09506000134352'],
      ['17', '261231'],
      ['10', 'ABC123'],
    ]);
    expect(formatGs1(parseGs1ElementString(`0109506000134352` + `10ABC123${GS}17261231`).elements)).toBe(
      '(01)09506000134352(10)ABC123(17)261231',
    );
  });

  it('keeps AIs it does not name, with their predefined or GS-ended length', () => {
    const r = parseGs1ElementString(`9112345${GS}70032612312359${GS}0312345678901234` + `99free-text`, now);
    expect(r.ok && r.elements.map((e) => [e.ai, e.title, e.value])).toEqual([
      ['91', 'INTERNAL', '12345'],
      ['7003', 'EXPIRY TIME', '2612312359'],
      ['03', null, '12345678901234'],
      ['99', 'INTERNAL', 'free-text'],
    ]);
  });

  it('refuses what is not an element string, saying why, and never throws', () => {
    for (const [input, reason] of [
      ['', /empty/],
      ['01123', /needs 14/],
      ['10' + 'A'.repeat(21), /allows 20/],
      ['17ABCDEF', /digits/],
      ['https://example.org/', /no AI/],
      [`10${GS}17261231`, /no data/],
      ['(01)123', /needs 14/],
      ['(01)09506000134352(', /pairs/],
    ] as const) {
      const r = parseGs1ElementString(input, now);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
    expect(() => parseGs1ElementString(undefined as unknown as string)).not.toThrow();
  });
});

describe('toGs1ElementString', () => {
  it('puts GS only after variable-length fields that are not last, and round-trips', () => {
    const elements = [
      { ai: '01', value: '09506000134352' },
      { ai: '10', value: 'ABC123' },
      { ai: '17', value: '261231' },
      { ai: '21', value: 'X1' },
    ];
    const text = toGs1ElementString(elements);
    expect(text).toBe(`0109506000134352` + `10ABC123${GS}17261231` + `21X1`);
    expect(values(text)).toEqual(elements.map((e) => [e.ai, e.value]));
  });
});

describe('gs1Date', () => {
  it('uses the sliding century window and DD 00 as the last day', () => {
    expect(gs1Date('260200', now)).toBe('2026-02-28');
    expect(gs1Date('240200', now)).toBe('2024-02-29');
    expect(gs1Date('991231', now)).toBe('1999-12-31');
    expect(gs1Date('751231', now)).toBe('2075-12-31');
    expect(gs1Date('261331', now)).toBeNull();
    expect(gs1Date('260231', now)).toBeNull();
  });
});

describe('gs1ElementsOf', () => {
  it('parses GS1 symbologies and codes that hold GS, and leaves other codes alone', () => {
    expect(gs1ElementsOf('0109506000134352', 'GS1 DataMatrix')?.[0]?.ai).toBe('01');
    expect(gs1ElementsOf(`10ABC${GS}17261231`, null)?.map((e) => e.ai)).toEqual(['10', '17']);
    expect(gs1ElementsOf('0109506000134352', 'QR')).toBeNull();
    expect(gs1ElementsOf('https://example.org/', 'GS1 QR')).toBeNull();
  });
});
