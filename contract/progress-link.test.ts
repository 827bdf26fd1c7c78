import { describe, expect, it } from 'vitest';
import { encodeProgressKey, parseProgressLinkKey, PROGRESS_KEY_PATTERN } from './progress-link.js';

const KEY = '7ZZZZZZZZZZZZZZZZZZZZZZZZZ';

describe('progress link key', () => {
  it('says how many bytes a key takes when given the wrong number', () => {
    expect(() => encodeProgressKey(new Uint8Array(15))).toThrow('a progress key is 16 bytes');
  });

  it('the pattern the upload contract checks matches a whole key, nothing before or after it', () => {
    expect(PROGRESS_KEY_PATTERN.test(KEY)).toBe(true);
    expect(PROGRESS_KEY_PATTERN.test(`x${KEY}`)).toBe(false);
    expect(PROGRESS_KEY_PATTERN.test(`${KEY}x`)).toBe(false);
  });

  it('refuses a presented key of the wrong length even when upper-casing would make it 26 characters', () => {
    // "ß" upper-cases to "SS": 25 characters presented must not become a different, valid 26-character key.
    const presented = `0ß${'0'.repeat(23)}`;
    expect(presented).toHaveLength(25);
    expect(parseProgressLinkKey(presented)).toBeNull();
  });
});
