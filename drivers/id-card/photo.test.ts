import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PHOTO_HEIGHT,
  PHOTO_WIDTH,
  SimulatedPhotoDecoder,
  VendorPhotoDecoder,
  bmpFileSize,
  makeSimulatedWlt,
  readBmpHeader,
} from './photo.js';

describe('SimulatedPhotoDecoder', () => {
  it('turns simulated WLT into a genuine 102×126 24-bit BMP', async () => {
    const wlt = makeSimulatedWlt('11010519491231002X');
    expect(wlt).toHaveLength(1024);
    const r = await new SimulatedPhotoDecoder().decode(wlt);
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.width).toBe(PHOTO_WIDTH);
    expect(r.value.height).toBe(PHOTO_HEIGHT);
    expect(r.value.bmp).toHaveLength(bmpFileSize(102, 126));
    expect(r.value.bmp).toHaveLength(38862);
    expect(readBmpHeader(r.value.bmp)).toEqual({ width: 102, height: 126, bitsPerPixel: 24 });
    // Not a flat picture: the silhouette differs from the background.
    const pixels = new Set<string>();
    for (let i = 54; i < r.value.bmp.length - 3; i += 3)
      pixels.add(`${r.value.bmp[i]},${r.value.bmp[i + 1]},${r.value.bmp[i + 2]}`);
    expect(pixels.size).toBeGreaterThan(2);
  });

  it('gives different identities different pictures', async () => {
    const d = new SimulatedPhotoDecoder();
    const a = await d.decode(makeSimulatedWlt('a'));
    const b = await d.decode(makeSimulatedWlt('b'));
    expect(a.ok && b.ok && Buffer.compare(Buffer.from(a.value.bmp), Buffer.from(b.value.bmp))).not.toBe(0);
  });

  it('refuses real (unmarked) WLT data with a typed error', async () => {
    const real = new Uint8Array(1024).map((_, i) => (i * 37) & 0xff);
    expect(await new SimulatedPhotoDecoder().decode(real)).toMatchObject({
      ok: false,
      error: { code: 'photo-not-simulated', recovery: 'check-configuration' },
    });
  });
});

describe('VendorPhotoDecoder (koffi)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-wlt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers photo-decoder-unavailable when the library is absent', async () => {
    const d = new VendorPhotoDecoder({ libraryPath: path.join(dir, 'libwlt2bmp.so') });
    const r = await d.decode(makeSimulatedWlt('x'));
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'photo-decoder-unavailable', recovery: 'check-configuration' },
    });
    if (!r.ok) expect(r.error.message).not.toContain(dir);
  });

  it('answers photo-decoder-unavailable when the symbol is missing', async () => {
    const d = new VendorPhotoDecoder({ libraryPath: 'libc.so.6', symbol: 'no_such_wlt_symbol' });
    expect(await d.decode(makeSimulatedWlt('x'))).toMatchObject({
      ok: false,
      error: { code: 'photo-decoder-unavailable' },
    });
  });

  it('rejects a bad configuration at construction', () => {
    expect(() => new VendorPhotoDecoder({ libraryPath: '' })).toThrow();
    expect(() => new VendorPhotoDecoder({ libraryPath: '/x.so', symbol: 'bad symbol()' })).toThrow();
  });

  // A stand-in vendor library built from C here, to exercise the real FFI call path (not a WLT decoder:
  // it paints a BMP whose pixels depend on the input, so the test sees data flow through koffi both ways).
  // Needs a C compiler (the project's machines have one: native npm modules build with it).
  it('calls a library with the configured symbol and signature', async () => {
    const src = path.join(dir, 'fake.c');
    const lib = path.join(dir, 'libfakewlt.so');
    writeFileSync(
      src,
      `#include <string.h>
int my_unpack(const unsigned char* wlt, unsigned char* out, int flag) {
  if (wlt[0] == 0xEE) return -3;
  static const unsigned char hdr[54] = {'B','M', 0xCE,0x97,0,0, 0,0,0,0, 54,0,0,0, 40,0,0,0, 102,0,0,0, 126,0,0,0, 1,0, 24,0};
  memcpy(out, hdr, 54);
  for (int i = 54; i < 38862; i++) out[i] = (unsigned char)(wlt[i % 1024] + flag);
  return 1;
}
`,
    );
    execFileSync('cc', ['-shared', '-fPIC', '-o', lib, src]);
    const d = new VendorPhotoDecoder({
      libraryPath: lib,
      symbol: 'my_unpack',
      args: ['in', 'out', 'int'],
      flag: 1,
    });
    const wlt = new Uint8Array(1024).fill(9);
    const r = await d.decode(wlt);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ width: 102, height: 126 });
    expect(r.value.bmp).toHaveLength(38862);
    expect(r.value.bmp[100]).toBe(10);
    const failing = await d.decode(new Uint8Array(1024).fill(0xee));
    expect(failing).toMatchObject({ ok: false, error: { code: 'photo-decode-failed' } });
    expect(await d.decode(new Uint8Array(10))).toMatchObject({ ok: false, error: { code: 'photo-invalid' } });
  });
});
