import { describe, expect, it } from 'vitest';
import { FaceConfigError, faceThresholdsFromEnv } from './config.js';
import { DEFAULT_FACE_THRESHOLDS } from './policy.js';

describe('faceThresholdsFromEnv', () => {
  it('uses the calibrated defaults when nothing is set', () => {
    expect(faceThresholdsFromEnv({})).toEqual(DEFAULT_FACE_THRESHOLDS);
    expect(faceThresholdsFromEnv({ BOOTH_FACE_MATCH: ' ' })).toEqual(DEFAULT_FACE_THRESHOLDS);
  });

  it('reads both variables', () => {
    expect(faceThresholdsFromEnv({ BOOTH_FACE_MATCH: '0.7', BOOTH_FACE_NO_MATCH: '0.4' })).toEqual({
      match: 0.7,
      noMatch: 0.4,
    });
  });

  it('names the variable of a value that is not a number from 0 to 1', () => {
    expect(() => faceThresholdsFromEnv({ BOOTH_FACE_MATCH: '1.5' })).toThrow(/BOOTH_FACE_MATCH='1.5'/);
    expect(() => faceThresholdsFromEnv({ BOOTH_FACE_NO_MATCH: 'high' })).toThrow(FaceConfigError);
  });

  it('refuses a no-match threshold at or above the match threshold', () => {
    expect(() => faceThresholdsFromEnv({ BOOTH_FACE_MATCH: '0.5', BOOTH_FACE_NO_MATCH: '0.5' })).toThrow(
      /BOOTH_FACE_NO_MATCH \(0.5\) must be below BOOTH_FACE_MATCH \(0.5\)/,
    );
  });
});
