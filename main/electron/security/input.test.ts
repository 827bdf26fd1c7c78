import { describe, expect, it } from 'vitest';
import { shouldBlockInput, type KeyInput } from './input.js';

function key(k: string, mods: Partial<KeyInput> = {}): KeyInput {
  return { type: 'keyDown', key: k, control: false, meta: false, shift: false, alt: false, ...mods };
}

describe('kiosk input filter', () => {
  it('blocks zoom shortcuts in every mode', () => {
    for (const production of [true, false]) {
      expect(shouldBlockInput(key('+', { control: true }), production)).toBe(true);
      expect(shouldBlockInput(key('-', { control: true }), production)).toBe(true);
      expect(shouldBlockInput(key('0', { control: true }), production)).toBe(true);
      expect(shouldBlockInput(key('=', { meta: true }), production)).toBe(true);
      expect(shouldBlockInput(key('x', { control: true, code: 'NumpadAdd' }), production)).toBe(true);
    }
  });

  it('blocks devtools, reload and window shortcuts in production only', () => {
    const devShortcuts = [
      key('F12'),
      key('I', { control: true, shift: true }),
      key('J', { control: true, shift: true }),
      key('r', { control: true }),
      key('R', { control: true, shift: true }),
      key('F5'),
      key('F4', { alt: true }),
      key('w', { control: true }),
      key('p', { control: true }),
    ];
    for (const input of devShortcuts) {
      expect(shouldBlockInput(input, true)).toBe(true);
      expect(shouldBlockInput(input, false)).toBe(false);
    }
  });

  it('lets ordinary typing through, and ignores key-up', () => {
    for (const k of ['a', 'A', '0', 'Enter', 'Backspace', 'Tab', ' ']) {
      expect(shouldBlockInput(key(k), true)).toBe(false);
    }
    expect(shouldBlockInput(key('a', { shift: true }), true)).toBe(false);
    expect(shouldBlockInput({ ...key('F12'), type: 'keyUp' }, true)).toBe(false);
  });
});
