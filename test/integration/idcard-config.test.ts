/**
 * Per-reader settings of the ID card reader in the device configuration (`?fingerprint=on&timeout-extra=MS`):
 * parsed, round-tripped, refused with one line when wrong, and handed to the kiosk's reader with its baud rate.
 */
import { describe, expect, it } from 'vitest';
import { SamIdCardReader } from '../../drivers/id-card/reader.js';
import { deriveSamTimeouts } from '../../drivers/id-card/timing.js';
import { formatDeviceSpec, idCardSpecSchema, parseDeviceSpec } from '../../main/core/device-config.js';
import { createRealDevices } from '../../main/core/real-devices.js';

describe('ID card reader settings in a spec', () => {
  it('parses fingerprint and timeout-extra, and formats them back', () => {
    const spec = parseDeviceSpec('idCard', 'serial:/dev/ttyUSB0@9600?fingerprint=on&timeout-extra=800', 'X');
    expect(spec).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baudRate: 9600,
      readFingerprint: true,
      extraTimeoutMs: 800,
    });
    expect(formatDeviceSpec(spec)).toBe('serial:/dev/ttyUSB0@9600?fingerprint=on&timeout-extra=800');
    expect(parseDeviceSpec('idCard', 'serial:COM3?fingerprint', 'X')).toMatchObject({
      readFingerprint: true,
    });
    expect(parseDeviceSpec('idCard', 'serial:COM3?fingerprint=off', 'X')).toMatchObject({
      readFingerprint: false,
    });
    expect(formatDeviceSpec(parseDeviceSpec('idCard', 'serial:/dev/ttyUSB0@115200', 'X'))).toBe(
      'serial:/dev/ttyUSB0@115200',
    );
  });

  it('refuses bad settings with one line naming the setting', () => {
    for (const [text, message] of [
      ['serial:/dev/ttyUSB0?fingerprint=maybe', /'maybe' is not on or off/],
      ['serial:/dev/ttyUSB0?timeout-extra=99999', /timeout-extra: /],
      ['serial:/dev/ttyUSB0?encoding=gb18030', /unknown setting 'encoding' for the ID card reader/],
    ] as const) {
      expect(() => parseDeviceSpec('idCard', text, 'BOOTH_IDCARD')).toThrow(message);
    }
  });
});

describe('the kiosk reader gets its line speed and settings', () => {
  it('derives its timeouts from the configured baud rate, fingerprint read and extra time', () => {
    const spec = idCardSpecSchema.parse(
      parseDeviceSpec('idCard', 'serial:/dev/booth-none@9600?fingerprint=on&timeout-extra=500', 'X'),
    );
    const set = createRealDevices({ idCard: spec, printer: null, scanner: null });
    expect(set.idCard).toBeInstanceOf(SamIdCardReader);
    expect((set.idCard as SamIdCardReader).commandTimeouts).toEqual(
      deriveSamTimeouts({ baudRate: 9600, readFingerprint: true, extraMs: 500 }),
    );
    const plain = createRealDevices({
      idCard: idCardSpecSchema.parse(parseDeviceSpec('idCard', 'serial:/dev/booth-none', 'X')),
      printer: null,
      scanner: null,
    });
    expect((plain.idCard as SamIdCardReader).commandTimeouts).toEqual(
      deriveSamTimeouts({ baudRate: 115200 }),
    );
  });
});
