import { describe, expect, it } from 'vitest';
import { LineFramer, type LineFrame } from './line-framer.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const lines = (frames: LineFrame[]): string[] =>
  frames.map((f) => (f.type === 'line' ? dec.decode(f.bytes) : `<overlong ${f.limit}>`));

describe('LineFramer', () => {
  it('splits CR, CR LF and bare LF terminated lines, skipping empty ones', () => {
    const f = new LineFramer();
    expect(lines(f.push(enc.encode('one\rtwo\r\nthree\n\r\n\rfour\r')))).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
    expect(f.pendingBytes).toBe(0);
  });

  it('reassembles lines split across chunks, including a CR LF split between chunks', () => {
    const f = new LineFramer();
    const out: LineFrame[] = [];
    for (const part of ['JW-2026', '1129-000', '123\r', '\nsecond', '\r'])
      out.push(...f.push(enc.encode(part)));
    expect(lines(out)).toEqual(['JW-20261129-000123', 'second']);
  });

  it('feeding byte by byte gives the same lines as one chunk', () => {
    const text = 'a\r\nbb\rccc\ndddd\r\n';
    const whole = lines(new LineFramer().push(enc.encode(text)));
    const f = new LineFramer();
    const bytewise: LineFrame[] = [];
    for (const b of enc.encode(text)) bytewise.push(...f.push(Uint8Array.of(b)));
    expect(lines(bytewise)).toEqual(whole);
    expect(whole).toEqual(['a', 'bb', 'ccc', 'dddd']);
  });

  it('reports an overlong line once, drops it up to its terminator, then resyncs', () => {
    const f = new LineFramer(8);
    const out = [...f.push(enc.encode('123456789012')), ...f.push(enc.encode('3456\r\nnext\r'))];
    expect(lines(out)).toEqual(['<overlong 8>', 'next']);
  });

  it('accepts a line of exactly the limit', () => {
    expect(lines(new LineFramer(4).push(enc.encode('abcd\r')))).toEqual(['abcd']);
  });

  it('reset drops the partial line and reports its size', () => {
    const f = new LineFramer();
    f.push(enc.encode('partial'));
    expect(f.inLine).toBe(true);
    expect(f.reset()).toBe(7);
    expect(lines(f.push(enc.encode('whole\r')))).toEqual(['whole']);
  });
});
