import { describe, expect, it } from 'vitest';
import {
  conditionToDeviceStatus,
  isPaperSensorReply,
  isPlausibleStatusByte,
  isStatusByte,
  parseCondition,
  parseStatusByte,
} from './status.js';

const value = <T>(r: { ok: true; value: T } | { ok: false }): T => {
  if (!r.ok) throw new Error('expected ok');
  return r.value;
};

describe('DLE EOT reply bytes', () => {
  it('validates the fixed bits (1 and 4 set, 0 and 7 clear)', () => {
    expect(isStatusByte(0x12)).toBe(true);
    expect(isStatusByte(0x7e)).toBe(true);
    for (const bad of [0x00, 0x02, 0x10, 0x13, 0x92, 0xff, 0x32 | 0x80, -1, 256, 1.5])
      expect(isStatusByte(bad)).toBe(false);
  });
  it('a clone leaving bits 1 and 4 unset is still a reply; bit 0 or 7 set is not', () => {
    for (const clone of [0x00, 0x02, 0x10, 0x08, 0x60, 0x7e & ~0x12])
      expect(isPlausibleStatusByte(clone), clone.toString(16)).toBe(true);
    for (const bad of [0x01, 0x80, 0x13, 0x92, 0xff, -1, 256, 1.5])
      expect(isPlausibleStatusByte(bad), String(bad)).toBe(false);
  });
  it('refuses values that are not one byte, even when their low bits look like a reply', () => {
    // 0x112, -238 (two's complement …12) and 18.5 all carry the bit pattern of the reply 0x12.
    for (const notAByte of [0x112, -238, 18.5]) {
      expect(isStatusByte(notAByte), String(notAByte)).toBe(false);
      expect(isPlausibleStatusByte(notAByte), String(notAByte)).toBe(false);
    }
    // The technician reads the value as received: bytes in hex, anything else as it is.
    const messageOf = (byte: number): string => {
      const r = parseStatusByte(1, byte);
      return r.ok ? 'accepted' : r.error.message;
    };
    expect(messageOf(0x112)).toMatch(/^reply 274 to DLE EOT 1 /);
    expect(messageOf(-238)).toMatch(/^reply -238 to DLE EOT 1 /);
    expect(messageOf(18.5)).toMatch(/^reply 18\.5 to DLE EOT 1 /);
    expect(messageOf(0x01)).toMatch(/^reply 0x01 to DLE EOT 1 /);
  });
  it("decodes a clone's replies by their meaningful bits", () => {
    expect(value(parseStatusByte(1, 0x08)).offline).toBe(true);
    expect(value(parseStatusByte(2, 0x04)).coverOpen).toBe(true);
    expect(value(parseStatusByte(3, 0x08)).autocutterError).toBe(true);
    expect(value(parseStatusByte(4, 0x60))).toEqual({ paperNearEnd: false, paperEnd: true });
    expect(value(parseStatusByte(4, 0x00))).toEqual({ paperNearEnd: false, paperEnd: false });
  });
  it('rejects an invalid byte as a typed failure naming the query', () => {
    const r = parseStatusByte(2, 0xff);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-status-byte');
      expect(r.error.recovery).toBe('check-configuration');
      expect(r.error.message).toMatch(/0xff.*DLE EOT 2/);
    }
  });
  it('n=1 bits: offline (3), waiting for recovery (5), feed button (6)', () => {
    expect(value(parseStatusByte(1, 0x12))).toEqual({
      offline: false,
      waitingForRecovery: false,
      feedButtonPressed: false,
    });
    expect(value(parseStatusByte(1, 0x1a)).offline).toBe(true);
    expect(value(parseStatusByte(1, 0x32)).waitingForRecovery).toBe(true);
    expect(value(parseStatusByte(1, 0x52)).feedButtonPressed).toBe(true);
  });
  it('n=2 bits: cover open (2), fed by button (3), stopped at paper end (5), error (6)', () => {
    expect(value(parseStatusByte(2, 0x12))).toEqual({
      coverOpen: false,
      paperFedByButton: false,
      stoppedAtPaperEnd: false,
      error: false,
    });
    expect(value(parseStatusByte(2, 0x16)).coverOpen).toBe(true);
    expect(value(parseStatusByte(2, 0x1a)).paperFedByButton).toBe(true);
    expect(value(parseStatusByte(2, 0x32)).stoppedAtPaperEnd).toBe(true);
    expect(value(parseStatusByte(2, 0x52)).error).toBe(true);
  });
  it('n=3 bits: recoverable (2), autocutter (3), unrecoverable (5), auto-recoverable (6)', () => {
    expect(value(parseStatusByte(3, 0x12))).toEqual({
      recoverableError: false,
      autocutterError: false,
      unrecoverableError: false,
      autoRecoverableError: false,
    });
    expect(value(parseStatusByte(3, 0x16)).recoverableError).toBe(true);
    expect(value(parseStatusByte(3, 0x1a)).autocutterError).toBe(true);
    expect(value(parseStatusByte(3, 0x32)).unrecoverableError).toBe(true);
    expect(value(parseStatusByte(3, 0x52)).autoRecoverableError).toBe(true);
  });
  it('n=4 bits: near end (2–3), paper end (5–6); either bit of a pair counts', () => {
    expect(value(parseStatusByte(4, 0x12))).toEqual({ paperNearEnd: false, paperEnd: false });
    expect(value(parseStatusByte(4, 0x1e))).toEqual({ paperNearEnd: true, paperEnd: false });
    expect(value(parseStatusByte(4, 0x16)).paperNearEnd).toBe(true);
    expect(value(parseStatusByte(4, 0x1a)).paperNearEnd).toBe(true);
    expect(value(parseStatusByte(4, 0x72))).toEqual({ paperNearEnd: false, paperEnd: true });
    expect(value(parseStatusByte(4, 0x32)).paperEnd).toBe(true);
    expect(value(parseStatusByte(4, 0x52)).paperEnd).toBe(true);
  });
});

