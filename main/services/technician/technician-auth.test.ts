import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type KioskStore } from '../../store/store.js';
import { DEMO_TECHNICIAN_PIN, TechnicianAuth, isAcceptablePin } from './technician-auth.js';

let store: KioskStore | null = null;
let dir = '';
afterEach(async () => {
  await store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<KioskStore> {
  dir = mkdtempSync(path.join(tmpdir(), 'booth-tech-'));
  store = await openStore({ dataDir: dir });
  return store;
}

describe('TechnicianAuth', () => {
  it('accepts the demonstration PIN only on a simulated kiosk with no PIN set', async () => {
    const s = await open();
    expect(await new TechnicianAuth(s, { simulated: true }).login(1, DEMO_TECHNICIAN_PIN)).toMatchObject({
      ok: true,
    });
    expect(await new TechnicianAuth(s, { simulated: false }).login(1, DEMO_TECHNICIAN_PIN)).toEqual({
      ok: false,
      reason: 'no-pin-set',
    });
  });

  it('checks a set PIN (stored hashed), holds a session per connection and audits', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { simulated: true });
    await auth.setPin('482913');
    expect(
      JSON.stringify(await s.settings.get('technician.pin', (await import('zod')).z.unknown(), null)),
    ).not.toContain('482913');
    expect(await auth.login(7, DEMO_TECHNICIAN_PIN)).toMatchObject({ ok: false, reason: 'wrong-pin' });
    expect(await auth.login(7, '482913')).toMatchObject({ ok: true });
    expect(auth.isSignedIn(7)).toBe(true);
    expect(auth.isSignedIn(8)).toBe(false);
    await auth.logout(7);
    expect(auth.isSignedIn(7)).toBe(false);
    const events = (await s.audit.recent(10)).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining([
        'technician.pin-changed',
        'technician.login-failed',
        'technician.login',
        'technician.logout',
      ]),
    );
  });

  it('locks out after repeated failures and expires sessions', async () => {
    const s = await open();
    let now = 1_000_000;
    const auth = new TechnicianAuth(s, {
      simulated: true,
      now: () => now,
      maxFailures: 3,
      lockoutMs: 60_000,
      sessionMs: 1000,
    });
    for (let i = 0; i < 3; i++) expect(await auth.login(1, '999999')).toMatchObject({ reason: 'wrong-pin' });
    expect(await auth.login(1, DEMO_TECHNICIAN_PIN)).toMatchObject({ ok: false, reason: 'locked' });
    now += 61_000;
    expect(await auth.login(1, DEMO_TECHNICIAN_PIN)).toMatchObject({ ok: true });
    now += 2000;
    expect(auth.isSignedIn(1)).toBe(false);
  });

  it('checks parallel guesses one at a time, so the lockout holds', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { simulated: true, maxFailures: 5, lockoutMs: 60_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => auth.login(1, String(100000 + i))),
    );
    const reasons = outcomes.map((o) => (o.ok ? 'ok' : o.reason));
    expect(reasons.filter((r) => r === 'wrong-pin')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'locked')).toHaveLength(35);
  });

  it('refuses weak PINs', () => {
    expect(isAcceptablePin('123456')).toBe(true);
    expect(isAcceptablePin('111111')).toBe(false);
    expect(isAcceptablePin('12345')).toBe(false);
    expect(isAcceptablePin('12ab56')).toBe(false);
  });
});
