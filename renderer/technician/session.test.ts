import { describe, expect, it } from 'vitest';
import type { DeviceStatusView } from '../../main/api/views.js';
import { rejectionText, signInOutcome, withDeviceStatus } from './session.js';

describe('technician session', () => {
  it('signs in, or keeps the reason with the attempts left and the lockout’s end', () => {
    expect(signInOutcome({ ok: true, value: { signedIn: true, expiresAt: 1 } })).toEqual({ signedIn: true });
    expect(
      signInOutcome({
        ok: true,
        value: {
          signedIn: false,
          reason: 'wrong-pin',
          messageKey: 'technician.wrong-pin',
          attemptsLeft: 2,
          lockedUntil: null,
        },
      }),
    ).toEqual({
      signedIn: false,
      problem: { messageKey: 'technician.wrong-pin', attemptsLeft: 2, lockedUntil: null },
    });
    expect(signInOutcome({ ok: false, error: { messageKey: 'errors.internal' } })).toEqual({
      signedIn: false,
      problem: { messageKey: 'errors.internal', attemptsLeft: 0, lockedUntil: null },
    });
  });

  it('replaces a pushed device’s status in place, or adds it', () => {
    const printer = { kind: 'printer', status: { state: 'online' } } as unknown as DeviceStatusView;
    const reader = { kind: 'idcard', status: { state: 'online' } } as unknown as DeviceStatusView;
    const out = {
      kind: 'printer',
      status: { state: 'error', code: 'paper-end' },
    } as unknown as DeviceStatusView;
    expect(withDeviceStatus([printer, reader], out)).toEqual([out, reader]);
    expect(withDeviceStatus([reader], out)).toEqual([reader, out]);
  });

  it('says a refused catalog in one line', () => {
    expect(rejectionText(null)).toBe('—');
    const at = '2026-12-01T08:00:00Z';
    expect(rejectionText({ version: 7, reason: 'signature', message: 'bad', source: 'usb', at })).toBe(
      `v7 signature: bad (usb, ${at})`,
    );
    expect(rejectionText({ reason: 'parse', message: 'bad', source: 'usb', at })).toBe(
      `parse: bad (usb, ${at})`,
    );
  });
});
