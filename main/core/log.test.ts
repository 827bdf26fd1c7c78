import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger, createLogger, logDir, RotatingFile, type LogFields } from './log.js';

/** Personal data a careless caller might hand the logger, each as it would appear in a form or a card. */
const PLANTED = {
  idNumber: '11010519491231002X',
  oldIdNumber: '110105491231002',
  hkId: 'A123456(7)',
  permit: 'H1234567890',
  mobile: '13812345678',
  mobileSpaced: '+86 138 1234 5678',
  landline: '0755-83001234',
  nameZh: '张三丰',
  nameEn: 'ZHANG SANFENG',
  token: 'kT3v9Qz1Xw8Lr5Yb2Nc7Md4Pf6Hs0Ja1Ge3Ui5Ok7',
  bearer: 'Bearer abc.def.ghi',
};

function capture(): {
  lines: string[];
  parsed: () => Record<string, unknown>[];
  log: ReturnType<typeof createLogger>;
} {
  const lines: string[] = [];
  return {
    lines,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    log: createLogger((line) => lines.push(line)),
  };
}

describe('createLogger', () => {
  it('writes one JSON object a line with level, ISO time, event and fields', () => {
    const c = capture();
    c.log.warn('printer.paper-low', { role: 'printer', count: 2, ok: false, none: null });
    const [line] = c.parsed();
    expect(line).toMatchObject({
      level: 'warn',
      event: 'printer.paper-low',
      role: 'printer',
      count: 2,
      ok: false,
      none: null,
    });
    expect(new Date(String(line?.at)).toISOString()).toBe(line?.at);
  });

  it.each(Object.entries(PLANTED))('never writes a %s passed in a harmless-looking field', (_kind, value) => {
    const c = capture();
    c.log.error('visit.failed', { message: `could not save ${value} today`, detail: value });
    c.log.info(`event ${value}`, {});
    const text = c.lines.join('\n');
    expect(text).not.toContain(value);
    // The rest of a Latin message survives: redaction replaces the value only (Han text is dropped whole).
    if (!/\p{Script=Han}/u.test(value)) expect(text).toContain('could not save');
  });

  it('drops personal or secret fields by name whatever their value looks like', () => {
    const c = capture();
    const fields = {
      name: 'Li Lei',
      englishName: 'LI LEI',
      idNumber: 'X',
      phone: '5551234',
      token: 'short',
      authorization: 'Basic Zm9v',
      address: '1 Main Street',
      pin: '000000',
    } satisfies LogFields;
    c.log.info('careless', fields);
    const [line] = c.parsed();
    for (const key of Object.keys(fields)) expect(line?.[key]).toBe('[redacted]');
    for (const value of Object.values(fields)) expect(c.lines[0]).not.toContain(`"${value}"`);
  });

  it('drops objects cast in as fields and phone or ID numbers passed as numbers', () => {
    const c = capture();
    c.log.info('cast', {
      card: { name: 'x' },
      nested: { idNumber: PLANTED.idNumber },
      contact: 13812345678,
      count: 3,
      at: 1764540000000,
    } as unknown as LogFields);
    const [line] = c.parsed();
    expect(line?.nested).toBe('[dropped]');
    expect(line?.contact).toBe('[redacted]');
    expect(line?.count).toBe(3);
    expect(c.lines[0]).not.toContain(PLANTED.idNumber);
  });

  it('keeps codes, paths and device descriptions readable', () => {
    const c = capture();
    c.log.info('devices.configured', {
      role: 'id-card',
      connection: 'serial:/dev/ttyUSB0@115200',
      file: '/var/lib/smart-police-booth/catalog/applied.json',
      code: 'paper-out',
      transactionNumber: 'SZ-20261130-000123',
    });
    expect(c.parsed()[0]).toMatchObject({
      connection: 'serial:/dev/ttyUSB0@115200',
      file: '/var/lib/smart-police-booth/catalog/applied.json',
      code: 'paper-out',
      transactionNumber: 'SZ-20261130-000123',
    });
  });
});

describe('RotatingFile', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates at the size cap and keeps at most keep+1 files, none past the cap', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-log-'));
    const { log, file } = createFileLogger(dir, { maxBytes: 4096, keep: 2 });
    for (let i = 0; i < 400; i++) log.info('visit.ended', { reason: 'finished', i });
    file.close();
    const names = readdirSync(logDir(dir)).sort();
    expect(names).toEqual(['booth.log', 'booth.log.1', 'booth.log.2']);
    for (const name of names) expect(statSync(path.join(logDir(dir), name)).size).toBeLessThanOrEqual(4096);
    // The newest line is in the live file, and every line is whole JSON.
    const live = readFileSync(path.join(logDir(dir), 'booth.log'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(live[live.length - 1] as string)).toMatchObject({ event: 'visit.ended', i: 399 });
    expect(statSync(path.join(logDir(dir), 'booth.log')).mode & 0o777).toBe(0o600);
  });

  it('carries on appending to an existing file after a restart', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'booth-log-'));
    const first = new RotatingFile({ file: path.join(dir, 'a.log'), maxBytes: 1024 });
    first.writeLine('x'.repeat(600));
    first.close();
    const second = new RotatingFile({ file: path.join(dir, 'a.log'), maxBytes: 1024 });
    second.writeLine('y'.repeat(600));
    second.close();
    // 601 + 601 bytes > 1024: the restart knew the size, so the second line started a new file.
    expect(readFileSync(path.join(dir, 'a.log'), 'utf8')).toBe('y'.repeat(600) + '\n');
    expect(readFileSync(path.join(dir, 'a.log.1'), 'utf8')).toBe('x'.repeat(600) + '\n');
  });
});
