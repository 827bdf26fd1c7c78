import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  EncoderError,
  EscPosEncoder,
  PROFILE_58MM,
  PROFILE_80MM,
  bitmapFromPng,
  profileForWidth,
} from './encoder.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const build = (f: (e: EscPosEncoder) => EscPosEncoder, profile = PROFILE_80MM): string =>
  hex(f(new EscPosEncoder(profile)).encode().bytes);

describe('EscPosEncoder golden bytes', () => {
  it('init sets double-byte mode explicitly', () => {
    expect(build((e) => e.init())).toBe('1b401c26');
    expect(build((e) => e.init({ chinese: false }))).toBe('1b401c2e');
  });
  it('Chinese mode on/off', () => {
    expect(build((e) => e.chinese(true).chinese(false))).toBe('1c261c2e');
  });
  it('bold, alignment, sizes, line spacing', () => {
    expect(build((e) => e.bold(true).bold(false))).toBe('1b45011b4500');
    expect(build((e) => e.align('left').align('center').align('right'))).toBe('1b61001b61011b6102');
    expect(build((e) => e.size(1, 1).size(2, 2).size(2, 1).size(8, 8))).toBe('1d21001d21111d21101d2177');
    expect(build((e) => e.lineSpacing(24).lineSpacing(null))).toBe('1b33181b32');
  });
  it('feed and cuts', () => {
    expect(build((e) => e.feed(3))).toBe('1b6403');
    expect(build((e) => e.cut({ mode: 'full' }))).toBe('1d5600');
    expect(build((e) => e.cut({ mode: 'partial' }))).toBe('1d5601');
    expect(build((e) => e.cut({ mode: 'full', feed: 4 }))).toBe('1d564104');
    expect(build((e) => e.cut({ mode: 'partial', feed: 2 }))).toBe('1d564202');
    // A receipt stays attached to the roll unless a full cut is asked for.
    expect(build((e) => e.cut())).toBe('1d5601');
  });
  it('status queries DLE EOT n', () => {
    expect(build((e) => e.statusQuery(1).statusQuery(2).statusQuery(3).statusQuery(4))).toBe(
      '100401100402100403100404',
    );
  });
  it('text in GB18030 double-byte mode with LF', () => {
    expect(build((e) => e.init().line('中A'))).toBe('1b401c26' + 'd6d0' + '41' + '0a');
  });
  it('QR code: model 2, module size, error correction, store with byte length + 3, print', () => {
    expect(build((e) => e.qr('AB', { moduleSize: 5, errorCorrection: 'Q' }))).toBe(
      '1d286b0400314132 00'.replace(' ', '') +
        '1d286b03003143' +
        '05' +
        '1d286b03003145' +
        '32' +
        '1d286b' +
        '0500' +
        '315030' +
        '4142' +
        '1d286b0300315130',
    );
    for (const [ec, byte] of [
      ['L', '30'],
      ['M', '31'],
      ['Q', '32'],
      ['H', '33'],
    ] as const) {
      expect(build((e) => e.qr('x', { errorCorrection: ec }))).toContain(`1d286b03003145${byte}`);
    }
  });
  it('QR length counts encoded UTF-8 bytes of Chinese data, not JS characters', () => {
    const data = '智慧警务舱进度查询请扫码看'.slice(0, 12);
    expect(data.length).toBe(12);
    const bytes = new EscPosEncoder().qr(data).encode().bytes;
    const store = Buffer.from(bytes).indexOf(Buffer.from([0x1d, 0x28, 0x6b]), 24);
    const b = Buffer.from(bytes);
    // Find the store command (fn 0x50).
    let i = 0;
    let found = -1;
    while ((i = b.indexOf(Buffer.from([0x1d, 0x28, 0x6b]), i)) >= 0) {
      if (b[i + 6] === 0x50) found = i;
      i += 1;
    }
    expect(store).toBeGreaterThan(0);
    expect(found).toBeGreaterThan(0);
    const len = b[found + 3]! | (b[found + 4]! << 8);
    expect(len).toBe(36 + 3);
    expect(b.subarray(found + 8, found + 8 + 36).toString('utf8')).toBe(data);
  });
  it('QR: long data uses pH', () => {
    const data = 'a'.repeat(300);
    const b = Buffer.from(new EscPosEncoder().qr(data, { errorCorrection: 'L' }).encode().bytes);
    const i = b.indexOf(Buffer.from([0x31, 0x50, 0x30])) - 5;
    expect(b[i + 3]).toBe(303 & 0xff);
    expect(b[i + 4]).toBe(303 >> 8);
  });
  it('QR rejects empty and oversized data with typed errors', () => {
    expect(() => new EscPosEncoder().qr('')).toThrow(EncoderError);
    try {
      new EscPosEncoder().qr('x'.repeat(3000), { errorCorrection: 'H' });
      expect.unreachable();
    } catch (error) {
      expect((error as EncoderError).code).toBe('qr-too-long');
    }
    expect(() => new EscPosEncoder().qr('x', { moduleSize: 17 })).toThrow(/module size/);
  });
  it('raster image GS v 0 with bytes per row and rows', () => {
    const bits = Uint8Array.of(0xff, 0x80, 0x01, 0x00);
    expect(build((e) => e.image({ width: 16, height: 2, bits }))).toBe(
      '1d7630' + '00' + '0200' + '0200' + 'ff800100',
    );
  });
  it('raster image rejects a bitmap wider than the paper or inconsistent', () => {
    expect(() =>
      new EscPosEncoder(PROFILE_58MM).image({ width: 400, height: 1, bits: new Uint8Array(50) }),
    ).toThrow(/too wide|400/);
    expect(() => new EscPosEncoder().image({ width: 8, height: 2, bits: new Uint8Array(1) })).toThrow(
      EncoderError,
    );
  });
  it('tall images are split into bands of at most 255 rows', () => {
    const bits = new Uint8Array(300).fill(0xaa);
    const b = Buffer.from(new EscPosEncoder().image({ width: 8, height: 300, bits }).encode().bytes);
    expect(b.subarray(0, 8).toString('hex')).toBe('1d76300001 00ff00'.replace(' ', ''));
    expect(b.subarray(8 + 255, 8 + 255 + 8).toString('hex')).toBe('1d763000010' + '02d00');
    expect(b.length).toBe(300 + 16);
  });
  it('bad arguments are typed errors', () => {
    expect(() => new EscPosEncoder().size(9)).toThrow(EncoderError);
    expect(() => new EscPosEncoder().feed(-1)).toThrow(EncoderError);
    expect(() => new EscPosEncoder().lineSpacing(256)).toThrow(EncoderError);
  });
});

