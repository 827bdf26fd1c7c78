import { describe, expect, it } from 'vitest';
import {
  DeviceConfigError,
  deviceConfigSchema,
  effectiveConfig,
  formatDeviceSpec,
  parseDeviceRole,
  parseDeviceSpec,
  parseStoredSpec,
  resolveDeviceConfig,
  type DeviceConfigReader,
} from './device-config.js';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a DeviceConfigError');
}

function storeOf(rows: Record<string, unknown>): DeviceConfigReader {
  return { all: async () => rows };
}

describe('parseDeviceSpec: every form', () => {
  it('serial with and without a baud rate', () => {
    expect(parseDeviceSpec('idCard', 'serial:/dev/ttyUSB0@115200', 'BOOTH_IDCARD')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baudRate: 115200,
    });
    expect(parseDeviceSpec('scanner', 'serial:/dev/ttyACM0', 'BOOTH_SCANNER')).toEqual({
      kind: 'serial',
      path: '/dev/ttyACM0',
    });
    expect(parseDeviceSpec('printer', '  serial:/dev/ttyS1@9600 ', 'BOOTH_PRINTER')).toEqual({
      kind: 'serial',
      path: '/dev/ttyS1',
      baudRate: 9600,
    });
    expect(parseDeviceSpec('idCard', 'serial:COM3@9600', 'X')).toEqual({
      kind: 'serial',
      path: 'COM3',
      baudRate: 9600,
    });
  });

  it('tcp with and without a port (9100), IPv6 in brackets', () => {
    expect(parseDeviceSpec('printer', 'tcp:192.0.2.10:9100', 'BOOTH_PRINTER')).toEqual({
      kind: 'tcp',
      host: '192.0.2.10',
      port: 9100,
    });
    expect(parseDeviceSpec('printer', 'tcp:printer.local', 'BOOTH_PRINTER')).toEqual({
      kind: 'tcp',
      host: 'printer.local',
      port: 9100,
    });
    expect(parseDeviceSpec('printer', 'tcp:[2001:db8::5]:9101', 'BOOTH_PRINTER')).toEqual({
      kind: 'tcp',
      host: '2001:db8::5',
      port: 9101,
    });
  });

  it('file, hid by VID:PID, hid by path, and none', () => {
    expect(parseDeviceSpec('printer', 'file:/dev/usb/lp0', 'BOOTH_PRINTER')).toEqual({
      kind: 'file',
      path: '/dev/usb/lp0',
    });
    expect(parseDeviceSpec('scanner', 'hid:0c2e:0b61', 'BOOTH_SCANNER')).toEqual({
      kind: 'hid',
      vendorId: 0x0c2e,
      productId: 0x0b61,
    });
    expect(parseDeviceSpec('scanner', 'hid:0x0C2E:0x0B61', 'BOOTH_SCANNER')).toMatchObject({
      vendorId: 0x0c2e,
    });
    expect(parseDeviceSpec('scanner', 'hid-path:/dev/hidraw3', 'BOOTH_SCANNER')).toEqual({
      kind: 'hid-path',
      path: '/dev/hidraw3',
    });
    expect(parseDeviceSpec('scanner', 'hid:/dev/hidraw3', 'BOOTH_SCANNER')).toEqual({
      kind: 'hid-path',
      path: '/dev/hidraw3',
    });
    expect(parseDeviceSpec('printer', 'none', 'BOOTH_PRINTER')).toBeNull();
    expect(parseDeviceSpec('idCard', 'NONE', 'BOOTH_IDCARD')).toBeNull();
  });

  it('formats back to the same spec', () => {
    for (const [role, text] of [
      ['idCard', 'serial:/dev/ttyUSB0@115200'],
      ['scanner', 'serial:/dev/ttyACM0'],
      ['printer', 'tcp:192.0.2.10:9100'],
      ['printer', 'tcp:[2001:db8::5]:9101'],
      ['printer', 'file:/dev/usb/lp0'],
      ['printer', 'serial:/dev/ttyUSB0@19200;58mm'],
      ['printer', 'tcp:192.0.2.10:9100;80mm,speed=200,codepage=ascii,confirm=gs-r'],
      ['scanner', 'hid:0c2e:0b61'],
      ['scanner', 'hid-path:/dev/hidraw3'],
      ['printer', 'none'],
    ] as const) {
      expect(formatDeviceSpec(parseDeviceSpec(role, text, 'X'))).toBe(text);
    }
  });
});

