import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodePayload } from './encoding.js';

const gb = (text: string): Uint8Array => Uint8Array.from(iconv.encode(text, 'gb18030'));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodePayload', () => {
  it('takes valid UTF-8 as UTF-8 (ASCII included)', () => {
    expect(decodePayload(utf8('深圳市公安局 https://a.example/'))).toEqual({
      ok: true,
      value: { text: '深圳市公安局 https://a.example/', encoding: 'utf-8' },
    });
    expect(decodePayload(utf8('ABC123'))).toMatchObject({ ok: true, value: { encoding: 'utf-8' } });
  });

  it('detects GB18030 when the bytes are not UTF-8, including four-byte sequences', () => {
    for (const text of ['姓名：张三 住址：广东省深圳市福田区', '𠀀 (four bytes in GB18030)', '€ ㄅ']) {
      const r = decodePayload(gb(text));
      expect(r).toEqual({ ok: true, value: { text, encoding: 'gb18030' } });
    }
  });

  it('decodes as configured, refusing what that encoding cannot decode', () => {
    expect(decodePayload(gb('张三'), 'gb18030')).toMatchObject({ ok: true, value: { text: '张三' } });
    expect(decodePayload(gb('张三'), 'utf-8')).toMatchObject({
      ok: false,
      error: { code: 'scanner-bad-encoding', recovery: 'check-configuration' },
    });
    // UTF-8 bytes of 张三 read as GB18030 are valid but wrong: configured means configured.
    expect(decodePayload(utf8('张三'), 'gb18030')).toMatchObject({
      ok: true,
      value: { encoding: 'gb18030' },
    });
  });

  it('never yields U+FFFD for bytes that are neither: a typed error instead', () => {
    const junk = Uint8Array.of(0x41, 0xff, 0xfe, 0x80, 0xff);
    const r = decodePayload(junk);
    expect(r).toMatchObject({ ok: false, error: { code: 'scanner-bad-encoding' } });
    // A code that really holds U+FFFD (valid UTF-8 for it) is passed through: it is data, not a decoding loss.
    expect(decodePayload(utf8('a\ufffdb'))).toMatchObject({ ok: true, value: { text: 'a\ufffdb' } });
  });
});
