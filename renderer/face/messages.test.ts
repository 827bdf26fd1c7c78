import { describe, expect, it } from 'vitest';
import { QUALITY_PROBLEMS } from '../../main/services/face/policy.js';
import { PHOTO_PROBLEMS } from '../../main/services/face/photo.js';
import { CHALLENGES } from './liveness.js';
import { FACE_TEXT_TABLE, faceText } from './messages.js';

describe('face check texts', () => {
  it('has every text in all three languages, none empty, Traditional in zh-HK', () => {
    const keys = Object.keys(FACE_TEXT_TABLE['zh-CN']).sort();
    for (const locale of ['zh-HK', 'en'] as const) {
      expect(Object.keys(FACE_TEXT_TABLE[locale]).sort()).toEqual(keys);
      for (const key of keys) expect(FACE_TEXT_TABLE[locale][key as never], key).not.toBe('');
    }
    // Simplified characters the Hong Kong texts must not use.
    expect(Object.values(FACE_TEXT_TABLE['zh-HK']).join('')).not.toMatch(/[验证员这将时请脸续试]/);
  });

  it('guides every quality problem and says every challenge', () => {
    for (const problem of QUALITY_PROBLEMS)
      expect(FACE_TEXT_TABLE.en).toHaveProperty([`face.guide.${problem}`]);
    for (const challenge of CHALLENGES)
      expect(FACE_TEXT_TABLE.en).toHaveProperty([`face.challenge.${challenge}`]);
  });

  it('guides every certificate photo problem', () => {
    for (const problem of PHOTO_PROBLEMS)
      expect(FACE_TEXT_TABLE.en).toHaveProperty([`photo.guide.${problem}`]);
  });

  it('fills placeholders', () => {
    expect(faceText('en', 'face.retry', { attempts: 1, max: 3 })).toBe(
      'The check did not succeed (try 1 of 3).',
    );
    expect(faceText('zh-HK', 'face.retry', { attempts: 2, max: 3 })).toBe(
      '未能核驗成功（第 2 次，共 3 次）。',
    );
  });
});