describe('PrinterCondition and DeviceStatus', () => {
  it('all clear → online', () => {
    const c = value(parseCondition([0x12, 0x12, 0x12, 0x12]));
    expect(c).toMatchObject({
      online: true,
      coverOpen: false,
      paperEnd: false,
      paperNearEnd: false,
      error: false,
    });
    expect(conditionToDeviceStatus(c)).toEqual({ state: 'online' });
  });
  it('near end still prints (online) but is reported', () => {
    const c = value(parseCondition([0x12, 0x12, 0x12, 0x1e]));
    expect(c.paperNearEnd).toBe(true);
    expect(conditionToDeviceStatus(c)).toEqual({ state: 'online' });
  });
  it('paper out → error refill-paper (cause named, not just offline)', () => {
    const c = value(parseCondition([0x1a, 0x32, 0x12, 0x72]));
    expect(c).toMatchObject({ online: false, paperEnd: true });
    expect(conditionToDeviceStatus(c)).toMatchObject({
      state: 'error',
      code: 'paper-end',
      recovery: 'refill-paper',
    });
  });
  it('stopped at paper end alone counts as paper end', () => {
    expect(value(parseCondition([0x1a, 0x32, 0x12, 0x12])).paperEnd).toBe(true);
  });
  it('cover open → close-cover', () => {
    const c = value(parseCondition([0x1a, 0x16, 0x12, 0x12]));
    expect(conditionToDeviceStatus(c)).toMatchObject({
      state: 'error',
      code: 'cover-open',
      recovery: 'close-cover',
    });
  });
  it('autocutter error → reset-device; unrecoverable → needs-maintenance', () => {
    const cut = value(parseCondition([0x3a, 0x52, 0x1a, 0x12]));
    expect(cut.error).toBe(true);
    expect(conditionToDeviceStatus(cut)).toMatchObject({ code: 'cutter-error', recovery: 'reset-device' });
    const dead = value(parseCondition([0x3a, 0x52, 0x32, 0x12]));
    expect(conditionToDeviceStatus(dead)).toMatchObject({
      code: 'unrecoverable',
      recovery: 'needs-maintenance',
    });
  });
  it('a clone condition is decoded and carries the fixed-bits warning', () => {
    const fine = value(parseCondition([0x00, 0x00, 0x00, 0x00]));
    expect(fine.nonStandardFixedBits).toBe(true);
    expect(conditionToDeviceStatus(fine)).toEqual({ state: 'online', warning: 'status-fixed-bits' });
    const out = value(parseCondition([0x08, 0x20, 0x00, 0x60]));
    expect(conditionToDeviceStatus(out)).toMatchObject({
      state: 'error',
      code: 'paper-end',
      warning: 'status-fixed-bits',
    });
    // One standard reply among clone ones still marks the printer non-standard; all standard does not.
    expect(value(parseCondition([0x12, 0x12, 0x02, 0x12])).nonStandardFixedBits).toBe(true);
    expect(value(parseCondition([0x12, 0x12, 0x12, 0x12])).nonStandardFixedBits).toBe(false);
  });
  it('GS r 1 replies: told apart from standard DLE EOT replies by bit 4', () => {
    expect(isPaperSensorReply(0x00)).toBe(true);
    expect(isPaperSensorReply(0x0f)).toBe(true);
    expect(isPaperSensorReply(0x12)).toBe(false);
    expect(isPaperSensorReply(0x80)).toBe(false);
  });
  it('plain offline → offline', () => {
    expect(conditionToDeviceStatus(value(parseCondition([0x1a, 0x12, 0x12, 0x12])))).toMatchObject({
      state: 'offline',
    });
  });
  it('one byte that cannot be a status reply fails the whole condition, naming its query', () => {
    for (let n = 0; n < 4; n++) {
      const bytes: [number, number, number, number] = [0x12, 0x12, 0x12, 0x12];
      bytes[n] = 0x80;
      const r = parseCondition(bytes);
      expect(r.ok, `byte ${n + 1}`).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(new RegExp(`DLE EOT ${n + 1} `));
    }
  });
  it('an error reported only as the offline cause (n2 bit 6) stops printing with a retry hint', () => {
    const c = value(parseCondition([0x12, 0x52, 0x12, 0x12]));
    expect(c.error).toBe(true);
    expect(conditionToDeviceStatus(c)).toEqual({
      state: 'error',
      code: 'error',
      recovery: 'retry',
      message: 'printer reports a recoverable error',
    });
  });
  it('tells the technician each problem in words', () => {
    const status = (bytes: [number, number, number, number]) =>
      conditionToDeviceStatus(value(parseCondition(bytes)));
    expect(status([0x1a, 0x16, 0x12, 0x12])).toMatchObject({ message: 'printer cover is open' });
    expect(status([0x1a, 0x12, 0x12, 0x72])).toMatchObject({ message: 'printer is out of paper' });
    expect(status([0x3a, 0x52, 0x1a, 0x12])).toMatchObject({ message: 'autocutter error (paper jam?)' });
    expect(status([0x3a, 0x52, 0x32, 0x12])).toMatchObject({ message: 'unrecoverable printer error' });
    expect(status([0x1a, 0x12, 0x12, 0x12])).toEqual({ state: 'offline', reason: 'printer is offline' });
  });
});