describe('unprintable characters', () => {
  it('replaces four-byte GB18030 characters (emoji, CJK Ext-B) visibly and reports them', () => {
    const e = new EscPosEncoder().init().line('A😀𠀀B');
    const { bytes, replacements } = e.encode();
    expect(hex(bytes)).toBe('1b401c26' + '41' + 'a1f5' + 'a1f5' + '42' + '0a');
    expect(replacements.map((r) => [r.char, r.reason, r.replacement, r.index])).toEqual([
      ['😀', 'four-byte-gb18030', '□', 1],
      ['𠀀', 'four-byte-gb18030', '□', 3],
    ]);
  });
  it('replaces control characters (never passing them to the printer as commands)', () => {
    const { bytes, replacements } = new EscPosEncoder().init().text('a\x1b@b\x07').encode();
    expect(hex(bytes)).toBe('1b401c26' + '61' + 'a1f5' + '40' + '62' + 'a1f5');
    expect(replacements.map((r) => r.reason)).toEqual(['control', 'control']);
  });
  it('outside Chinese mode non-ASCII becomes ?', () => {
    const { bytes, replacements } = new EscPosEncoder().init({ chinese: false }).text('é中').encode();
    expect(hex(bytes)).toBe('1b401c2e3f3f');
    expect(replacements.map((r) => r.reason)).toEqual(['not-in-code-page', 'not-in-code-page']);
  });
  it('a custom replacement is honoured', () => {
    const { bytes } = new EscPosEncoder(PROFILE_80MM, { replacement: '?' }).init().text('😀').encode();
    expect(hex(bytes)).toBe('1b401c263f');
  });
  it('layout helpers record replacements too', () => {
    const e = new EscPosEncoder(PROFILE_58MM).init().row('名字😀', '1');
    expect(e.encode().replacements).toHaveLength(1);
  });
});

