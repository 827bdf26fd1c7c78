import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openStore, type KioskStore } from '../../store/store.js';
import {
  DEMO_TECHNICIAN_PIN,
  TECHNICIAN_LOCKOUT_SETTING,
  TechnicianAuth,
  isAcceptablePin,
} from './technician-auth.js';

const stores: KioskStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'booth-tech-'));
  dirs.push(dir);
  return dir;
}

async function open(dir = tempDir()): Promise<KioskStore> {
  const store = await openStore({ dataDir: dir });
  stores.push(store);
  return store;
}

/** Closes a store and opens the same data directory again, as a kiosk restart does. */
async function restart(store: KioskStore): Promise<KioskStore> {
  await store.close();
  stores.splice(stores.indexOf(store), 1);
  return open(store.dataDir);
}

async function auditRows(s: KioskStore): Promise<{ event: string; details: Record<string, unknown> }[]> {
  return (await s.audit.recent(1000))
    .filter((e) => e.event.startsWith('technician.'))
    .reverse()
    .map((e) => ({ event: e.event, details: e.details }));
}

describe('TechnicianAuth', () => {
  it('accepts the demonstration PIN only on a demonstration kiosk with no PIN set', async () => {
    const s = await open();
    expect(await new TechnicianAuth(s, { demonstration: true }).login(1, DEMO_TECHNICIAN_PIN)).toMatchObject({
      ok: true,
    });
    expect(await new TechnicianAuth(s, { demonstration: false }).login(1, DEMO_TECHNICIAN_PIN)).toEqual({
      ok: false,
      error: { code: 'no-pin-set', attemptsLeft: 4, lockedUntil: null },
    });
  });

  it('checks a set PIN (stored hashed), holds a session per connection and audits', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: true });
    await auth.setPin('482913');
    // Stored under the key earlier versions used (a renamed key would drop every kiosk's PIN on upgrade),
    // as a salted hash, never the PIN itself.
    const stored = await s.settings.get('technician.pin', z.unknown(), null);
    expect(stored).toMatchObject({ salt: expect.any(String), hash: expect.any(String), n: 16384 });
    expect(JSON.stringify(stored)).not.toContain('482913');
    expect(await auth.login(7, DEMO_TECHNICIAN_PIN)).toMatchObject({
      ok: false,
      error: { code: 'wrong-pin', attemptsLeft: 4 },
    });
    expect(await auth.login(7, '482913')).toMatchObject({ ok: true });
    expect(auth.isSignedIn(7)).toBe(true);
    expect(auth.isSignedIn(8)).toBe(false);
    await auth.logout(7);
    expect(auth.isSignedIn(7)).toBe(false);
    // The failed attempt is written (with its count) when the round ends, before the sign-in.
    expect((await auditRows(s)).map((r) => r.event)).toEqual([
      'technician.pin-changed',
      'technician.login-failed',
      'technician.login',
      'technician.logout',
    ]);
    expect((await auditRows(s))[1]?.details).toMatchObject({ count: 1, lockedUntil: null });
  });

  it('counts attempts left and says when a lockout ends; sessions expire', async () => {
    const s = await open();
    let now = 1_000_000;
    const auth = new TechnicianAuth(s, {
      demonstration: true,
      now: () => now,
      maxFailures: 3,
      lockoutMs: 60_000,
      sessionMs: 1000,
    });
    expect(await auth.login(1, '999999')).toEqual({
      ok: false,
      error: { code: 'wrong-pin', attemptsLeft: 2, lockedUntil: null },
    });
    expect(await auth.login(1, '999999')).toMatchObject({
      ok: false,
      error: { attemptsLeft: 1, lockedUntil: null },
    });
    expect(await auth.login(1, '999999')).toEqual({
      ok: false,
      error: { code: 'locked', attemptsLeft: 0, lockedUntil: 1_060_000, retryAfterMs: 60_000 },
    });
    now += 30_000;
    // The right PIN does not open a locked sign-in.
    expect(await auth.login(1, DEMO_TECHNICIAN_PIN)).toEqual({
      ok: false,
      error: { code: 'locked', attemptsLeft: 0, lockedUntil: 1_060_000, retryAfterMs: 30_000 },
    });
    now = 1_060_000;
    expect(await auth.login(1, DEMO_TECHNICIAN_PIN)).toMatchObject({ ok: true });
    now += 2000;
    expect(auth.isSignedIn(1)).toBe(false);
  });

  it('keeps the failure count and the lockout across a restart (a new TechnicianAuth over the same store)', async () => {
    let now = 5_000_000;
    const options = { demonstration: true, now: () => now, maxFailures: 5, lockoutMs: 60_000 };
    let s = await open();
    for (let i = 0; i < 3; i++) await new TechnicianAuth(s, options).login(1, '123123');
    s = await restart(s);
    // Two attempts left, not five.
    expect(await new TechnicianAuth(s, options).login(1, '123123')).toMatchObject({
      ok: false,
      error: { attemptsLeft: 1 },
    });
    expect(await new TechnicianAuth(s, options).login(1, '123123')).toMatchObject({
      ok: false,
      error: { code: 'locked', lockedUntil: 5_060_000 },
    });
    // Stored under the key earlier versions used: a renamed key would hand every locked-out kiosk fresh
    // guesses on upgrade.
    expect(await s.settings.get('technician.lockout', z.unknown(), null)).toMatchObject({
      level: 1,
      lockedUntil: 5_060_000,
    });
    s = await restart(s);
    now += 10_000;
    // Still locked after the restart, even for the right PIN.
    expect(await new TechnicianAuth(s, options).login(1, DEMO_TECHNICIAN_PIN)).toMatchObject({
      ok: false,
      error: { code: 'locked', lockedUntil: 5_060_000 },
    });
  });

  it('doubles each further lockout up to the cap, and starts over after a success', async () => {
    const s = await open();
    let now = 0;
    const auth = new TechnicianAuth(s, {
      demonstration: true,
      now: () => now,
      maxFailures: 2,
      lockoutMs: 60_000,
      maxLockoutMs: 300_000,
    });
    const lengths: number[] = [];
    for (let round = 0; round < 5; round++) {
      await auth.login(1, '123123');
      const locked = await auth.login(1, '123123');
      if (locked.ok || locked.error.lockedUntil === null) throw new Error('expected a lockout');
      lengths.push(locked.error.lockedUntil - now);
      now = locked.error.lockedUntil;
    }
    expect(lengths).toEqual([60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(await auth.login(1, DEMO_TECHNICIAN_PIN)).toMatchObject({ ok: true });
    await auth.login(1, '123123');
    const again = await auth.login(1, '123123');
    expect(again).toMatchObject({ ok: false, error: { code: 'locked', lockedUntil: now + 60_000 } });
  });

  it('a clock stepped back does not stretch a lockout beyond its length', async () => {
    const s = await open();
    let now = 10_000_000;
    const auth = new TechnicianAuth(s, { demonstration: true, now: () => now, maxFailures: 1 });
    expect(await auth.login(1, '123123')).toMatchObject({ ok: false, error: { lockedUntil: 10_060_000 } });
    now -= 3_600_000;
    expect(await auth.login(1, '123123')).toMatchObject({
      ok: false,
      error: { code: 'locked', lockedUntil: now + 60_000 },
    });
  });

  it('coalesces a brute-force run in the audit log: at most two rows per lockout window', async () => {
    const s = await open();
    let now = 0;
    const auth = new TechnicianAuth(s, { demonstration: false, now: () => now, lockoutMs: 60_000 });
    await auth.setPin('482913');
    const windows = 4;
    let attempts = 0;
    for (let w = 0; w < windows; w++) {
      // Guess until locked, then hammer the locked sign-in 200 times, then wait the lockout out.
      let outcome = await auth.login(1, String(100000 + attempts++));
      while (!outcome.ok && outcome.error.code === 'wrong-pin')
        outcome = await auth.login(1, String(100000 + attempts++));
      if (outcome.ok || outcome.error.lockedUntil === null) throw new Error('expected a lockout');
      for (let i = 0; i < 200; i++) await auth.login(1, String(100000 + attempts++));
      now = outcome.error.lockedUntil;
    }
    expect(attempts).toBe(windows * 205);
    const rows = await auditRows(s);
    const failed = rows.filter((r) => r.event === 'technician.login-failed');
    const refused = rows.filter((r) => r.event === 'technician.login-refused');
    expect(failed).toHaveLength(windows);
    // The last window's refusals are written when the next attempt comes after it.
    expect(refused).toHaveLength(windows - 1);
    expect(rows.length).toBeLessThanOrEqual(1 + 2 * windows);
    expect(failed.map((r) => r.details.count)).toEqual([5, 5, 5, 5]);
    expect(refused.map((r) => r.details.count)).toEqual([200, 200, 200]);
    // Every attempt is accounted for once the round is closed.
    expect(await auth.login(1, '482913')).toMatchObject({ ok: true });
    const closed = await auditRows(s);
    const counted = closed
      .filter((r) => r.event === 'technician.login-failed' || r.event === 'technician.login-refused')
      .reduce((sum, r) => sum + Number(r.details.count), 0);
    expect(counted).toBe(attempts);
  });

  it('counts refusals on a kiosk without a PIN towards the lockout, so they cannot flood the audit log', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: false });
    const outcomes = [];
    for (let i = 0; i < 50; i++) outcomes.push(await auth.login(1, DEMO_TECHNICIAN_PIN));
    expect(outcomes.slice(0, 4).map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(
      Array(4).fill('no-pin-set'),
    );
    expect(outcomes.slice(4).every((o) => !o.ok && o.error.code === 'locked')).toBe(true);
    expect((await auditRows(s)).length).toBe(1);
  });

  it('a new PIN set on the kiosk ends the lockout and the back-off, and keeps the audit', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: false, maxFailures: 2 });
    await auth.setPin('482913');
    await auth.login(1, '111222');
    expect(await auth.login(1, '111222')).toMatchObject({ ok: false, error: { code: 'locked' } });
    await auth.login(1, '111222');
    await new TechnicianAuth(s, { demonstration: false }).setPin('730291');
    expect(await auth.login(1, '730291')).toMatchObject({ ok: true });
    expect(await s.settings.get(TECHNICIAN_LOCKOUT_SETTING, z.unknown(), null)).toMatchObject({
      failures: 0,
      level: 0,
      lockedUntil: 0,
    });
    expect((await auditRows(s)).map((r) => [r.event, r.details.count ?? null])).toEqual([
      ['technician.pin-changed', null],
      ['technician.login-failed', 2],
      ['technician.login-refused', 1],
      ['technician.pin-changed', null],
      ['technician.login', null],
    ]);
  });

  it('forgets failures after a quiet day', async () => {
    const s = await open();
    let now = 0;
    const auth = new TechnicianAuth(s, { demonstration: true, now: () => now, resetAfterMs: 86_400_000 });
    for (let i = 0; i < 4; i++) await auth.login(1, '123123');
    now += 86_400_000;
    expect(await auth.login(1, '123123')).toMatchObject({
      ok: false,
      error: { code: 'wrong-pin', attemptsLeft: 4 },
    });
  });

  it('checks parallel guesses one at a time, so the lockout holds', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: true, maxFailures: 5, lockoutMs: 60_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => auth.login(1, String(100000 + i))),
    );
    const reasons = outcomes.map((o) => (o.ok ? 'ok' : o.error.code));
    expect(reasons.filter((r) => r === 'wrong-pin')).toHaveLength(4);
    expect(reasons.filter((r) => r === 'locked')).toHaveLength(36);
  });

  it('refuses weak PINs', () => {
    expect(isAcceptablePin('123456')).toBe(true);
    expect(isAcceptablePin('111111')).toBe(false);
    expect(isAcceptablePin('12345')).toBe(false);
    expect(isAcceptablePin('12ab56')).toBe(false);
  });

  it('takes 6 to 12 digits and nothing around them; only a PIN of one repeated digit is too weak', () => {
    expect(isAcceptablePin('123456789012')).toBe(true);
    expect(isAcceptablePin('1234567890123')).toBe(false);
    expect(isAcceptablePin('a123456')).toBe(false);
    expect(isAcceptablePin('123456a')).toBe(false);
    // A repeated digit at the start or the end is fine; only the whole PIN being one digit is refused.
    expect(isAcceptablePin('112345')).toBe(true);
    expect(isAcceptablePin('123455')).toBe(true);
  });

  it('refuses to set a weak PIN from the CLI, saying what a PIN must be', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: false });
    await expect(auth.setPin('111111')).rejects.toThrow(/6 to 12 digits/);
    expect(await auth.login(1, '111111')).toMatchObject({ ok: false, error: { code: 'no-pin-set' } });
  });

  it('records who acted and how each round ended in the audit log', async () => {
    const s = await open();
    const now = 0;
    const auth = new TechnicianAuth(s, {
      demonstration: false,
      now: () => now,
      maxFailures: 2,
      lockoutMs: 60_000,
    });
    // Two refusals on a kiosk without a PIN lock it; both are counted as such.
    await auth.login(1, '000000');
    await auth.login(1, '000000');
    await auth.login(1, '000000');
    await auth.setPin('482913');
    expect(await auth.login(1, '111222')).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await auth.login(1, '482913')).toMatchObject({ ok: true });
    await auth.logout(1);
    const all = (await s.audit.recent(100)).reverse();
    expect(all.map((e) => [e.event, e.actor])).toEqual([
      ['technician.login-failed', 'technician'],
      ['technician.login-refused', 'technician'],
      ['technician.pin-changed', 'technician'],
      ['technician.login-failed', 'technician'],
      ['technician.login', 'technician'],
      ['technician.logout', 'technician'],
    ]);
    expect(all.map((e) => e.details)).toEqual([
      { count: 2, noPinSet: 2, lockedUntil: 60_000, level: 1 },
      { reason: 'locked', count: 1, lockedUntil: 60_000 },
      { lockoutCleared: true },
      { count: 1, noPinSet: 0, lockedUntil: null, level: null },
      {},
      {},
    ]);
    // A PIN changed with no lockout in force says so.
    await auth.setPin('730291');
    expect((await s.audit.recent(1))[0]?.details).toEqual({ lockoutCleared: false });
  });

  it('a quiet day after a lockout starts the back-off over (the next lockout is the first length again)', async () => {
    const s = await open();
    let now = 0;
    const hour = 3_600_000;
    const auth = new TechnicianAuth(s, {
      demonstration: true,
      now: () => now,
      maxFailures: 1,
      lockoutMs: 60_000,
      resetAfterMs: hour,
    });
    expect(await auth.login(1, '123123')).toMatchObject({ ok: false, error: { lockedUntil: 60_000 } });
    // Within the quiet period the next lockout doubles ...
    now = 120_000;
    expect(await auth.login(1, '123123')).toMatchObject({ ok: false, error: { lockedUntil: now + 120_000 } });
    // ... after it (an hour here, not the default day) it is back to one minute.
    now += hour;
    expect(await auth.login(1, '123123')).toMatchObject({ ok: false, error: { lockedUntil: now + 60_000 } });
  });

  it('ends a session exactly when it expires, and a clock stepped back does not revive it', async () => {
    const s = await open();
    let now = 1_000;
    const auth = new TechnicianAuth(s, { demonstration: true, now: () => now, sessionMs: 1000 });
    expect(await auth.login(1, '000000')).toEqual({ ok: true, value: { expiresAt: 2_000 } });
    now = 1_999;
    expect(auth.isSignedIn(1)).toBe(true);
    now = 2_000;
    expect(auth.isSignedIn(1)).toBe(false);
    now = 1_500;
    expect(auth.isSignedIn(1)).toBe(false);
  });

  it('treats a damaged stored PIN hash as a wrong PIN, not a crash (sign-in and PIN change)', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: false });
    await auth.setPin('482913');
    expect(await auth.login(2, '482913')).toMatchObject({ ok: true });
    const stored = await s.settings.get(
      'technician.pin',
      z.object({ salt: z.string(), hash: z.string(), n: z.number() }),
      null,
    );
    await s.settings.set('technician.pin', { ...stored, hash: Buffer.alloc(16).toString('base64') });
    expect(await auth.login(1, '482913')).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await auth.changePin(2, '482913', '246810')).toEqual({ ok: false, error: { code: 'wrong-pin' } });
  });

  it('on screen, checks the current PIN against the set PIN (or the demonstration PIN while none is set)', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: true });
    await auth.login(1, DEMO_TECHNICIAN_PIN);
    expect(await auth.changePin(1, '135791', '246810')).toEqual({ ok: false, error: { code: 'wrong-pin' } });
    expect(auth.isSignedIn(1)).toBe(false);

    await auth.setPin('482913');
    await auth.login(2, '482913');
    expect(await auth.changePin(2, DEMO_TECHNICIAN_PIN, '246810')).toEqual({
      ok: false,
      error: { code: 'wrong-pin' },
    });
    await auth.login(3, '482913');
    expect(await auth.changePin(3, '482913', '246810')).toEqual({ ok: true, value: null });
    expect(await auth.login(4, '246810')).toMatchObject({ ok: true });
  });

  it('changes the PIN on screen only for a signed-in connection that gives the current PIN again', async () => {
    const s = await open();
    const auth = new TechnicianAuth(s, { demonstration: true });
    expect(await auth.changePin(1, DEMO_TECHNICIAN_PIN, '246810')).toEqual({
      ok: false,
      error: { code: 'not-signed-in' },
    });
    await auth.login(1, DEMO_TECHNICIAN_PIN);
    expect(await auth.changePin(1, DEMO_TECHNICIAN_PIN, '111111')).toEqual({
      ok: false,
      error: { code: 'unacceptable-pin' },
    });
    expect(auth.isSignedIn(1)).toBe(true);
    expect(await auth.changePin(1, DEMO_TECHNICIAN_PIN, '246810')).toEqual({ ok: true, value: null });
    // The demonstration PIN no longer opens it; the new one does.
    expect(await auth.login(2, DEMO_TECHNICIAN_PIN)).toMatchObject({
      ok: false,
      error: { code: 'wrong-pin' },
    });
    expect(await auth.login(2, '246810')).toMatchObject({ ok: true });
    // A wrong current PIN ends the session: more guesses go through sign-in and its lockout.
    expect(await auth.changePin(2, '135791', '864200')).toEqual({ ok: false, error: { code: 'wrong-pin' } });
    expect(auth.isSignedIn(2)).toBe(false);
    expect(await auth.login(3, '246810')).toMatchObject({ ok: true });
    expect((await auditRows(s)).map((r) => r.event)).toContain('technician.pin-changed');
  });
});
