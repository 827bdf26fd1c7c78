import { describe, expect, it } from 'vitest';
import {
  MAX_CODE_LENGTH,
  classifyCode,
  formatAppointmentCode,
  isAppointmentCode,
  isTransactionNumber,
  luhnCheckDigit,
  sanitizeScannedText,
} from './classify.js';

const HOSTS = { progressHosts: ['progress.police.example', 'localhost:8080'] };

describe('appointment codes', () => {
  it('round-trips formatAppointmentCode and rejects a wrong check digit', () => {
    const code = formatAppointmentCode('2026-11-29', 123);
    expect(code).toMatch(/^YY20261129000012\d\d$/);
    expect(code).toHaveLength(18);
    expect(isAppointmentCode(code)).toBe(true);
    const last = Number(code.at(-1));
    expect(isAppointmentCode(code.slice(0, -1) + String((last + 1) % 10))).toBe(false);
  });

  it('accepts the documented example and rejects it with another check digit', () => {
    expect(isAppointmentCode('YY2026112900001230')).toBe(true);
    expect(isAppointmentCode('YY2026112900001237')).toBe(false);
  });

  it('uses the Luhn check digit (known vector 7992739871 → 3)', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('catches a single-digit misread and an adjacent swap', () => {
    const code = formatAppointmentCode('20261129', 4567);
    const digits = code.slice(2);
    const misread = `YY${digits.slice(0, 10)}${(Number(digits[10]) + 1) % 10}${digits.slice(11)}`;
    expect(isAppointmentCode(misread)).toBe(false);
    const swapped = `YY${digits.slice(0, 12)}${digits[13]}${digits[12]}${digits.slice(14)}`;
    if (digits[12] !== digits[13]) expect(isAppointmentCode(swapped)).toBe(false);
  });

  it('rejects impossible dates and wrong lengths; refuses to format them', () => {
    expect(isAppointmentCode('YY2026023000001230')).toBe(false);
    expect(isAppointmentCode('YY20261129000012')).toBe(false);
    expect(() => formatAppointmentCode('2026-02-30', 1)).toThrow(RangeError);
    expect(() => formatAppointmentCode('2026-02-01', 10_000_000)).toThrow(RangeError);
  });

  it('classifies an appointment code, case-insensitive prefix, reference upper-cased', () => {
    const code = formatAppointmentCode('2026-12-01', 42);
    expect(classifyCode(code)).toMatchObject({ kind: 'appointment', reference: code });
    expect(classifyCode(code.toLowerCase())).toMatchObject({ kind: 'appointment', reference: code });
  });
});

describe('progress look-ups', () => {
  it('recognises a bare transaction number and rejects malformed ones', () => {
    expect(isTransactionNumber('JW-20261129-000123')).toBe(true);
    expect(isTransactionNumber('JW-20261332-000123')).toBe(false);
    expect(isTransactionNumber('JW-20261129-00123')).toBe(false);
    expect(isTransactionNumber('jw-20261129-000123')).toBe(false);
    expect(classifyCode('JW-20261129-000123')).toEqual({
      text: 'JW-20261129-000123',
      kind: 'progress',
      reference: 'JW-20261129-000123',
      truncated: false,
    });
  });

  it('recognises a progress URL only on a configured host', () => {
    expect(classifyCode('https://progress.police.example/progress/JW-20261129-000123', HOSTS)).toMatchObject({
      kind: 'progress',
      reference: 'JW-20261129-000123',
    });
    expect(
      classifyCode('HTTP://PROGRESS.POLICE.EXAMPLE/progress/JW-20261129-000123/?src=receipt', HOSTS),
    ).toMatchObject({
      kind: 'progress',
      reference: 'JW-20261129-000123',
    });
    expect(classifyCode('http://localhost:8080/progress/JW-20261129-000123', HOSTS).kind).toBe('progress');
    // Same path on another host is just a URL (someone else's QR code must not pose as a receipt).
    expect(classifyCode('https://evil.example/progress/JW-20261129-000123', HOSTS)).toMatchObject({
      kind: 'url',
    });
    expect(classifyCode('http://localhost:9999/progress/JW-20261129-000123', HOSTS).kind).toBe('url');
    expect(classifyCode('https://progress.police.example/progress/JW-2026-1', HOSTS).kind).toBe('url');
    expect(classifyCode('https://progress.police.example/progress/JW-20261129-000123').kind).toBe('url');
  });
});

describe('URLs and hostile input', () => {
  it('accepts http and https URLs and normalises the reference', () => {
    expect(classifyCode('https://www.gov.cn/zhengce')).toMatchObject({
      kind: 'url',
      reference: 'https://www.gov.cn/zhengce',
    });
    expect(classifyCode('HTTPS://Example.COM')).toMatchObject({
      kind: 'url',
      reference: 'https://example.com/',
    });
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://example.com/x',
    'https://gov.cn@evil.example/',
    'https://user:pass@example.com/',
    'https://exa mple.com/',
    'https://',
    'http:/example.com',
    '//example.com/x',
    'hello world',
    '12345',
  ])('classifies %j as unknown', (input) => {
    const c = classifyCode(input);
    expect(c.kind).toBe('unknown');
    expect(c.reference).toBeNull();
  });

  it('strips control and bidi characters before classifying', () => {
    expect(classifyCode('\u0002JW-20261129-000123\u0003\r\n')).toMatchObject({
      kind: 'progress',
      text: 'JW-20261129-000123',
    });
    expect(classifyCode('java\u0000script:alert(1)').kind).toBe('unknown');
    expect(sanitizeScannedText('ab\u202ecd\u2066e\u001bf\u009bg\ufeff').text).toBe('abcdefg');
    // An escape sequence cannot smuggle a terminal control: ESC is stripped.
    expect(sanitizeScannedText('\u001b[31mred').text).toBe('[31mred');
  });

  it('replaces lone surrogates and keeps paired ones', () => {
    expect(sanitizeScannedText('a\ud800b').text).toBe('a\ufffdb');
    expect(sanitizeScannedText('😀').text).toBe('😀');
  });

  it('bounds the length: overlong input is truncated and unknown', () => {
    const long = 'https://example.com/' + 'a'.repeat(MAX_CODE_LENGTH);
    const c = classifyCode(long);
    expect(c).toMatchObject({ kind: 'unknown', truncated: true, reference: null });
    expect(c.text).toHaveLength(MAX_CODE_LENGTH);
    const huge = classifyCode('x'.repeat(10_000_000));
    expect(huge.text).toHaveLength(MAX_CODE_LENGTH);
    expect(huge.truncated).toBe(true);
  });

  it('never throws, whatever it is given', () => {
    const inputs: unknown[] = [
      undefined,
      null,
      42,
      {},
      [],
      Symbol('x'),
      '',
      '   ',
      '\u0000\u0001',
      ']Q1',
      '%',
      'http://[::1',
      'https://a/%zz',
    ];
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const n = (i * 7919) % 64;
      for (let j = 0; j < n; j++) s += String.fromCharCode((i * 31 + j * 977) % 0x10000);
      inputs.push(s);
    }
    for (const input of inputs) {
      const c = classifyCode(input, HOSTS);
      expect(['appointment', 'progress', 'url', 'unknown']).toContain(c.kind);
      expect(typeof c.text).toBe('string');
    }
    expect(classifyCode(undefined)).toEqual({ text: '', kind: 'unknown', reference: null, truncated: false });
  });
});