describe('layout helpers', () => {
  const lines = (e: EscPosEncoder): string[] => {
    const b = Buffer.from(e.encode().bytes).subarray(4); // after ESC @ FS &
    const iconv = new TextDecoder('gb18030');
    return iconv.decode(b).split('\n').slice(0, -1);
  };
  it('profiles', () => {
    expect(profileForWidth(58)).toMatchObject({ name: '58mm', columns: 32, dots: 384, speedMmPerSec: 90 });
    expect(profileForWidth(80)).toMatchObject({ name: '80mm', columns: 48, dots: 576, speedMmPerSec: 150 });
  });
  it('init follows the profile code page unless told otherwise', () => {
    const ascii = { ...PROFILE_80MM, codePage: 'ascii' as const };
    expect(build((e) => e.init(), ascii)).toBe('1b401c2e');
    expect(build((e) => e.init())).toBe('1b401c26');
    expect(build((e) => e.init({ chinese: true }), ascii)).toBe('1b401c26');
  });
  it('row: label left, value right, by display width', () => {
    expect(lines(new EscPosEncoder(PROFILE_58MM).init().row('费用', '¥10.00'))).toEqual([
      '费用' + ' '.repeat(32 - 4 - 7) + '￥10.00',
    ]);
  });
  it('separator fills the columns, halved at double width', () => {
    const e = new EscPosEncoder(PROFILE_58MM).init().separator('-').size(2, 2).separator('=');
    const b = Buffer.from(e.encode().bytes).toString('latin1');
    expect(b).toContain('-'.repeat(32) + '\n');
    expect(b).toContain('\x1d\x21\x11' + '='.repeat(16) + '\n');
  });
  it('padded aligns by display width with spaces', () => {
    expect(lines(new EscPosEncoder(PROFILE_58MM).init().padded('自助警务舱', 'center'))).toEqual([
      ' '.repeat(11) + '自助警务舱',
    ]);
    expect(lines(new EscPosEncoder(PROFILE_58MM).init().padded('ab', 'right'))).toEqual([
      ' '.repeat(30) + 'ab',
    ]);
  });
  it('wrapped with an alignment sets ESC a for its lines and restores the previous one', () => {
    const b = hex(new EscPosEncoder(PROFILE_58MM).init().wrapped('ab', 'center').encode().bytes);
    expect(b).toBe('1b401c26' + '1b6101' + '61620a' + '1b6100');
    const w = new EscPosEncoder(PROFILE_58MM).init().size(2, 2).wrapped('一二三四五六七八九');
    // 32 columns at double width = 16 columns = 8 CJK per line.
    expect(lines(w).map((l) => l.replace('\x1d!\x11', ''))).toEqual(['一二三四五六七八', '九']);
  });
});

describe('bitmapFromPng', () => {
  it('thresholds a PNG to a packed 1-bit bitmap (transparent = white)', () => {
    const png = new PNG({ width: 10, height: 2 });
    for (let i = 0; i < 20; i++) {
      const x = i % 10;
      const y = Math.floor(i / 10);
      const dark = y === 0 ? x < 3 : x === 9;
      png.data.set(dark ? [10, 10, 10, 255] : [250, 250, 250, 255], i * 4);
    }
    png.data.set([0, 0, 0, 0], 4); // transparent black pixel at (1,0) counts as white
    const bmp = bitmapFromPng(PNG.sync.write(png));
    expect(bmp.width).toBe(10);
    expect(bmp.height).toBe(2);
    expect(hex(bmp.bits)).toBe('a000' + '0040');
  });
  it('rejects a non-PNG with a typed error', () => {
    expect(() => bitmapFromPng(new Uint8Array([1, 2, 3]))).toThrow(EncoderError);
  });
});

