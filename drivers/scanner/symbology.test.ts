import { describe, expect, it } from 'vitest';
import { aimIdentifierFor, parseAimIdentifier, splitAimPrefix } from './symbology.js';

describe('AIM symbology identifiers', () => {
  it.each([
    [']Q1', 'QR'],
    [']Q3', 'GS1 QR'],
    [']C0', 'Code128'],
    [']C1', 'GS1-128'],
    [']E0', 'EAN-13'],
    [']E4', 'EAN-8'],
    [']A0', 'Code39'],
    [']d1', 'DataMatrix'],
    [']d2', 'GS1 DataMatrix'],
    [']L0', 'PDF417'],
    [']I1', 'ITF'],
    [']z0', 'Aztec'],
  ])('%s is %s', (id, name) => {
    expect(parseAimIdentifier(id)?.symbology).toBe(name);
  });

  it('rejects what is not an identifier', () => {
    expect(parseAimIdentifier('Q1]')).toBeNull();
    expect(parseAimIdentifier(']q1')).toBeNull(); // lower-case q is not a code character
    expect(parseAimIdentifier(']Q')).toBeNull();
    expect(parseAimIdentifier(']Q\u0000')).toBeNull();
    expect(parseAimIdentifier('\u0000\u0000\u0000')).toBeNull();
    expect(parseAimIdentifier(']__')).toBeNull();
    expect(parseAimIdentifier(']toString'.slice(0, 3))).toBeNull();
  });

  it('splits a prefix off text, leaving other text alone', () => {
    expect(splitAimPrefix(']Q1https://a.example/')).toEqual({ symbology: 'QR', text: 'https://a.example/' });
    expect(splitAimPrefix(']]]abc')).toEqual({ symbology: null, text: ']]]abc' });
    expect(splitAimPrefix('JW-20261129-000123')).toEqual({ symbology: null, text: 'JW-20261129-000123' });
  });

  it('maps names back to identifiers that parse to the same name', () => {
    for (const name of ['QR', 'Code128', 'EAN-13', 'EAN-8', 'GS1-128', 'DataMatrix', 'PDF417', 'Aztec']) {
      const id = aimIdentifierFor(name);
      expect(id).not.toBeNull();
      expect(parseAimIdentifier(id ?? '')?.symbology).toBe(name);
    }
    expect(aimIdentifierFor('qr')).toBe(']Q1');
    expect(aimIdentifierFor('NoSuchCode')).toBeNull();
  });
});