describe('printer profiles in the printer setting', () => {
  it('follow the device after a semicolon: width, then speed, code page and confirmation', () => {
    expect(parseDeviceSpec('printer', 'serial:/dev/ttyUSB0@19200;58mm', 'BOOTH_PRINTER')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baudRate: 19200,
      profile: { width: 58 },
    });
    expect(
      parseDeviceSpec('printer', 'tcp:192.0.2.10 ; 80MM, speed=120 ,confirm=GS-R', 'BOOTH_PRINTER'),
    ).toEqual({
      kind: 'tcp',
      host: '192.0.2.10',
      port: 9100,
      profile: { width: 80, speed: 120, confirm: 'gs-r' },
    });
    expect(parseDeviceSpec('printer', 'file:/dev/usb/lp0;58mm,codepage=ascii', 'X')).toMatchObject({
      profile: { width: 58, codePage: 'ascii' },
    });
  });

  it('a stored profile is validated like any other field', () => {
    expect(
      parseStoredSpec('printer', { kind: 'tcp', host: 'p', port: 9100, profile: { width: 58, speed: 70 } }),
    ).toMatchObject({ profile: { width: 58, speed: 70 } });
    expect(
      errorOf(() =>
        parseStoredSpec('printer', { kind: 'tcp', host: 'p', port: 9100, profile: { width: 76 } }),
      ),
    ).toMatch(/^stored printer configuration: profile\.width: /);
  });

  it.each([
    ['tcp:192.0.2.10;76mm', /printer profile: '76mm' is not a paper width \(58mm or 80mm\)/],
    ['tcp:192.0.2.10;80mm,speed=fast', /printer profile: speed 'fast' is not a number of mm\/s/],
    ['tcp:192.0.2.10;80mm,speed=5', /printer profile: the speed must be 10 to 500 mm\/s/],
    ['tcp:192.0.2.10;80mm,confirm=maybe', /printer profile: confirm must be status or gs-r/],
    ['tcp:192.0.2.10;80mm,colour=red', /printer profile: unknown profile option 'colour'/],
    ['tcp:192.0.2.10;80mm,speed=90,speed=80', /printer profile: profile option 'speed' given twice/],
  ])('%s is one clear line', (text, pattern) => {
    const message = errorOf(() => parseDeviceSpec('printer', text, 'BOOTH_PRINTER'));
    expect(message).toMatch(/^BOOTH_PRINTER: /);
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('only the printer takes a profile', () => {
    // For other roles a semicolon is just part of the path.
    expect(parseDeviceSpec('scanner', 'serial:/dev/ttyACM0;58mm', 'BOOTH_SCANNER')).toEqual({
      kind: 'serial',
      path: '/dev/ttyACM0;58mm',
    });
    expect(
      errorOf(() => parseStoredSpec('idCard', { kind: 'serial', path: '/dev/x', profile: { width: 58 } })),
    ).toMatch(/^stored id-card configuration: /);
  });
});

describe('parseDeviceSpec: bad specs give one clear line naming the variable', () => {
  it.each([
    [
      'printer',
      'usb:/dev/lp0',
      /^BOOTH_PRINTER: unknown device kind 'usb' in 'usb:\/dev\/lp0' \(expected tcp:HOST/,
    ],
    ['idCard', 'serial:/dev/ttyUSB0@fast', /^BOOTH_IDCARD: baud rate 'fast' is not a number/],
    [
      'idCard',
      'serial:/dev/ttyUSB0@0',
      /^BOOTH_IDCARD: baudRate: the baud rate must be 50 to 4000000 in 'serial:\/dev\/ttyUSB0@0'/,
    ],
    ['idCard', 'serial:', /^BOOTH_IDCARD: path: the path is empty/],
    ['printer', 'tcp:192.0.2.10:99999', /^BOOTH_PRINTER: '192.0.2.10:99999' is not HOST or HOST:PORT/],
    ['printer', 'tcp:', /^BOOTH_PRINTER: '' is not HOST or HOST:PORT/],
    ['scanner', 'hid:zz:0b61', /^BOOTH_SCANNER: 'zz:0b61' is not VID:PID in hex/],
    ['scanner', 'hid:12345:1', /^BOOTH_SCANNER: '12345:1' is not VID:PID/],
    [
      'idCard',
      'tcp:192.0.2.10',
      /^BOOTH_IDCARD: a tcp device cannot be the ID card reader .*\(expected serial:PATH\[@BAUD\] or none\)$/,
    ],
    ['printer', 'hid:0c2e:0b61', /^BOOTH_PRINTER: a hid device cannot be the printer/],
    ['scanner', 'file:/dev/usb/lp0', /^BOOTH_SCANNER: a file device cannot be the scanner/],
    ['printer', '/dev/usb/lp0', /^BOOTH_PRINTER: unknown device kind '\/dev\/usb\/lp0'/],
  ] as const)('%s %s', (role, text, pattern) => {
    const message = errorOf(() =>
      parseDeviceSpec(role, text, `BOOTH_${role === 'idCard' ? 'IDCARD' : role.toUpperCase()}`),
    );
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('a stored value that does not fit the schema names the role and the fix', () => {
    expect(errorOf(() => parseStoredSpec('printer', { kind: 'tcp', host: '', port: 9100 }))).toMatch(
      /^stored printer configuration: host: the host is empty \(set it again with booth config set-device\)$/,
    );
    expect(errorOf(() => parseStoredSpec('idCard', { kind: 'serial', path: '/dev/x', extra: 1 }))).toMatch(
      /^stored id-card configuration: /,
    );
    expect(errorOf(() => parseStoredSpec('scanner', 'serial:/dev/ttyACM0'))).toMatch(
      /^stored scanner configuration/,
    );
  });
});

describe('roles and the schema', () => {
  it('parses role names as technicians type them', () => {
    expect(parseDeviceRole('id-card')).toBe('idCard');
    expect(parseDeviceRole('idcard')).toBe('idCard');
    expect(parseDeviceRole('idCard')).toBe('idCard');
    expect(parseDeviceRole('Printer')).toBe('printer');
    expect(parseDeviceRole('scanner')).toBe('scanner');
    expect(parseDeviceRole('camera')).toBeNull();
  });

  it('the schema fills the default TCP port and rejects unknown roles', () => {
    expect(
      deviceConfigSchema.parse({ idCard: null, printer: { kind: 'tcp', host: 'p' }, scanner: null }).printer,
    ).toEqual({ kind: 'tcp', host: 'p', port: 9100 });
    expect(
      deviceConfigSchema.safeParse({ idCard: null, printer: null, scanner: null, camera: null }).success,
    ).toBe(false);
  });
});

describe('resolveDeviceConfig: environment, then the store, else nothing', () => {
  it('takes each role from the environment first, then the stored row, else none', async () => {
    const resolved = await resolveDeviceConfig({
      env: { BOOTH_IDCARD: 'serial:/dev/ttyUSB0@115200', BOOTH_SCANNER: '' },
      stored: storeOf({
        'id-card': { kind: 'serial', path: '/dev/ttyS9' },
        printer: { kind: 'tcp', host: '192.0.2.10', port: 9100 },
      }),
    });
    expect(resolved.idCard).toEqual({
      spec: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200 },
      source: 'env',
    });
    expect(resolved.printer).toEqual({
      spec: { kind: 'tcp', host: '192.0.2.10', port: 9100 },
      source: 'stored',
    });
    // An empty variable counts as unset.
    expect(resolved.scanner).toEqual({ spec: null, source: 'none' });
    expect(effectiveConfig(resolved)).toEqual({
      idCard: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200 },
      printer: { kind: 'tcp', host: '192.0.2.10', port: 9100 },
      scanner: null,
    });
  });

  it('an environment "none" overrides a stored device; a stored null is not configured', async () => {
    const resolved = await resolveDeviceConfig({
      env: { BOOTH_PRINTER: 'none' },
      stored: storeOf({ printer: { kind: 'file', path: '/dev/usb/lp0' }, scanner: null }),
    });
    expect(resolved.printer).toEqual({ spec: null, source: 'env' });
    expect(resolved.scanner).toEqual({ spec: null, source: 'none' });
  });

  it('a bad setting marks only its role, with the error, and does not fall back', async () => {
    const resolved = await resolveDeviceConfig({
      env: { BOOTH_PRINTER: 'tcp:nowhere:0' },
      stored: storeOf({ printer: { kind: 'file', path: '/dev/usb/lp0' }, scanner: { kind: 'bluetooth' } }),
    });
    expect(resolved.printer.spec).toBeNull();
    expect(resolved.printer.source).toBe('env');
    expect(resolved.printer.error).toMatch(/^BOOTH_PRINTER: 'nowhere:0' is not HOST or HOST:PORT/);
    expect(resolved.scanner.source).toBe('stored');
    expect(resolved.scanner.error).toMatch(/^stored scanner configuration/);
    expect(resolved.idCard).toEqual({ spec: null, source: 'none' });
  });

  it('an unreadable store does not throw: roles without a variable carry the error', async () => {
    const resolved = await resolveDeviceConfig({
      env: { BOOTH_IDCARD: 'serial:/dev/ttyUSB0' },
      stored: {
        all: async () => {
          throw new SyntaxError('Unexpected token');
        },
      },
    });
    expect(resolved.idCard.spec).toEqual({ kind: 'serial', path: '/dev/ttyUSB0' });
    expect(resolved.printer.error).toMatch(/^stored device configuration unreadable: Unexpected token/);
  });

  it('with no store and no variables, nothing is configured', async () => {
    const resolved = await resolveDeviceConfig({ env: {}, stored: null });
    expect(effectiveConfig(resolved)).toEqual({ idCard: null, printer: null, scanner: null });
  });
});