describe('EscPosEncoder limits a receipt layout relies on', () => {
  it('QR: level M by default, holding exactly 2331 bytes; one more is refused saying how many', () => {
    const full = hex(new EscPosEncoder().qr('a'.repeat(2331)).encode().bytes);
    expect(full).toContain('1d286b0300314531'); // GS ( k … 45 49: error correction M
    try {
      new EscPosEncoder().qr('a'.repeat(2332));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'qr-too-long',
        message: 'QR data is 2332 bytes; level M holds at most 2331',
      });
    }
    expect(() => new EscPosEncoder().qr('')).toThrow(
      expect.objectContaining({ code: 'qr-empty', message: 'QR data is empty' }),
    );
  });
  it('QR: bytes given as bytes are stored as they are', () => {
    expect(hex(new EscPosEncoder().qr(Uint8Array.of(0xff, 0x00, 0x80)).encode().bytes)).toContain(
      '1d286b0600315030ff0080',
    );
  });
  it('images: 1×1 and exactly the paper width print; empty or too wide ones are typed errors', () => {
    expect(build((e) => e.image({ width: 1, height: 1, bits: Uint8Array.of(0x80) }))).toBe(
      '1d7630' + '00' + '0100' + '0100' + '80',
    );
    const wide = new EscPosEncoder(PROFILE_58MM).image({ width: 384, height: 1, bits: new Uint8Array(48) });
    expect(wide.encode().bytes).toHaveLength(8 + 48);
    for (const empty of [
      { width: 0, height: 0, bits: new Uint8Array(0) },
      { width: 8, height: 0, bits: new Uint8Array(0) },
      { width: 0, height: 1, bits: new Uint8Array(0) },
    ])
      expect(() => new EscPosEncoder().image(empty)).toThrow(
        expect.objectContaining({
          code: 'bad-image',
          message: `bitmap ${empty.width}x${empty.height} has 0 bytes`,
        }),
      );
    expect(() =>
      new EscPosEncoder(PROFILE_58MM).image({ width: 385, height: 1, bits: new Uint8Array(49) }),
    ).toThrow(expect.objectContaining({ code: 'image-too-wide' }));
  });
  it('images: each band carries its own rows, and 255 rows make one band', () => {
    // 16 dots wide (2 bytes a row), row r filled with r's low byte.
    const bits = new Uint8Array(600);
    for (let r = 0; r < 300; r++) bits.fill(r & 0xff, r * 2, r * 2 + 2);
    const b = Buffer.from(new EscPosEncoder().image({ width: 16, height: 300, bits }).encode().bytes);
    const second = 8 + 510;
    expect(b.subarray(second, second + 8).toString('hex')).toBe('1d763000' + '0200' + '2d00');
    expect(b.subarray(second + 8, second + 12).toString('hex')).toBe('ffff0000');
    const one = new EscPosEncoder().image({ width: 8, height: 255, bits: new Uint8Array(255) }).encode();
    expect(one.bytes).toHaveLength(8 + 255);
  });
  it('bad arguments name the argument and its range', () => {
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (error) {
        expect(error).toMatchObject({ code: 'bad-argument' });
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message(() => new EscPosEncoder().size(9))).toBe(
      'width multiplier must be an integer from 1 to 8, got 9',
    );
    expect(message(() => new EscPosEncoder().size(1, 0))).toMatch(/^height multiplier /);
    expect(message(() => new EscPosEncoder().lineSpacing(256))).toMatch(/^line spacing /);
    expect(message(() => new EscPosEncoder().feed(-1))).toMatch(/^feed lines /);
    expect(message(() => new EscPosEncoder().cut({ feed: 256 }))).toMatch(/^cut feed /);
  });
  it('a separator of wide characters fills the line by display width; the default is dashes', () => {
    const b = Buffer.from(new EscPosEncoder(PROFILE_58MM).init().separator('═').separator().encode().bytes);
    const printed = new TextDecoder('gb18030').decode(b.subarray(4));
    expect(printed).toBe('═'.repeat(16) + '\n' + '-'.repeat(32) + '\n');
    expect(hex(new EscPosEncoder().line().encode().bytes)).toBe('0a');
  });
  it('wrapped text without a new alignment sends no alignment command', () => {
    expect(hex(new EscPosEncoder(PROFILE_58MM).wrapped('ab').encode().bytes)).toBe('61620a');
    expect(hex(new EscPosEncoder(PROFILE_58MM).wrapped('ab', 'left').encode().bytes)).toBe('61620a');
  });
});

describe('bitmapFromPng prints colours and translucent ink as the eye sees them on white paper', () => {
  it('light colours are white, dark ones black, translucent ink as composited over the paper', () => {
    const pixels = [
      [0, 200, 255, 255], // sky blue: light (luma 147)
      [255, 100, 0, 255], // orange: light (luma 135)
      [0, 0, 128, 255], // navy: dark
      [10, 10, 10, 100], // faint ink: the paper shows through
      [10, 10, 10, 200], // mostly opaque ink: dark
      [80, 80, 80, 204], // grey at 80 % over white: 64 + 51 = 115, dark
    ];
    const png = new PNG({ width: pixels.length, height: 1 });
    pixels.forEach((p, i) => png.data.set(p, i * 4));
    expect(hex(bitmapFromPng(PNG.sync.write(png)).bits)).toBe('2c');
    // Bare paper is never ink, whatever the threshold.
    const blank = new PNG({ width: 1, height: 1 });
    blank.data.set([0, 0, 0, 0], 0);
    expect(hex(bitmapFromPng(PNG.sync.write(blank), { threshold: 255 }).bits)).toBe('00');
  });
  it('rejects a non-PNG with a typed error saying so', () => {
    expect(() => bitmapFromPng(new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'bad-image', message: expect.stringMatching(/^not a readable PNG: /) }),
    );
  });
});
